// Design-rule check of the routed board, run by the build (which fails when it finds anything)
// and by the tests. The rules come from @tscircuit/checks; this file picks the ones that make a
// board unorderable (unrouted nets, copper too close, parts or copper off the board) and adds
// the one rule only this project knows: the optics must sit on the holder's bores.
import {
    checkCopperToBoardEdgeClearance,
    checkEachPcbPortConnectedToPcbTraces,
    checkEachPcbTraceNonOverlapping,
    checkPadPadClearance,
    checkPadTraceClearance,
    checkPcbComponentsOutOfBoard,
    checkPcbTracesOutOfBoard,
    checkSourceTracesHavePcbTraces,
    checkTracesAreContiguous,
} from "@tscircuit/checks"
import { holderGeometry, type HolderParams } from "./holder.ts"

type El = { type: string; [k: string]: any }

/** Minimum copper-to-copper gap, mm. 0.15 mm is inside every common board house's standard
 *  process (JLCPCB/PCBWay: 0.1-0.127 mm) and still etchable at home with toner transfer. */
export const MIN_CLEARANCE = 0.15

export interface DrcFinding {
    rule: string
    message: string
}

export interface DrcReport {
    findings: DrcFinding[]
    /** nets with two or more pads, and how many of them are connected by copper */
    nets: number
    routedNets: number
    traces: number
    vias: number
}

const msg = (e: El) => String(e.message ?? e.type)

/** Pad centre of a named component's port ("D1", "pos"), from the circuit JSON. */
export function componentCentre(cj: El[], ref: string): { x: number; y: number } {
    const src = cj.find(e => e.type === "source_component" && e.name === ref)
    const pc = src && cj.find(e => e.type === "pcb_component" && e.source_component_id === src.source_component_id)
    if (!pc) throw new Error(`no PCB component ${ref}`)
    return { x: pc.center.x, y: pc.center.y }
}

/** Groups of PCB ports that the schematic puts on one net (source_trace connectivity). */
function netsOfPorts(cj: El[]): string[][] {
    const parent = new Map<string, string>()
    const find = (x: string): string => {
        const p = parent.get(x)
        if (p === undefined || p === x) return x
        const r = find(p)
        parent.set(x, r)
        return r
    }
    const union = (a: string, b: string) => parent.set(find(a), find(b))
    for (const t of cj.filter(e => e.type === "source_trace")) {
        const ids: string[] = [...t.connected_source_port_ids, ...t.connected_source_net_ids]
        for (const id of ids.slice(1)) union(ids[0], id)
    }
    const groups = new Map<string, string[]>()
    for (const pp of cj.filter(e => e.type === "pcb_port")) {
        const root = find(pp.source_port_id)
        groups.set(root, [...(groups.get(root) ?? []), pp.pcb_port_id])
    }
    return [...groups.values()].filter(g => g.length > 1)
}

/** Ports joined by copper: trace segments that touch each other or a port (within 1 µm).
 *  pcb_port_id → id of its copper island. */
export function copperGroups(cj: El[]): Map<string, string> {
    const ports = cj.filter(e => e.type === "pcb_port")
    const parent = new Map<string, string>()
    const find = (x: string): string => {
        const p = parent.get(x)
        if (p === undefined || p === x) return x
        const r = find(p)
        parent.set(x, r)
        return r
    }
    const union = (a: string, b: string) => parent.set(find(a), find(b))
    for (const t of cj.filter(e => e.type === "pcb_trace")) {
        const pts = t.route as { x: number; y: number; start_pcb_port_id?: string; end_pcb_port_id?: string }[]
        const id = t.pcb_trace_id
        for (const p of pts) for (const k of [p.start_pcb_port_id, p.end_pcb_port_id]) if (k) union(id, k)
        // a trace end that lands on a port's position connects to it even without the id
        for (const p of [pts[0], pts[pts.length - 1]])
            for (const port of ports) if (Math.hypot(port.x - p.x, port.y - p.y) < 1e-3) union(id, port.pcb_port_id)
    }
    const out = new Map<string, string>()
    for (const port of ports) out.set(port.pcb_port_id, find(port.pcb_port_id))
    return out
}

/** `holder`: the head board, whose optics must sit on the holder's bores; omitted for boards without optics (the P1 adapter). */
export async function runDrc(cj: El[], holder?: HolderParams): Promise<DrcReport> {
    const findings: DrcFinding[] = []
    const add = (rule: string, errors: El[]) => errors.forEach(e => findings.push({ rule, message: msg(e) }))

    // anything the renderer/autorouter itself flagged (autorouting failure, missing trace)
    add("render", cj.filter(e => e.type.endsWith("_error")))
    add("unrouted: port without trace", checkEachPcbPortConnectedToPcbTraces(cj as any) as El[])
    add("unrouted: connection without trace", checkSourceTracesHavePcbTraces(cj as any) as El[])
    add("unrouted: trace not contiguous", checkTracesAreContiguous(cj as any) as El[])
    add("clearance: trace-trace", checkEachPcbTraceNonOverlapping(cj as any, { minClearance: MIN_CLEARANCE }) as El[])
    add("clearance: pad-trace", checkPadTraceClearance(cj as any, { minClearance: MIN_CLEARANCE }) as El[])
    add("clearance: pad-pad", checkPadPadClearance(cj as any, { minClearance: MIN_CLEARANCE }) as El[])
    add("off board: component", checkPcbComponentsOutOfBoard(cj as any) as El[])
    add("off board: trace", checkPcbTracesOutOfBoard(cj as any) as El[])
    add("off board: copper to edge", checkCopperToBoardEdgeClearance(cj as any) as El[])

    // every net's pads joined by copper (independent of the library's own bookkeeping)
    const nets = netsOfPorts(cj)
    const copper = copperGroups(cj)
    let routedNets = 0
    for (const ports of nets) {
        if (new Set(ports.map(p => copper.get(p))).size === 1) routedNets++
        else findings.push({ rule: "unrouted: net split", message: `net of ${ports.join(", ")} is in ${new Set(ports.map(p => copper.get(p))).size} copper islands` })
    }

    // the optics on the holder's bores (the mechanical reason this board exists)
    const g = holder && holderGeometry(holder)
    for (const [ref, want] of g ? ([["D1", g.led], ["Q1", g.sensor]] as const) : []) {
        const at = componentCentre(cj, ref)
        const off = Math.hypot(at.x - want.x, at.y - want.y)
        if (off > 0.01) findings.push({ rule: "optics: off the bore", message: `${ref} is ${off.toFixed(3)} mm from its bore at (${want.x}, ${want.y})` })
    }

    return {
        findings,
        nets: nets.length,
        routedNets,
        traces: cj.filter(e => e.type === "pcb_trace").length,
        vias: cj.filter(e => e.type === "pcb_via").length,
    }
}
