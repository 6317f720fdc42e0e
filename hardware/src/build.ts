// `npm run build` (or `npm run hardware` from the repository root): renders and routes the head
// and writes every artefact into build/: schematic, board renders (SVG + PNG, top and bottom),
// parts list CSV, JLCPCB BOM and pick-and-place, Gerbers + drill (zipped), KiCad files, the
// SPICE netlist and check results, the holder STL and the holder+board STL. It stops with an
// error when the design-rule check finds anything, so a broken board is never written.
import { mkdirSync, writeFileSync } from "node:fs"
import { Resvg } from "@resvg/resvg-js"
import { join } from "node:path"
import { convertCircuitJsonToPcbSvg, convertCircuitJsonToSchematicSvg } from "circuit-to-svg"
import { CircuitJsonToKicadPcbConverter, CircuitJsonToKicadSchConverter } from "circuit-json-to-kicad"
import { circuitJsonToSpice, convertSpiceNetlistToString } from "circuit-json-to-spice"
import { renderHead } from "./head.tsx"
import { bomCsv, bomRows } from "./bom.ts"
import { DEFAULT_HOLDER, holderStl, type HolderParams } from "./holder.ts"
import { runDrc, type DrcReport } from "./drc.ts"
import { gerberLayers, gerberZip, jlcBomCsv, pickAndPlaceCsv } from "./gerber.ts"
import { placements } from "./layout.ts"
import { assemblyStl } from "./assembly.ts"
import { renderP1, p1Placements } from "./p1.tsx"
import { P1_PARTS, P1_VALUES } from "./p1-parts.ts"
import { checkDataLine, checkRequest, dataLineNetlist, LIMIT_METER, p1Bits, P1_TEST_BYTES, REQUEST_INPUTS, SLOW_METER, supplyFromMeter, TYPICAL_METER } from "./p1-spice.ts"
import { checkReceiver, checkTransmitter, receiverNetlist, REFERENCE, TEST_BYTES, transmitterNetlist, uartBits } from "./spice.ts"

export const OUT = join(import.meta.dirname, "..", "build")

export class DrcError extends Error {
    constructor(public report: DrcReport) {
        super(`design-rule check failed:\n${report.findings.map(f => `  ${f.rule}: ${f.message}`).join("\n")}`)
    }
}

/** PCB render of one side; the bottom is seen from below (mirrored), as it is held in the hand. */
function boardSvg(cj: any[], layer: "top" | "bottom") {
    return convertCircuitJsonToPcbSvg(cj, { layer, width: 800, height: 800 } as any)
}
const png = (svg: string) => new Resvg(svg, { fitTo: { mode: "width", value: 800 } }).render().asPng()

/**
 * What both boards write the same way: the Gerbers (into `files` under `gerberDir`, and zipped),
 * the KiCad board, every file of `files`, and the top render as PNG, all named after `board`.
 */
function writeBoard(out: string, board: string, gerberDir: string, cj: any[], files: Record<string, string>, gerbers: Record<string, string>) {
    for (const [name, text] of Object.entries(gerbers)) files[`${gerberDir}/${name}`] = text
    const pcb = new CircuitJsonToKicadPcbConverter(cj)
    pcb.runUntilFinished()
    files[`${board}.kicad_pcb`] = pcb.getOutputString()
    for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text)
    writeFileSync(join(out, `${board}-gerber.zip`), gerberZip(gerbers))
    writeFileSync(join(out, `${board}-pcb-top.png`), png(files[`${board}-pcb-top.svg`]))
}

export async function buildCircuit(out = OUT, holder: HolderParams = DEFAULT_HOLDER) {
    mkdirSync(join(out, "gerber"), { recursive: true })
    const cj = (await renderHead(holder)) as any[]
    const drc = await runDrc(cj, holder)
    if (drc.findings.length) throw new DrcError(drc)
    const place = placements(holder)
    const gerbers = gerberLayers(cj, place)
    const files: Record<string, string> = {
        "head.circuit.json": JSON.stringify(cj, null, 1),
        "head-schematic.svg": convertCircuitJsonToSchematicSvg(cj),
        "head-pcb-top.svg": boardSvg(cj, "top"),
        "head-pcb-bottom.svg": boardSvg(cj, "bottom"),
        "head-bom.csv": bomCsv(bomRows(cj)),
        "head-bom-jlcpcb.csv": jlcBomCsv(),
        "head-cpl-jlcpcb.csv": pickAndPlaceCsv(cj, place),
        "head.cir": convertSpiceNetlistToString(circuitJsonToSpice(cj)),
        "drc-report.md": drcReport("the head board", drc),
    }
    const sch = new CircuitJsonToKicadSchConverter(cj)
    sch.runUntilFinished()
    files["head.kicad_sch"] = sch.getOutputString()
    writeBoard(out, "head", "gerber", cj, files, gerbers)
    writeFileSync(join(out, "head-pcb-bottom.png"), png(files["head-pcb-bottom.svg"]))
    writeFileSync(join(out, "head-assembly.stl"), assemblyStl(cj, holder))
    return { circuitJson: cj, files, drc, gerbers }
}

/** The SPICE check as a table (the same runs the test asserts on), plus its netlists. */
export async function buildSpiceReport(out = OUT) {
    mkdirSync(out, { recursive: true })
    const bits = uartBits(TEST_BYTES)
    const rows: string[] = ["| head | baud | photocurrent | light-on edge | light-off edge | 20 % of bit | decodes |", "|---|---|---|---|---|---|---|"]
    const us = (s: number) => (Number.isFinite(s) ? `${(s * 1e6).toFixed(1)} µs` : "never")
    for (const [label, rx] of [["reference", REFERENCE], ["bare 10 k pull-up", { kind: "bare", pullUp: 10_000 }]] as const)
        for (const baud of [9600, 19200])
            for (const ip of [0.1e-3, 0.2e-3, 0.5e-3, 1e-3, 2e-3]) {
                const r = await checkReceiver(rx, { baud, bits, photoCurrent: ip })
                rows.push(`| ${label} | ${baud} | ${ip * 1e3} mA | ${us(r.worstFall)} | ${us(r.worstRise)} | ${us(0.2 * r.bitTime)} | ${r.sampledOk ? "yes" : "no"} |`)
            }
    const t = await checkTransmitter(19200, bits)
    const text = [
        "# SPICE check of the head (generated by `npm run build`)",
        "",
        "Light = 7E1 UART bits of `/?!U`; edges measured to the ESP32 thresholds (VIL 0.825 V, VIH 2.475 V);",
        "74LVC1G17 at its slow threshold corner (VT+ 2.2 V, VT- 0.6 V).",
        "",
        ...rows,
        "",
        `IR LED with TX low: ${(t.ledOn * 1e3).toFixed(1)} mA (SFH 487 rating 100 mA); on-delay ${us(t.worstOnDelay)}, off-delay ${us(t.worstOffDelay)} at 19200 Bd.`,
        "",
    ].join("\n")
    writeFileSync(join(out, "spice-report.md"), text)
    writeFileSync(join(out, "receiver-19200-1mA.cir"), receiverNetlist(REFERENCE, { baud: 19200, bits, photoCurrent: 1e-3 }))
    writeFileSync(join(out, "transmitter-19200.cir"), transmitterNetlist(19200, bits))
    return text
}

/** The DSMR P1 adapter board: the same artefacts as the head's, named p1-*. */
export async function buildP1(out = OUT) {
    mkdirSync(join(out, "gerber-p1"), { recursive: true })
    const cj = (await renderP1()) as any[]
    const drc = await runDrc(cj)
    if (drc.findings.length) throw new DrcError(drc)
    const place = p1Placements()
    const gerbers = gerberLayers(cj, place, "p1")
    const files: Record<string, string> = {
        "p1.circuit.json": JSON.stringify(cj, null, 1),
        "p1-schematic.svg": convertCircuitJsonToSchematicSvg(cj),
        "p1-pcb-top.svg": boardSvg(cj, "top"),
        "p1-bom.csv": bomCsv(bomRows(cj, P1_PARTS)),
        "p1-bom-jlcpcb.csv": jlcBomCsv(P1_PARTS),
        "p1-cpl-jlcpcb.csv": pickAndPlaceCsv(cj, place, P1_PARTS),
        "p1-drc-report.md": drcReport("the P1 adapter board", drc),
    }
    writeBoard(out, "p1", "gerber-p1", cj, files, gerbers)
    return { circuitJson: cj, files, drc, gerbers }
}

/** The runs the P1 report shows (the tests assert on the same cases). */
export const P1_DATA_CASES = [
    { label: "typical meter (low 0.2 V)", meter: TYPICAL_METER, pullUp: P1_VALUES.R1, cableMetres: 2 },
    { label: "typical meter (low 0.2 V)", meter: TYPICAL_METER, pullUp: P1_VALUES.R1, cableMetres: 10 },
    { label: "typical meter, 10 k pull-up", meter: TYPICAL_METER, pullUp: 10_000, cableMetres: 2 },
    { label: "meter at the limit (low 1.0 V)", meter: LIMIT_METER, pullUp: P1_VALUES.R1, cableMetres: 2 },
    { label: "phototransistor-class output", meter: SLOW_METER, pullUp: P1_VALUES.R1, cableMetres: 2 },
] as const

export async function buildP1SpiceReport(out = OUT) {
    mkdirSync(out, { recursive: true })
    const us = (s: number) => (Number.isFinite(s) ? `${(s * 1e6).toFixed(1)} µs` : "never")
    const rows = ["| meter output | pull-up | cable | RX low (mark) | RX high (space) | meter on → RX < VIL | meter off → RX > VIH | decodes |", "|---|---|---|---|---|---|---|---|"]
    for (const c of P1_DATA_CASES) {
        const r = await checkDataLine(c)
        rows.push(`| ${c.label} | ${c.pullUp / 1000} k | ${c.cableMetres} m | ${r.lowLevel.toFixed(2)} V | ${r.highLevel.toFixed(2)} V | ${us(r.worstFall)} | ${us(r.worstRise)} | ${r.sampledOk ? "yes" : "no"} |`)
    }
    const req = ["| 5 V rail | meter's request input | Data Request, on | current | off (REQ_EN low) | REQ_EN open |", "|---|---|---|---|---|---|"]
    for (const v5 of [4.5, 5.0])
        for (const [name, load] of Object.entries(REQUEST_INPUTS)) {
            const r = await checkRequest(v5, load)
            req.push(`| ${v5.toFixed(1)} V | ${name} (${load} Ω + LED) | ${r.onVoltage.toFixed(2)} V | ${(r.onCurrent * 1e3).toFixed(1)} mA | ${(r.offCurrent * 1e9).toFixed(3)} nA | ${r.reqEnOpen.toFixed(2)} V |`)
        }
    const v250 = await supplyFromMeter(0.25)
    const text = [
        "# SPICE check of the P1 adapter (generated by `npm run build`)",
        "",
        "Data line: `/ISK5\\` at 115200 Bd 8N1 (bit 8.68 µs, 20 % = 1.74 µs), measured at the ESP32 pin",
        `behind R6; thresholds VIL 0.825 V, VIH 2.475 V; cable ${60} pF/m; the UART inverts (idle = low).`,
        "",
        ...rows,
        "",
        "Data Request (standard: HIGH 4.0-5.5 V, 4-10 mA; off = high impedance, never low):",
        "",
        ...req,
        "",
        `Supply from the meter (JP1 fitted): P1 +5V at the standard's 4.9 V minimum, 250 mA through D1 → ${v250.toFixed(2)} V on the 5 V rail.`,
        "",
    ].join("\n")
    writeFileSync(join(out, "p1-spice-report.md"), text)
    writeFileSync(join(out, "p1-data-115200.cir"), dataLineNetlist(P1_DATA_CASES[0], p1Bits(P1_TEST_BYTES)))
    return text
}

export function buildHolder(out = OUT) {
    mkdirSync(out, { recursive: true })
    const stl = holderStl(DEFAULT_HOLDER)
    writeFileSync(join(out, "holder.stl"), stl)
    writeFileSync(join(out, "holder-params.json"), JSON.stringify(DEFAULT_HOLDER, null, 2) + "\n")
    return stl
}

if (import.meta.url === `file://${process.argv[1]}`) {
    const t0 = Date.now()
    const { files, drc } = await buildCircuit()
    console.log(`circuit: ${Object.keys(files).join(", ")}, head-gerber.zip, head-pcb-top/bottom.png, head-assembly.stl`)
    console.log(`DRC clean: ${drc.routedNets}/${drc.nets} nets routed, ${drc.traces} traces, ${drc.vias} vias`)
    buildHolder()
    console.log("holder: holder.stl, holder-params.json")
    console.log(await buildSpiceReport())
    const p1 = await buildP1()
    console.log(`P1 adapter: ${Object.keys(p1.files).join(", ")}, p1-gerber.zip, p1-pcb-top.png; DRC clean: ${p1.drc.routedNets}/${p1.drc.nets} nets`)
    console.log(await buildP1SpiceReport())
    console.log(`built into ${OUT} in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    process.exit(0)
}

/** The design-rule check's report file. */
function drcReport(board: string, drc: { findings: unknown[]; nets: number; routedNets: number; traces: number; vias: number }): string {
    return [
        `# Design-rule check of ${board} (generated by \`npm run build\`)`,
        "",
        `- findings: ${drc.findings.length}`,
        `- nets with two or more pads: ${drc.nets}, joined by copper: ${drc.routedNets}`,
        `- traces: ${drc.traces}, vias: ${drc.vias} (single-sided)`,
        "",
    ].join("\n")
}
