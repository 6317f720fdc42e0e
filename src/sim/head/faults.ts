// Faults of the simulated optical head, in front of the meter behind it (the
// VM counterpart of src/sim/head-faults.ts): "swapped" (RX and TX swapped: the
// meter hears nothing, nothing comes back), "portDisabled" (the utility has
// switched the meter's optical port off: the head works, the meter is deaf),
// "flooded" (light on the sensor: the RX line never rests and every character
// time reads as a damaged character).
import { LineMeter, MeterChunk } from "./line-meter"

/** a baud no reader uses: the head's reader sees each of these characters with a framing error */
const HELD_LINE_BAUD = 301
/** damaged characters per chunk; the head paces them at the line rate */
const HELD_CHUNK = 16

export class FaultyHead implements LineMeter {
    constructor(public inner: LineMeter, public fault: string) {}

    receiveWire(now: number, wire: number, baud: number) {
        if (this.fault === "") this.inner.receiveWire(now, wire, baud)
    }

    tick(now: number) {
        this.inner.tick(now)
    }

    transmit(now: number): MeterChunk | null {
        if (this.fault === "") return this.inner.transmit(now)
        if (this.fault !== "flooded") return null
        return { wire: Buffer.alloc(HELD_CHUNK), baud: HELD_LINE_BAUD, at: 0 }
    }
}
