// The optical head as a tscircuit schematic. Parts, values and part numbers come from parts.ts;
// positions are set by hand (schX/schY) so the sheet reads left to right: connector, receive path
// on top (light → RX), transmit path below (TX → light), supply decoupling on the right.
import "./es2024.ts"
import { RootCircuit } from "@tscircuit/core"
import { part, SOT23_BJT } from "./parts.ts"
import { DEFAULT_HOLDER, type HolderParams } from "./holder.ts"
import { boardOutline, placements } from "./layout.ts"

const mpn = (ref: string) => part(ref).mpn
const fp = (ref: string) => part(ref).footprint

/** 74LVC1G17GV (SOT753 = SOT-23-5): 1 NC, 2 A, 3 GND, 4 Y, 5 VCC */
const SCHMITT_PINS = { pin1: "NC", pin2: "A", pin3: "GND", pin4: "Y", pin5: "VCC" } as const
const SCHMITT_ATTRS = {
    NC: { doNotConnect: true },
    A: { isInput: true },
    GND: { requiresGround: true },
    Y: { isOutput: true },
    VCC: { requiresPower: true },
}

export function Head({ holder = DEFAULT_HOLDER }: { holder?: HolderParams }) {
    const place = placements(holder)
    // pcbX/pcbY/pcbRotation of a part, from layout.ts (the optics from the holder's bores)
    const at = (ref: string) => ({ pcbX: place[ref].x, pcbY: place[ref].y, pcbRotation: place[ref].rotation })
    return (
        <board outline={boardOutline(holder)} layers={1} thickness={holder.boardThickness}>
            {/* J1: the cable to the ESP32 board */}
            <pinheader
                name="J1"
                pinCount={4}
                pinLabels={["V3V3", "GND", "TXD", "RXD"]}
                footprint="pinrow4"
                manufacturerPartNumber={mpn("J1")}
                schFacingDirection="right"
                schX={-6.5}
                schY={0.3}
                {...at("J1")}
            />
            <trace from=".J1 > .pin1" to="net.V3V3" />
            <trace from=".J1 > .pin2" to="net.GND" />

            {/* receive: Q1 phototransistor as emitter follower → Q2 BC817 → U1 Schmitt → RXD */}
            <transistor name="Q1" type="npn" displayName="Q1 SFH309FA-4" manufacturerPartNumber={mpn("Q1")} footprint="pinrow2" pinLabels={{ pin1: "emitter", pin2: "collector", pin3: "base" }}
                pinAttributes={{ base: { doNotConnect: true } }} schX={-4} schY={2.7} schRotation={270} {...at("Q1")} />
            <resistor name="R1" resistance={part("R1").value} footprint="0805" manufacturerPartNumber={mpn("R1")} schX={-3.7} schY={1.2} schRotation={90} {...at("R1")} />
            <transistor name="Q2" type="npn" pinLabels={SOT23_BJT} manufacturerPartNumber={mpn("Q2")} footprint="sot23" schX={-2} schY={1.9} schRotation={270} {...at("Q2")} />
            <resistor name="R2" resistance={part("R2").value} footprint="0805" manufacturerPartNumber={mpn("R2")} schX={-1.7} schY={3.3} schRotation={90} {...at("R2")} />
            <chip
                name="U1"
                manufacturerPartNumber={mpn("U1")}
                footprint="sot23_5"
                pinLabels={SCHMITT_PINS}
                pinAttributes={SCHMITT_ATTRS}
                schPinArrangement={{ leftSide: { direction: "top-to-bottom", pins: ["A", "GND"] }, rightSide: { direction: "top-to-bottom", pins: ["VCC", "Y"] } }}
                schX={0.5}
                schY={2.1}
                {...at("U1")}
            />
            <trace from=".Q1 > .collector" to="net.V3V3" />
            <trace from=".Q1 > .emitter" to=".R1 > .pin1" />
            <trace from=".Q1 > .emitter" to=".Q2 > .base" />
            <trace from=".R1 > .pin2" to="net.GND" />
            <trace from=".Q2 > .emitter" to="net.GND" />
            <trace from=".Q2 > .collector" to=".R2 > .pin1" />
            <trace from=".R2 > .pin2" to="net.V3V3" />
            <trace from=".Q2 > .collector" to=".U1 > .A" />
            <trace from=".U1 > .GND" to="net.GND" />
            <trace from=".U1 > .VCC" to="net.V3V3" />
            <trace from=".U1 > .Y" to="net.RXD" />
            <trace from=".J1 > .pin4" to="net.RXD" />

            {/* transmit: TXD → U2 buffer → R3 → Q3 BC807 (high side) → D1 IR LED → R4 → GND */}
            <chip
                name="U2"
                manufacturerPartNumber={mpn("U2")}
                footprint="sot23_5"
                pinLabels={SCHMITT_PINS}
                pinAttributes={SCHMITT_ATTRS}
                schPinArrangement={{ leftSide: { direction: "top-to-bottom", pins: ["VCC", "Y"] }, rightSide: { direction: "top-to-bottom", pins: ["A", "GND"] } }}
                schX={1.2}
                schY={-1.3}
                {...at("U2")}
            />
            <resistor name="R3" resistance={part("R3").value} footprint="0805" manufacturerPartNumber={mpn("R3")} schX={-1.6} schY={-1.2} {...at("R3")} />
            <transistor name="Q3" type="pnp" pinLabels={SOT23_BJT} manufacturerPartNumber={mpn("Q3")} footprint="sot23" schX={-3.2} schY={-1.2} schRotation={90} {...at("Q3")} />
            <led name="D1" color="IR" manufacturerPartNumber={mpn("D1")} footprint="pinrow2" schX={-3.5} schY={-2.4} schRotation={270} {...at("D1")} />
            <resistor name="R4" resistance={part("R4").value} footprint="0805" manufacturerPartNumber={mpn("R4")} schX={-3.5} schY={-3.6} schRotation={90} {...at("R4")} />
            <trace from=".J1 > .pin3" to="net.TXD" />
            <trace from=".U2 > .A" to="net.TXD" />
            <trace from=".U2 > .GND" to="net.GND" />
            <trace from=".U2 > .VCC" to="net.V3V3" />
            <trace from=".U2 > .Y" to=".R3 > .pin1" />
            <trace from=".R3 > .pin2" to=".Q3 > .base" />
            <trace from=".Q3 > .emitter" to="net.V3V3" />
            <trace from=".Q3 > .collector" to=".D1 > .pos" />
            <trace from=".D1 > .neg" to=".R4 > .pin2" />
            <trace from=".R4 > .pin1" to="net.GND" />

            {/* names for the internal nodes (net labels on the sheet, net names in KiCad) */}
            <trace from=".R1 > .pin1" to="net.PE" />
            <trace from=".R2 > .pin1" to="net.RX_RAW" />
            <trace from=".R3 > .pin1" to="net.TX_BUF" />
            <trace from=".Q3 > .base" to="net.Q3_BASE" />
            <trace from=".D1 > .pos" to="net.LED_A" />
            <trace from=".R4 > .pin2" to="net.LED_K" />

            {/* supply decoupling at the head */}
            <capacitor name="C1" capacitance={part("C1").value} footprint="0805" manufacturerPartNumber={mpn("C1")} schX={2.6} schY={0.2} schRotation={90} {...at("C1")} />
            <capacitor name="C2" capacitance={part("C2").value} footprint="0805" manufacturerPartNumber={mpn("C2")} schX={3.8} schY={0.2} schRotation={90} {...at("C2")} />
            <trace from=".C1 > .pin2" to="net.V3V3" />
            <trace from=".C1 > .pin1" to="net.GND" />
            <trace from=".C2 > .pin2" to="net.V3V3" />
            <trace from=".C2 > .pin1" to="net.GND" />
        </board>
    )
}

/** Renders the head to circuit JSON (the input of every export). */
export async function renderHead(holder: HolderParams = DEFAULT_HOLDER) {
    const circuit = new RootCircuit()
    circuit.add(<Head holder={holder} />)
    await circuit.renderUntilSettled()
    return circuit.getCircuitJson()
}
