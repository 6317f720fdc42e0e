// The schematic and its exports: the rendered circuit has the head's topology, every part has a
// manufacturer part number and footprint, and the SVG, CSV, KiCad and SPICE files are written.
import { test, before } from "node:test"
import assert from "node:assert/strict"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { buildCircuit } from "../src/build.ts"
import { PARTS, VALUES } from "../src/parts.ts"
import { receiverNetlist, REFERENCE, transmitterNetlist } from "../src/spice.ts"

type El = { type: string; [k: string]: any }
let cj: El[] = []
let out = ""

before(async () => {
    out = mkdtempSync(join(tmpdir(), "opto-hw-"))
    cj = (await buildCircuit(out)).circuitJson
})

/** Net of every port, by union of the traces: "Q1.emitter" → net id. */
function nets() {
    const comp = new Map(cj.filter(e => e.type === "source_component").map(c => [c.source_component_id, c.name]))
    const portNames = new Map<string, string[]>()
    for (const p of cj.filter(e => e.type === "source_port")) {
        const ref = comp.get(p.source_component_id)
        portNames.set(p.source_port_id, [p.name, ...(p.port_hints ?? [])].map((h: string) => `${ref}.${h}`))
    }
    const parent = new Map<string, string>()
    const find = (x: string): string => (parent.get(x) ?? x) === x ? x : find(parent.get(x)!)
    const join_ = (a: string, b: string) => parent.set(find(a), find(b))
    for (const t of cj.filter(e => e.type === "source_trace")) {
        const ids = [...t.connected_source_port_ids, ...t.connected_source_net_ids]
        for (const id of ids.slice(1)) join_(ids[0], id)
    }
    const netName = new Map(cj.filter(e => e.type === "source_net").map(n => [find(n.source_net_id), n.name]))
    const of = (pin: string) => {
        for (const [id, names] of portNames) if (names.includes(pin)) return find(id)
        throw new Error(`no port ${pin}`)
    }
    return { of, name: (pin: string) => netName.get(of(pin)) }
}

test("render has no errors", () => {
    const errors = cj.filter(e => e.type.endsWith("_error")).map(e => `${e.type}: ${e.message}`)
    assert.deepEqual(errors, [])
})

test("topology: emitter follower → BC817 → Schmitt → RXD; TXD → buffer → BC807 → IR LED", () => {
    const n = nets()
    const same = (...pins: string[]) => {
        const ids = pins.map(n.of)
        assert.ok(ids.every(i => i === ids[0]), `not one net: ${pins.join(", ")}`)
    }
    same("Q1.collector", "R2.pin2", "U1.VCC", "U2.VCC", "Q3.emitter", "C1.pin2", "C2.pin2", "J1.pin1")
    same("R1.pin2", "Q2.emitter", "U1.GND", "U2.GND", "R4.pin1", "C1.pin1", "C2.pin1", "J1.pin2")
    same("Q1.emitter", "R1.pin1", "Q2.base")
    same("Q2.collector", "R2.pin1", "U1.A")
    same("U1.Y", "J1.pin4")
    same("J1.pin3", "U2.A")
    same("U2.Y", "R3.pin1")
    same("R3.pin2", "Q3.base")
    same("Q3.collector", "D1.pos")
    same("D1.neg", "R4.pin2")
    assert.equal(n.name("J1.pin1"), "V3V3")
    assert.equal(n.name("J1.pin2"), "GND")
    assert.equal(n.name("J1.pin3"), "TXD")
    assert.equal(n.name("J1.pin4"), "RXD")
    // the phototransistor's base is not connected (light is its base current)
    assert.ok(!cj.some(e => e.type === "source_trace" && e.connected_source_port_ids.includes(
        cj.find(p => p.type === "source_port" && p.name === "base" && cj.find(c => c.source_component_id === p.source_component_id && c.type === "source_component")?.name === "Q1")?.source_port_id)))
    // power and ground are distinct from every signal
    assert.notEqual(n.of("J1.pin1"), n.of("J1.pin2"))
    assert.notEqual(n.of("U1.Y"), n.of("U2.A"))
})

test("schematic values are the ones the SPICE check simulates", () => {
    const r = (ref: string) => cj.find(e => e.type === "source_component" && e.name === ref)?.resistance
    assert.equal(r("R1"), VALUES.R1)
    assert.equal(r("R2"), VALUES.R2)
    assert.equal(r("R3"), VALUES.R3)
    assert.equal(r("R4"), VALUES.R4)
})

test("parts list: one row per part, each with manufacturer part number and footprint", () => {
    const csv = readFileSync(join(out, "head-bom.csv"), "utf8").trim().split("\n")
    assert.equal(csv[0], "Ref,Value,Description,Manufacturer,MPN,Footprint,Alternative")
    assert.equal(csv.length - 1, PARTS.length)
    for (const p of PARTS) {
        const row = csv.find(l => l.startsWith(`${p.ref},`))
        assert.ok(row, `no BOM row for ${p.ref}`)
        assert.ok(row.includes(p.mpn.includes(",") ? `"${p.mpn}"` : p.mpn), `${p.ref} MPN`)
        assert.ok(row.includes(p.footprint), `${p.ref} footprint`)
    }
})

test("schematic SVG names every part and the parts are placed apart (no auto-layout pile-up)", () => {
    const svg = readFileSync(join(out, "head-schematic.svg"), "utf8")
    assert.match(svg, /^<svg/)
    for (const p of PARTS) assert.ok(svg.includes(`>${p.ref}<`) || svg.includes(`>${p.ref} `), `${p.ref} missing in SVG`)
    const names = new Map(cj.filter(e => e.type === "source_component").map(c => [c.source_component_id, c.name]))
    const boxes = cj.filter(e => e.type === "schematic_component").map(c => ({
        ref: names.get(c.source_component_id),
        x0: c.center.x - c.size.width / 2, x1: c.center.x + c.size.width / 2,
        y0: c.center.y - c.size.height / 2, y1: c.center.y + c.size.height / 2,
    }))
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j]
        const overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
        assert.ok(!overlap, `schematic symbols ${a.ref} and ${b.ref} overlap`)
    }
})

test("KiCad schematic and PCB contain every part and the named nets", () => {
    const sch = readFileSync(join(out, "head.kicad_sch"), "utf8")
    const pcb = readFileSync(join(out, "head.kicad_pcb"), "utf8")
    assert.match(sch, /^\(kicad_sch/)
    assert.match(pcb, /^\(kicad_pcb/)
    for (const text of [sch, pcb]) {
        let depth = 0
        for (const ch of text) if (ch === "(") depth++; else if (ch === ")") depth--
        assert.equal(depth, 0, "balanced S-expression")
    }
    for (const p of PARTS) assert.ok(sch.includes(`(property "Reference" "${p.ref}"`), `${p.ref} in .kicad_sch`)
    assert.equal(pcb.match(/^ {2}\(footprint$/gm)?.length, PARTS.length)
    for (const net of ["V3V3", "GND", "RXD", "TXD", "PE", "RX_RAW", "LED_A"]) assert.ok(pcb.includes(`(net `) && pcb.includes(`"${net}"`), net)
})

test("SPICE netlist of the schematic has the transistors, resistors and LED", () => {
    const cir = readFileSync(join(out, "head.cir"), "utf8")
    for (const line of [/^QQ1 /m, /^QQ2 /m, /^QQ3 /m, /^RR1 \S+ \S+ 5\.6K$/m, /^RR2 \S+ \S+ 10K$/m, /^DD1 /m, /^RR4 \S+ \S+ 100$/m])
        assert.match(cir, line)
})

test("SPICE: the schematic's netlist and the check's own netlists wire each transistor's C, B, E alike", () => {
    // head.cir is exported from the schematic (circuit-json-to-spice finds C/B/E by port name, not
    // by pad number); Q<name> collector base emitter model
    const cir = readFileSync(join(out, "head.cir"), "utf8")
    const el = (name: string) => {
        const m = new RegExp(`^${name} (.*)$`, "m").exec(cir)
        assert.ok(m, `${name} in head.cir`)
        return m[1].split(" ")
    }
    const [q1c, , q1e] = el("QQ1")
    const [q2c, q2b, q2e] = el("QQ2")
    const [q3c, q3b, q3e] = el("QQ3")
    const [d1a] = el("DD1")
    assert.equal(q2e, "0") // BC817 emitter on GND
    assert.equal(q2b, q1e) // its base on the phototransistor's emitter (PE) ...
    assert.ok(el("RR1").includes(q2b) && el("RR1").includes("0")) // ... with R1 to GND
    assert.ok(el("RR2").includes(q2c) && el("RR2").includes(q1c)) // collector pulled up by R2 to 3V3
    assert.equal(q3e, q1c) // BC807 emitter on 3V3
    assert.ok(el("RR3").includes(q3b)) // base behind R3
    assert.equal(q3c, d1a) // collector into the LED's anode
    // the SPICE check's hand-written netlists have the same connections
    const rx = receiverNetlist(REFERENCE, { baud: 19200, bits: [0, 1], photoCurrent: 1e-3 })
    assert.match(rx, /^Q1 vdd pb pe PHOTO$/m)
    assert.match(rx, /^R1 pe 0 /m)
    assert.match(rx, /^Q2 rxraw pe 0 BC817$/m)
    assert.match(rx, /^R2 vdd rxraw /m)
    const tx = transmitterNetlist(19200, [0, 1])
    assert.match(tx, /^R3 u2x base /m)
    assert.match(tx, /^Q3 coll base vdd BC807$/m)
    assert.match(tx, /^VSENSE coll anode 0$/m)
    assert.match(tx, /^D1 anode cath IRLED$/m)
})
