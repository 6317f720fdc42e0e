// The DSMR P1 adapter: the board routes with a clean DRC, its pads carry the nets the RJ12 pinout
// and the transistors' datasheet pinning ask for, the manufacturing files parse, and the SPICE
// check holds the port's levels (DSMR P1 companion standard v5.0.2 §5.7-5.8) at 115200 Bd.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { unzipSync } from "fflate"
import { buildP1 } from "../src/build.ts"
import { P1_PARTS, P1_VALUES } from "../src/p1-parts.ts"
import { El, padNets as netsOf } from "./pad-nets.ts"
import { checkDataLine, checkRequest, LIMIT_METER, REQUEST_INPUTS, supplyFromMeter, TYPICAL_METER } from "../src/p1-spice.ts"

after(() => setImmediate(() => process.exit(process.exitCode ?? 0))) // the wasm engine keeps the loop alive

let cj: El[] = []
let out = ""
let drc: Awaited<ReturnType<typeof buildP1>>["drc"]

before(async () => {
    out = mkdtempSync(join(tmpdir(), "opto-p1-"))
    const r = await buildP1(out)
    cj = r.circuitJson
    drc = r.drc
})

test("DRC is clean: all 12 nets routed on one layer, no vias", () => {
    assert.deepEqual(drc.findings, [])
    // P1_5V, REQ, GND, DATA, V5, Q2_BASE, Q1_C, Q1_B, REQ_EN, V3V3, RXD and JP1-D1
    assert.equal(drc.nets, 12)
    assert.equal(drc.routedNets, 12)
    assert.equal(drc.vias, 0)
})

test("J2 follows the RJ12 pinout of DSMR 5.0.2 table 5-1; J1 is 5V, REQ_EN, GND, RXD, 3V3", () => {
    const n = netsOf(cj)
    assert.equal(n.get("J2.1"), "P1_5V") // +5V
    assert.equal(n.get("J2.2"), "REQ") // Data Request
    assert.equal(n.get("J2.3"), "GND") // Data GND
    assert.equal(n.get("J2.4"), "(unconnected)") // n.c.
    assert.equal(n.get("J2.5"), "DATA") // Data (open collector)
    assert.equal(n.get("J2.6"), "GND") // Power GND
    assert.deepEqual(["J1.1", "J1.2", "J1.3", "J1.4", "J1.5"].map(p => n.get(p)), ["V5", "REQ_EN", "GND", "RXD", "V3V3"])
    // the meter's +5V reaches the reader's 5 V only through the jumper and the diode, anode first
    assert.equal(n.get("JP1.1"), "P1_5V")
    assert.equal(n.get("D1.1"), "V5") // SOD-123 pad 1 = cathode (the band)
    assert.equal(n.get("JP1.2"), n.get("D1.2"))
    // the data line: pull-up to 3V3 and a series resistor into RX, nothing to 5 V
    assert.deepEqual([n.get("R1.1"), n.get("R1.2")].sort(), ["DATA", "V3V3"])
    assert.deepEqual([n.get("R6.1"), n.get("R6.2")].sort(), ["DATA", "RXD"])
})

test("SOT-23 pads carry BC817/BC807 pinning (1 base, 2 emitter, 3 collector): Q2 switches REQ from 5 V", () => {
    const n = netsOf(cj)
    assert.deepEqual(["Q2.1", "Q2.2", "Q2.3"].map(p => n.get(p)), ["Q2_BASE", "V5", "REQ"])
    assert.deepEqual(["Q1.1", "Q1.2", "Q1.3"].map(p => n.get(p)), ["Q1_B", "GND", "Q1_C"])
    // the pads themselves: 1 and 2 side by side 1.9 mm apart, 3 alone opposite them (SOT-23)
    for (const ref of ["Q1", "Q2"]) {
        const src = cj.find(e => e.type === "source_component" && e.name === ref)!
        const pc = cj.find(e => e.type === "pcb_component" && e.source_component_id === src.source_component_id)!
        const pads = cj.filter(e => e.type === "pcb_smtpad" && e.pcb_component_id === pc.pcb_component_id)
        const pad = (k: string) => pads.find(p => p.port_hints.includes(k))!
        const d = (a: El, b: El) => Math.hypot(a.x - b.x, a.y - b.y)
        assert.ok(d(pad("1"), pad("2")) > 1.8 && d(pad("1"), pad("2")) < 2.0, `${ref}: pads 1-2 are 1.9 mm apart`)
        assert.ok(Math.abs(d(pad("1"), pad("3")) - d(pad("2"), pad("3"))) < 0.01 && d(pad("1"), pad("3")) > 2, `${ref}: pad 3 alone on the other side`)
    }
})

test("parts list, JLCPCB files and the Gerber zip are written and complete", () => {
    const bom = readFileSync(join(out, "p1-bom.csv"), "utf8").trim().split("\n")
    assert.equal(bom.length - 1, P1_PARTS.length)
    for (const p of P1_PARTS) assert.ok(bom.some(l => l.startsWith(`${p.ref},`) && l.includes(p.mpn)), `${p.ref} in the BOM`)
    const cpl = readFileSync(join(out, "p1-cpl-jlcpcb.csv"), "utf8").trim().split("\n")
    assert.deepEqual(cpl.slice(1).map(l => l.split(",")[0]).sort(), ["C1", "C2", "D1", "Q1", "Q2", "R1", "R2", "R3", "R4", "R5", "R6"])
    const zip = unzipSync(readFileSync(join(out, "p1-gerber.zip")))
    assert.deepEqual(Object.keys(zip).sort(), ["p1.DRL", "p1.GBO", "p1.GKO", "p1.GTL", "p1.GTO", "p1.GTP", "p1.GTS"])
    // 13 plated holes: J2 × 6, J1 × 5, JP1 × 2
    const drill = new TextDecoder().decode(zip["p1.DRL"])
    assert.equal(drill.split("\n").filter(l => /^X/.test(l)).length, 13)
})

test("Data line, typical meter (low 0.2 V), 1 k to 3V3, 2 m and 10 m of cable: every bit right at 115200 Bd", async () => {
    for (const cableMetres of [2, 10]) {
        const r = await checkDataLine({ meter: TYPICAL_METER, pullUp: P1_VALUES.R1, cableMetres })
        const msg = JSON.stringify(r)
        assert.ok(r.sampledOk, msg)
        assert.ok(r.lowLevel < 0.3 && r.highLevel > 3.1, msg)
        assert.ok(r.worstFall < 0.5e-6, msg) // the meter's transistor pulls the line down at once
        assert.ok(r.worstRise < 3.5e-6, msg) // release: < 40 % of the 8.68 µs bit, mostly the transistor's storage time
        assert.ok(r.meterCurrent <= 5e-3 && r.meterCurrent > 3e-3, msg) // the standard: ≤ 5 mA from the reader
    }
})

test("a 10 k pull-up is too slow at 115200 Bd: the released line is not high by mid-bit", async () => {
    const r = await checkDataLine({ meter: TYPICAL_METER, pullUp: 10_000, cableMetres: 2 })
    assert.equal(r.sampledOk, false, JSON.stringify(r))
    assert.ok(r.worstRise > 0.5 * r.bitTime, JSON.stringify(r))
})

test("a meter at the standard's 1.0 V LOW limit is above the ESP32's guaranteed VIL (documented limit)", async () => {
    const r = await checkDataLine({ meter: LIMIT_METER, pullUp: P1_VALUES.R1, cableMetres: 2 })
    assert.ok(r.lowLevel > 0.825 && r.lowLevel < 1.0, JSON.stringify(r))
    assert.equal(r.sampledOk, false)
})

test("Data Request: on at ≥ 4.0 V and 4-10 mA from a 4.5 V rail, off = high impedance, REQ_EN safe for 3.3 V", async () => {
    const typ = await checkRequest(4.5, REQUEST_INPUTS.typical)
    const heavy = await checkRequest(4.5, REQUEST_INPUTS.heavy)
    for (const r of [typ, heavy]) {
        const msg = JSON.stringify(r)
        assert.ok(r.onVoltage >= 4.0 && r.onVoltage <= 5.5, msg)
        assert.ok(r.onCurrent >= 4e-3 && r.onCurrent <= 10e-3, msg)
        assert.ok(Math.abs(r.offCurrent) < 1e-6, msg) // Q2 off: nothing drives the line, neither high nor low
        assert.ok(r.reqEnOpen > 1.0 && r.reqEnOpen < 3.3, msg)
    }
})

test("from the meter's +5V (4.9 V at 250 mA, the DSMR 5 minimum) the 5 V rail stays above 4.4 V", async () => {
    const v = await supplyFromMeter(0.25)
    assert.ok(v > 4.4 && v < 4.7, `${v} V`)
})
