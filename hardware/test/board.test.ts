// The routed board and its manufacturing files: the design-rule check passes and catches what it
// must, every net is routed, each transistor/IC/LED pad carries the net its datasheet pinning
// asks for, the optics sit exactly over the holder's bores, and the Gerber set has every layer a
// board house needs and parses with an independent Gerber parser.
import { test, before } from "node:test"
import assert from "node:assert/strict"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { unzipSync, strFromU8 } from "fflate"
import gerberParser from "gerber-parser"
import { buildCircuit } from "../src/build.ts"
import { componentCentre, copperGroups, runDrc } from "../src/drc.ts"
import { DEFAULT_HOLDER, holderStl } from "../src/holder.ts"
import { inside, parseBinaryStl } from "../src/mesh.ts"
import { El, padNames as namesOf, padNets as netsOf } from "./pad-nets.ts"

let cj: El[] = []
let out = ""
let drc: Awaited<ReturnType<typeof buildCircuit>>["drc"]

before(async () => {
    out = mkdtempSync(join(tmpdir(), "opto-board-"))
    const r = await buildCircuit(out)
    cj = r.circuitJson
    drc = r.drc
})

test("DRC is clean and all 10 nets are routed on one copper layer without vias", () => {
    assert.deepEqual(drc.findings, [])
    // V3V3, GND, TXD, RXD, PE, RX_RAW, TX_BUF, Q3_BASE, LED_A, LED_K
    assert.equal(drc.nets, 10)
    assert.equal(drc.routedNets, 10)
    assert.equal(drc.vias, 0)
    assert.ok(cj.filter(e => e.type === "pcb_trace").every(t => t.route.every((p: El) => p.route_type !== "wire" || p.layer === "top")))
})

/** The other pads joined to a pad by the routed copper alone (not by the schematic's bookkeeping). */
function copperPeers(pad: string): string[] {
    const names = namesOf(cj)
    const island = copperGroups(cj)
    const padOf = new Map(cj.filter(e => e.type === "pcb_port").map(pp => [pp.pcb_port_id, names.get(pp.source_port_id)!]))
    const mine = [...padOf].find(([, n]) => n === pad)
    assert.ok(mine, `no pad ${pad}`)
    return [...padOf].filter(([id, n]) => n !== pad && island.get(id) === island.get(mine[0])).map(([, n]) => n).sort()
}

/** The copper pad (SMD pad or plated hole) of a component's pad number. */
function padOf(ref: string, num: string): El {
    const src = cj.find(e => e.type === "source_component" && e.name === ref)!
    const pc = cj.find(e => e.type === "pcb_component" && e.source_component_id === src.source_component_id)!
    const pad = cj.find(e => (e.type === "pcb_smtpad" || e.type === "pcb_plated_hole") && e.pcb_component_id === pc.pcb_component_id && e.port_hints?.includes(num))
    assert.ok(pad, `no pad ${ref}.${num}`)
    return pad
}

test("SOT-23 pads carry BC817/BC807 pinning (1 base, 2 emitter, 3 collector), in the schematic and in the routed copper", () => {
    const n = netsOf(cj)
    // Q2 BC817: base on the phototransistor's emitter, emitter to GND, collector is RX_RAW
    assert.deepEqual(["Q2.1", "Q2.2", "Q2.3"].map(p => n.get(p)), ["PE", "GND", "RX_RAW"])
    // Q3 BC807: base behind R3, emitter on 3V3, collector feeds the LED's anode
    assert.deepEqual(["Q3.1", "Q3.2", "Q3.3"].map(p => n.get(p)), ["Q3_BASE", "V3V3", "LED_A"])
    // the same from the copper: what each pad is really soldered to
    assert.deepEqual(copperPeers("Q2.1"), ["Q1.1", "R1.1"])
    assert.deepEqual(copperPeers("Q2.3"), ["R2.1", "U1.2"])
    assert.deepEqual(copperPeers("Q3.1"), ["R3.2"])
    assert.deepEqual(copperPeers("Q3.3"), ["D1.1"])
    assert.ok(copperPeers("Q2.2").includes("J1.2"), "Q2 emitter on the GND pin of J1")
    assert.ok(copperPeers("Q3.2").includes("J1.1"), "Q3 emitter on the 3V3 pin of J1")
    // the pads themselves: 1 and 2 side by side 1.9 mm apart, 3 alone opposite them (SOT-23)
    for (const ref of ["Q2", "Q3"]) {
        const pad = (k: string) => padOf(ref, k)
        const d = (a: El, b: El) => Math.hypot(a.x - b.x, a.y - b.y)
        assert.ok(d(pad("1"), pad("2")) > 1.8 && d(pad("1"), pad("2")) < 2.0, `${ref}: pads 1-2 are 1.9 mm apart`)
        assert.ok(Math.abs(d(pad("1"), pad("3")) - d(pad("2"), pad("3"))) < 0.01 && d(pad("1"), pad("3")) > 2, `${ref}: pad 3 alone on the other side`)
    }
})

test("74LVC1G17 pads (SOT753 / SOT-23-5): 1 n.c., 2 A, 3 GND, 4 Y, 5 VCC", () => {
    const n = netsOf(cj)
    assert.deepEqual(["U1.1", "U1.2", "U1.3", "U1.4", "U1.5"].map(p => n.get(p)), ["(unconnected)", "RX_RAW", "GND", "RXD", "V3V3"])
    assert.deepEqual(["U2.1", "U2.2", "U2.3", "U2.4", "U2.5"].map(p => n.get(p)), ["(unconnected)", "TXD", "GND", "TX_BUF", "V3V3"])
    assert.deepEqual(copperPeers("U1.4"), ["J1.4"])
    assert.deepEqual(copperPeers("U2.2"), ["J1.3"])
    assert.deepEqual(copperPeers("U2.4"), ["R3.1"])
    assert.deepEqual(copperPeers("U1.1"), [])
    assert.deepEqual(copperPeers("U2.1"), [])
    // the package: 1-2-3 in a row at 0.95 mm, 4 opposite 3, 5 opposite 1
    for (const ref of ["U1", "U2"]) {
        const pad = (k: string) => padOf(ref, k)
        const d = (a: El, b: El) => Math.hypot(a.x - b.x, a.y - b.y)
        assert.ok(Math.abs(d(pad("1"), pad("2")) - 0.95) < 0.01 && Math.abs(d(pad("2"), pad("3")) - 0.95) < 0.01 && Math.abs(d(pad("1"), pad("3")) - 1.9) < 0.01, `${ref}: 1-2-3 in a row`)
        assert.ok(Math.abs(d(pad("3"), pad("4")) - d(pad("1"), pad("5"))) < 0.01 && Math.abs(d(pad("4"), pad("5")) - 1.9) < 0.01, `${ref}: 4 opposite 3, 5 opposite 1`)
        assert.ok(d(pad("3"), pad("4")) < d(pad("3"), pad("5")), `${ref}: 4 is across from 3, not from 1`)
    }
})

test("optics: D1 pad 1 (square) is the SFH 487's anode, Q1 pad 1 (square) the phototransistor's emitter", () => {
    const n = netsOf(cj)
    // SFH 487 datasheet: "anode marking: short lead" -> the short lead goes into the square pad
    assert.deepEqual([n.get("D1.1"), n.get("D1.2")], ["LED_A", "LED_K"])
    assert.deepEqual(copperPeers("D1.2"), ["R4.2"])
    // emitter follower: collector on 3V3, emitter into R1 and Q2's base; no base lead
    assert.deepEqual([n.get("Q1.1"), n.get("Q1.2")], ["PE", "V3V3"])
    assert.deepEqual(copperPeers("Q1.1"), ["Q2.1", "R1.1"])
    assert.equal(padOf("D1", "1").shape, "circular_hole_with_rect_pad")
    assert.equal(padOf("Q1", "1").shape, "circular_hole_with_rect_pad")
})

test("the DRC fails on an unrouted net, a part off the board and copper too close", async () => {
    const clone = () => JSON.parse(JSON.stringify(cj)) as El[]
    const rules = async (c: El[]) => new Set((await runDrc(c, DEFAULT_HOLDER)).findings.map(f => f.rule.split(":")[0]))

    const unrouted = clone()
    const i = unrouted.findIndex(e => e.type === "pcb_trace")
    unrouted.splice(i, 1)
    assert.ok((await rules(unrouted)).has("unrouted"))

    const offBoard = clone()
    const c2 = offBoard.find(e => e.type === "source_component" && e.name === "C2")!
    const pc = offBoard.find(e => e.type === "pcb_component" && e.source_component_id === c2.source_component_id)!
    pc.center = { x: 20, y: 0 }
    assert.ok((await rules(offBoard)).has("off board"))

    // a trace laid straight across the two pads of R2 (another net between them) shorts them
    const short = clone()
    const pads = short.filter(e => e.type === "pcb_smtpad")
    const [a, b] = [pads[0], pads.find(p => p.pcb_component_id !== pads[0].pcb_component_id)!]
    short.push({ type: "pcb_trace", pcb_trace_id: "test_short", route: [{ route_type: "wire", x: a.x, y: a.y, width: 0.15, layer: "top" }, { route_type: "wire", x: b.x, y: b.y, width: 0.15, layer: "top" }] })
    assert.ok((await rules(short)).has("clearance"))
})

test("LED and phototransistor are 6.75 mm apart on the board, centred on the magnet, over the holder's bores", () => {
    const d1 = componentCentre(cj, "D1")
    const q1 = componentCentre(cj, "Q1")
    assert.ok(Math.abs(Math.hypot(q1.x - d1.x, q1.y - d1.y) - 6.75) < 1e-6, `distance ${Math.hypot(q1.x - d1.x, q1.y - d1.y)}`)
    assert.ok(Math.abs((d1.x + q1.x) / 2) < 1e-6 && Math.abs((d1.y + q1.y) / 2) < 1e-6, "optical centre on the magnet's centre")
    assert.equal(DEFAULT_HOLDER.opticalSpacing, 6.75)
    // the printed holder is open (a bore) at the board's optic positions, 1 mm from the face,
    // and solid 1.8 mm beside them (bore Ø3.1 mm)
    const holder = parseBinaryStl(holderStl(DEFAULT_HOLDER))
    for (const p of [d1, q1]) {
        assert.equal(inside(holder, [p.x + 0.01, p.y + 0.01, 1]), false, `bore at ${p.x}, ${p.y}`)
        assert.equal(inside(holder, [p.x + 0.01, p.y + 1.8, 1]), true, `wall beside the bore at ${p.x}, ${p.y}`)
    }
})

/** Parse one Gerber or drill file; resolves with its file type, operation count and warnings. */
function parse(text: string): Promise<{ filetype: string; ops: number; flashes: number; warnings: string[] }> {
    return new Promise((resolve, reject) => {
        const parser = gerberParser()
        let ops = 0
        let flashes = 0
        const warnings: string[] = []
        parser.on("warning", (w: { message: string }) => warnings.push(w.message))
        parser.on("error", reject)
        parser.on("data", (d: { type: string; op?: string }) => {
            if (d.type === "op") {
                ops++
                if (d.op === "flash") flashes++
            }
        })
        parser.on("end", () => resolve({ filetype: parser.format.filetype, ops, flashes, warnings }))
        parser.write(text)
        parser.end()
    })
}

test("the Gerber zip has copper, mask, paste, silkscreen, outline and drill, and each file parses", async () => {
    const zip = unzipSync(readFileSync(join(out, "head-gerber.zip")))
    assert.deepEqual(Object.keys(zip).sort(), ["head.DRL", "head.GBO", "head.GKO", "head.GTL", "head.GTO", "head.GTP", "head.GTS"])
    const files = Object.fromEntries(Object.entries(zip).map(([n, b]) => [n, strFromU8(b)]))
    const functions = Object.fromEntries(Object.entries(files).map(([n, t]) => [n, /%TF\.FileFunction,([^*]+)\*%/.exec(t)?.[1]]))
    assert.deepEqual(functions, {
        "head.DRL": undefined,
        "head.GBO": "Legend,Bot",
        "head.GKO": "Profile,NP",
        "head.GTL": "Copper,L1,Top",
        "head.GTO": "Legend,Top",
        "head.GTP": "Paste,Top",
        "head.GTS": "Soldermask,Top",
    })
    const parsed = Object.fromEntries(await Promise.all(Object.entries(files).map(async ([n, t]) => [n, await parse(t)] as const)))
    for (const [n, r] of Object.entries(parsed)) {
        // gerber-parser 4 predates the X2 attributes (%TF...%): it skips them with a notice,
        // which is what X2 asks of older readers; anything else it warns about is a defect
        assert.deepEqual(r.warnings.filter(w => !/^block "%TF\./.test(w)), [], `${n} parses without warnings`)
        assert.ok(r.ops > 0, `${n} draws something`)
    }
    assert.equal(parsed["head.DRL"].filetype, "drill")
    for (const n of ["head.GTL", "head.GTS", "head.GKO", "head.GTO"]) assert.equal(parsed[n].filetype, "gerber")
    // 28 SMD pads + 8 through-hole lands (J1 × 4, D1 × 2, Q1 × 2), on copper and mask alike
    assert.equal(parsed["head.GTL"].flashes, 36)
    assert.equal(parsed["head.GTS"].flashes, 36)
    // 8 holes: the 4 cable pads and the optics' leads
    assert.equal(parsed["head.DRL"].flashes, 8)
})

test("JLCPCB BOM and pick-and-place list the 10 SMD parts with LCSC numbers; the optics are hand-soldered", () => {
    const bom = readFileSync(join(out, "head-bom-jlcpcb.csv"), "utf8").trim().split("\n")
    assert.equal(bom[0], '"Comment","Designator","Footprint","LCSC Part #"')
    assert.ok(bom.includes('"10k RC0805FR-0710KL","R2,R3","R_0805_2012Metric","C17414"'))
    assert.ok(bom.includes('"74LVC1G17 74LVC1G17GV,125","U1,U2","SOT-23-5","C6076"'))
    const cpl = readFileSync(join(out, "head-cpl-jlcpcb.csv"), "utf8").trim().split("\n")
    assert.equal(cpl[0], "Designator,Mid X,Mid Y,Layer,Rotation")
    assert.deepEqual(cpl.slice(1).map(l => l.split(",")[0]).sort(), ["C1", "C2", "Q2", "Q3", "R1", "R2", "R3", "R4", "U1", "U2"])
    assert.ok(!bom.some(l => /SFH/.test(l)) && !cpl.some(l => /^(D1|Q1|J1),/.test(l)))
})

test("renders and the 3D model of holder + board are written", () => {
    for (const side of ["top", "bottom"]) {
        const svg = readFileSync(join(out, `head-pcb-${side}.svg`), "utf8")
        assert.match(svg, /^<svg/)
        const png = readFileSync(join(out, `head-pcb-${side}.png`))
        assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]) // "PNG"
    }
    const tris = parseBinaryStl(readFileSync(join(out, "head-assembly.stl")))
    const holderOnly = parseBinaryStl(holderStl(DEFAULT_HOLDER))
    assert.ok(tris.length > holderOnly.length)
    // the LED body is in its bore: a point on the LED axis 2 mm from the face is inside a solid
    const d1 = componentCentre(cj, "D1")
    assert.equal(inside(tris, [d1.x + 0.01, d1.y + 0.01, 2]), true)
})
