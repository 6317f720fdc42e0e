// The project's simulated meter (src/sim/meter.ts SimMeter) behind the simulated
// head: SimMeter already speaks wire bytes in time, so this only batches its
// output into chunks of one baud (SimMeter.takeWire) and runs its timers.
import { LineMeter, MeterChunk } from "./line-meter"
import { SimMeter } from "../meter"

export class SimMeterLine implements LineMeter {
    // one chunk's bytes, reused: nothing per character is allocated but the chunk's copy
    private buf = Buffer.alloc(64)

    constructor(public m: SimMeter) {}

    receiveWire(now: number, wire: number, baud: number) {
        this.m.receiveWire(now, wire, baud, false)
    }

    tick(now: number) {
        const d = this.m.nextDeadline()
        if (d !== null && d <= now) this.m.tick(now)
    }

    transmit(now: number): MeterChunk | null {
        const n = this.m.takeWire(now, this.buf)
        if (!n) return null
        return { wire: this.buf.slice(0, n), baud: this.m.takenBaud, at: 0 }
    }
}
