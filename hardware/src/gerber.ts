// Manufacturing files from the routed circuit JSON: Gerber RS-274X layers, an Excellon drill file,
// a pick-and-place list and a BOM in JLCPCB's assembly columns. Written here rather than with
// circuit-json-to-gerber because that package's peer dependency on the whole `tscircuit` package
// does not install from this registry (see the README); the formats are small and the test parses
// the result with an independent Gerber parser (gerber-parser).
//
// The board is single-sided: copper, mask, paste and silkscreen on the top (the parts' side),
// plus a bottom silkscreen that marks where the LED and the phototransistor go in from below.
import { zipSync, strToU8 } from "fflate"
import { PARTS, type Part } from "./parts.ts"
import type { Placement } from "./layout.ts"

type El = { type: string; [k: string]: any }
type Pt = { x: number; y: number }

/** Solder-mask opening beyond each pad, per side (mm). */
export const MASK_MARGIN = 0.05

/** File names with the Protel extensions board houses recognise without a layer mapping. */
export const gerberFiles = (name: string) => ({
    copperTop: `${name}.GTL`,
    maskTop: `${name}.GTS`,
    pasteTop: `${name}.GTP`,
    silkTop: `${name}.GTO`,
    silkBottom: `${name}.GBO`,
    outline: `${name}.GKO`,
    drill: `${name}.DRL`,
})
export const GERBER_FILES = gerberFiles("head")

const num = (v: number) => String(Math.round(v * 1e6)) // format 4.6, millimetres
const xy = (p: Pt) => `X${num(p.x)}Y${num(p.y)}`
const mm = (v: number) => v.toFixed(4)

/** One Gerber layer: apertures are collected as they are used, then written in front. */
class GerberLayer {
    private apertures = new Map<string, number>()
    private body: string[] = []
    private current = ""
    constructor(private fileFunction: string, private polarity: "Positive" | "Negative" = "Positive") {}

    private use(def: string) {
        let d = this.apertures.get(def)
        if (d === undefined) {
            d = 10 + this.apertures.size
            this.apertures.set(def, d)
        }
        if (this.current !== def) {
            this.body.push(`D${d}*`)
            this.current = def
        }
    }
    flashRect(c: Pt, w: number, h: number) {
        this.use(`R,${mm(w)}X${mm(h)}`)
        this.body.push(`${xy(c)}D03*`)
    }
    flashCircle(c: Pt, d: number) {
        this.use(`C,${mm(d)}`)
        this.body.push(`${xy(c)}D03*`)
    }
    /** a polyline drawn with a round pen */
    stroke(points: Pt[], width: number) {
        if (points.length < 2) return
        this.use(`C,${mm(width)}`)
        this.body.push(`${xy(points[0])}D02*`)
        for (const p of points.slice(1)) this.body.push(`${xy(p)}D01*`)
    }
    toString() {
        const head = ["%FSLAX46Y46*%", "%MOMM*%", `%TF.FileFunction,${this.fileFunction}*%`, `%TF.FilePolarity,${this.polarity}*%`, "%LPD*%"]
        const defs = [...this.apertures].map(([def, d]) => `%ADD${d}${def}*%`)
        return [...head, ...defs, "G01*", ...this.body, "M02*", ""].join("\n")
    }
}

const circle = (c: Pt, r: number, n = 36): Pt[] =>
    Array.from({ length: n + 1 }, (_, i) => ({ x: c.x + r * Math.cos((2 * Math.PI * i) / n), y: c.y + r * Math.sin((2 * Math.PI * i) / n) }))

/** The pads of the board: SMD rectangles and plated-hole lands (round or square). */
function pads(cj: El[]) {
    const out: { c: Pt; shape: "rect" | "circle"; w: number; h: number }[] = []
    for (const e of cj) {
        if (e.type === "pcb_smtpad" && e.shape === "rect") out.push({ c: e, shape: "rect", w: e.width, h: e.height })
        else if (e.type === "pcb_smtpad") throw new Error(`pad shape ${e.shape} is not written (add it to gerber.ts)`)
        if (e.type === "pcb_plated_hole" && e.shape === "circle") out.push({ c: e, shape: "circle", w: e.outer_diameter, h: e.outer_diameter })
        else if (e.type === "pcb_plated_hole" && e.shape === "circular_hole_with_rect_pad") out.push({ c: e, shape: "rect", w: e.rect_pad_width, h: e.rect_pad_height })
        else if (e.type === "pcb_plated_hole") throw new Error(`plated hole shape ${e.shape} is not written (add it to gerber.ts)`)
    }
    return out
}

export function gerberLayers(cj: El[], placement: Record<string, Placement>, name = "head"): Record<string, string> {
    const GERBER_FILES = gerberFiles(name)
    const board = cj.find(e => e.type === "pcb_board")
    if (!board?.outline) throw new Error("board has no outline")

    const copper = new GerberLayer("Copper,L1,Top")
    const mask = new GerberLayer("Soldermask,Top", "Negative")
    for (const p of pads(cj)) {
        if (p.shape === "rect") {
            copper.flashRect(p.c, p.w, p.h)
            mask.flashRect(p.c, p.w + 2 * MASK_MARGIN, p.h + 2 * MASK_MARGIN)
        } else {
            copper.flashCircle(p.c, p.w)
            mask.flashCircle(p.c, p.w + 2 * MASK_MARGIN)
        }
    }
    for (const t of cj.filter(e => e.type === "pcb_trace")) {
        const wires = (t.route as El[]).filter(r => r.route_type === "wire")
        if (wires.some(w => w.layer !== "top")) throw new Error(`trace ${t.pcb_trace_id} leaves the top layer of a single-sided board`)
        // consecutive wire points of one width form one stroke
        let run: El[] = []
        const flush = () => {
            if (run.length > 1) copper.stroke(run, run[0].width)
            run = run.slice(-1)
        }
        for (const w of wires) {
            if (run.length && w.width !== run[0].width) flush()
            run.push(w)
        }
        flush()
    }

    const paste = new GerberLayer("Paste,Top")
    for (const s of cj.filter(e => e.type === "pcb_solder_paste" && e.layer === "top")) {
        if (s.shape !== "rect") throw new Error(`paste shape ${s.shape} is not written`)
        paste.flashRect(s, s.width, s.height)
    }

    const silkTop = new GerberLayer("Legend,Top")
    for (const s of cj.filter(e => e.type === "pcb_silkscreen_path" && e.layer === "top")) silkTop.stroke(s.route, s.stroke_width)
    // the optics go in from below: outline their 3 mm bodies and mark the LED's flat on the bottom
    const silkBottom = new GerberLayer("Legend,Bot")
    for (const ref of ["D1", "Q1"]) {
        const at = placement[ref]
        if (at?.side !== "bottom") continue
        silkBottom.stroke(circle(at, 1.9), 0.15)
    }

    const outline = new GerberLayer("Profile,NP")
    const edge = board.outline as Pt[]
    outline.stroke([...edge, edge[0]], 0.1)

    return {
        [GERBER_FILES.copperTop]: copper.toString(),
        [GERBER_FILES.maskTop]: mask.toString(),
        [GERBER_FILES.pasteTop]: paste.toString(),
        [GERBER_FILES.silkTop]: silkTop.toString(),
        [GERBER_FILES.silkBottom]: silkBottom.toString(),
        [GERBER_FILES.outline]: outline.toString(),
        [GERBER_FILES.drill]: excellon(cj, name),
    }
}

/** Excellon drill file (metric, decimal coordinates), one tool per hole size. */
export function excellon(cj: El[], name = "head"): string {
    const holes = cj.filter(e => e.type === "pcb_plated_hole" || e.type === "pcb_hole").map(h => ({ x: h.x, y: h.y, d: h.hole_diameter as number }))
    const sizes = [...new Set(holes.map(h => h.d))].sort((a, b) => a - b)
    const lines = ["M48", `; opto62056 ${name === "head" ? "optical head" : name}, single-sided`, "FMAT,2", "METRIC,TZ", ...sizes.map((d, i) => `T${i + 1}C${d.toFixed(3)}`), "%", "G90", "G05"]
    sizes.forEach((d, i) => {
        lines.push(`T${i + 1}`)
        for (const h of holes.filter(h => h.d === d)) lines.push(`X${h.x.toFixed(3)}Y${h.y.toFixed(3)}`)
    })
    lines.push("T0", "M30", "")
    return lines.join("\n")
}

export function gerberZip(layers: Record<string, string>): Uint8Array {
    return zipSync(Object.fromEntries(Object.entries(layers).map(([n, t]) => [n, strToU8(t)])), { mtime: new Date("2024-01-01T00:00:00Z") })
}

/** Parts a board house places: the SMD ones. The optics and the cable pads are soldered by hand
 *  (the optics from below, with their collars on the holder's floor). */
const machinePlaced = (p: Part) => !!p.lcsc || p.footprint.includes("SMD")

/** Pick-and-place in JLCPCB's CPL columns (mm, degrees, seen from the top). */
export function pickAndPlaceCsv(cj: El[], placement: Record<string, Placement>, parts: Part[] = PARTS): string {
    const rows = ["Designator,Mid X,Mid Y,Layer,Rotation"]
    for (const p of parts.filter(machinePlaced)) {
        const src = cj.find(e => e.type === "source_component" && e.name === p.ref)
        const pc = cj.find(e => e.type === "pcb_component" && e.source_component_id === src?.source_component_id)
        if (!pc) throw new Error(`${p.ref} is not on the board`)
        rows.push(`${p.ref},${pc.center.x.toFixed(3)}mm,${pc.center.y.toFixed(3)}mm,${placement[p.ref].side === "top" ? "Top" : "Bottom"},${placement[p.ref].rotation}`)
    }
    return rows.join("\n") + "\n"
}

/** BOM in JLCPCB's assembly columns: one row per part number, designators joined. */
export function jlcBomCsv(parts: Part[] = PARTS): string {
    const groups = new Map<string, { comment: string; refs: string[]; footprint: string; lcsc: string }>()
    for (const p of parts.filter(machinePlaced)) {
        const key = `${p.mpn}|${p.footprint}`
        const g = groups.get(key) ?? { comment: `${p.value} ${p.mpn}`, refs: [], footprint: p.footprint.split(":")[1], lcsc: p.lcsc ?? "" }
        g.refs.push(p.ref)
        groups.set(key, g)
    }
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`
    const rows = [...groups.values()].map(g => [g.comment, g.refs.join(","), g.footprint, g.lcsc].map(q).join(","))
    return ['"Comment","Designator","Footprint","LCSC Part #"', ...rows].join("\n") + "\n"
}
