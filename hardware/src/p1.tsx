// The DSMR P1 adapter as a tscircuit schematic and board: a small single-sided board at the ESP32
// end of a 6-wire RJ12 cable. Parts and values come from p1-parts.ts (the port's facts and their
// sources are there too).
//
//   meter RJ12 (J2)                                   ESP32 board (J1)
//   1 +5V ── JP1 ── D1 ─┬────────────────────────────── 1 5V (VIN)
//                       ├─ C1 10µF ─ GND
//                       ├─ R5 100k ─┬─ Q2 BC807 base    (Q2 emitter on 5 V)
//   2 Data Request ──────────────── Q2 collector        R4 47k from Q2 base to Q1 collector
//                       └─ R2 22k ─┬──────────────────── 2 REQ_EN (open = request on)
//                                  └─ R3 10k ─ Q1 BC817 base, emitter GND
//   3 Data GND ─┬─ GND ──────────────────────────────── 3 GND
//   6 Power GND ┘
//   5 Data ─┬─ R1 1k ─ 3V3 ──────────────────────────── 5 3V3
//           └─ R6 1k ────────────────────────────────── 4 RXD (irHead.pinRX, invertRX: true)
//
// No inversion on the board: the UART inverts (board file irHead.invertRX: true), as the
// firmware's DSMR profiles expect.
import "./es2024.ts"
import { RootCircuit } from "@tscircuit/core"
import { p1Part } from "./p1-parts.ts"
import { SOT23_BJT } from "./parts.ts"
import type { Placement } from "./layout.ts"

/** BC817/BC807 SOT-23 pinning (1 base, 2 emitter, 3 collector), shared with the head: see parts.ts. */
export { SOT23_BJT }

const mpn = (ref: string) => p1Part(ref).mpn
const val = (ref: string) => p1Part(ref).value

/** Board size, mm (a rectangle; four corners). */
export const P1_BOARD = { width: 36, height: 24, thickness: 1.6 }

/** Board outline (counter-clockwise rectangle, mm). */
export function p1Outline() {
    const [w, h] = [P1_BOARD.width / 2, P1_BOARD.height / 2]
    return [{ x: -w, y: -h }, { x: w, y: -h }, { x: w, y: h }, { x: -w, y: h }]
}

/** Part positions (mm, board centre = origin, seen from the top; every part on top). */
export function p1Placements(): Record<string, Placement> {
    const top = (x: number, y: number, rotation = 0): Placement => ({ x, y, rotation, side: "top" })
    return {
        // cable pads on the edges: J2 (meter) on the left, J1 (ESP32) on the right, pin 1 at the top
        J2: top(-15, 0, 270),
        J1: top(15, 0, 270),
        // supply along the top: JP1, D1, C1
        JP1: top(-9, 9),
        D1: top(-2.5, 9),
        C1: top(9.5, 9, 90),
        // the request switch in the upper middle
        Q2: top(-7.5, 3.8, 90),
        R5: top(-3, 5.6),
        R4: top(0.5, 3.2),
        Q1: top(5, 1.8),
        R3: top(9, 2.6, 90),
        R2: top(11.6, 5.2, 90),
        // the data line along the bottom
        R1: top(-5, -7),
        R6: top(3, -4.6),
        C2: top(9, -8.5),
    }
}

export function P1Adapter() {
    const place = p1Placements()
    const at = (ref: string) => ({ pcbX: place[ref].x, pcbY: place[ref].y, pcbRotation: place[ref].rotation })
    return (
        <board outline={p1Outline()} layers={1} thickness={P1_BOARD.thickness}>
            {/* J2: the cable to the meter's P1 socket, in the standard's pin order */}
            <pinheader name="J2" pinCount={6} pinLabels={["P1_5V", "DREQ", "DGND", "NC", "DATA", "PGND"]} footprint="pinrow6" manufacturerPartNumber={mpn("J2")} schFacingDirection="right" schX={-8} schY={0} {...at("J2")} />
            <trace from=".J2 > .pin1" to="net.P1_5V" />
            <trace from=".J2 > .pin2" to="net.REQ" />
            <trace from=".J2 > .pin3" to="net.GND" />
            <trace from=".J2 > .pin5" to="net.DATA" />
            <trace from=".J2 > .pin6" to="net.GND" />

            {/* supply: the meter's +5V (DSMR 5) through JP1 and D1 into the reader's 5 V */}
            <pinheader name="JP1" pinCount={2} footprint="pinrow2" manufacturerPartNumber={mpn("JP1")} schFacingDirection="left" schX={-4.5} schY={3} {...at("JP1")} />
            <diode name="D1" pinLabels={{ pin1: "cathode", pin2: "anode" }} manufacturerPartNumber={mpn("D1")} footprint="sod123" schX={-2} schY={3} {...at("D1")} />
            <capacitor name="C1" capacitance={val("C1")} footprint="0805" manufacturerPartNumber={mpn("C1")} schX={4} schY={2.2} schRotation={270} {...at("C1")} />
            <trace from=".JP1 > .pin1" to="net.P1_5V" />
            <trace from=".JP1 > .pin2" to=".D1 > .anode" />
            <trace from=".D1 > .cathode" to="net.V5" />
            <trace from=".C1 > .pin1" to="net.V5" />
            <trace from=".C1 > .pin2" to="net.GND" />

            {/* Data Request: Q2 (PNP) switches it to 5 V; off = high impedance, never low */}
            <transistor name="Q2" type="pnp" pinLabels={SOT23_BJT} manufacturerPartNumber={mpn("Q2")} footprint="sot23" schX={-1.5} schY={0.8} schRotation={180} {...at("Q2")} />
            <resistor name="R5" resistance={val("R5")} footprint="0805" manufacturerPartNumber={mpn("R5")} schX={0} schY={1.8} schRotation={90} {...at("R5")} />
            <resistor name="R4" resistance={val("R4")} footprint="0805" manufacturerPartNumber={mpn("R4")} schX={1.2} schY={0.5} {...at("R4")} />
            <transistor name="Q1" type="npn" pinLabels={SOT23_BJT} manufacturerPartNumber={mpn("Q1")} footprint="sot23" schX={2.8} schY={-0.2} schRotation={90} {...at("Q1")} />
            <resistor name="R3" resistance={val("R3")} footprint="0805" manufacturerPartNumber={mpn("R3")} schX={4.4} schY={-0.7} {...at("R3")} />
            <resistor name="R2" resistance={val("R2")} footprint="0805" manufacturerPartNumber={mpn("R2")} schX={5.8} schY={0.6} schRotation={90} {...at("R2")} />
            <trace from=".Q2 > .emitter" to="net.V5" />
            <trace from=".Q2 > .collector" to="net.REQ" />
            <trace from=".Q2 > .base" to="net.Q2_BASE" />
            <trace from=".R5 > .pin1" to="net.Q2_BASE" />
            <trace from=".R5 > .pin2" to="net.V5" />
            <trace from=".R4 > .pin1" to="net.Q2_BASE" />
            <trace from=".R4 > .pin2" to="net.Q1_C" />
            <trace from=".Q1 > .collector" to="net.Q1_C" />
            <trace from=".Q1 > .emitter" to="net.GND" />
            <trace from=".Q1 > .base" to="net.Q1_B" />
            <trace from=".R3 > .pin1" to="net.Q1_B" />
            <trace from=".R3 > .pin2" to="net.REQ_EN" />
            <trace from=".R2 > .pin1" to="net.REQ_EN" />
            <trace from=".R2 > .pin2" to="net.V5" />

            {/* Data: pull-up to 3V3, series resistor into RX */}
            <resistor name="R1" resistance={val("R1")} footprint="0805" manufacturerPartNumber={mpn("R1")} schX={-4.5} schY={-2.6} schRotation={90} {...at("R1")} />
            <resistor name="R6" resistance={val("R6")} footprint="0805" manufacturerPartNumber={mpn("R6")} schX={-2} schY={-3.6} {...at("R6")} />
            <capacitor name="C2" capacitance={val("C2")} footprint="0805" manufacturerPartNumber={mpn("C2")} schX={4} schY={-3} schRotation={270} {...at("C2")} />
            <trace from=".R1 > .pin1" to="net.DATA" />
            <trace from=".R1 > .pin2" to="net.V3V3" />
            <trace from=".R6 > .pin1" to="net.DATA" />
            <trace from=".R6 > .pin2" to="net.RXD" />
            <trace from=".C2 > .pin1" to="net.V3V3" />
            <trace from=".C2 > .pin2" to="net.GND" />

            {/* J1: to the ESP32 board */}
            <pinheader name="J1" pinCount={5} pinLabels={["V5", "REQ_EN", "GND", "RXD", "V3V3"]} footprint="pinrow5" manufacturerPartNumber={mpn("J1")} schFacingDirection="left" schX={8} schY={0} {...at("J1")} />
            <trace from=".J1 > .pin1" to="net.V5" />
            <trace from=".J1 > .pin2" to="net.REQ_EN" />
            <trace from=".J1 > .pin3" to="net.GND" />
            <trace from=".J1 > .pin4" to="net.RXD" />
            <trace from=".J1 > .pin5" to="net.V3V3" />
        </board>
    )
}

/** Renders the P1 adapter to circuit JSON (the input of every export). */
export async function renderP1() {
    const circuit = new RootCircuit()
    circuit.add(<P1Adapter />)
    await circuit.renderUntilSettled()
    return circuit.getCircuitJson()
}
