// The project's simulated meter (src/sim/meter.ts SimMeter) behind the simulated
// head: SimMeter already speaks wire bytes in time, so this only batches its
// output into chunks of one baud and runs its timers.
import { LineMeter, MeterChunk } from "./line-meter"
import { SimMeter, WireChar } from "../meter"

export class SimMeterLine implements LineMeter {
    private pending: WireChar[] = []

    constructor(public m: SimMeter) {}

    receiveWire(now: number, wire: number, baud: number) {
        this.m.receiveWire(now, wire, baud, false)
    }

    tick(now: number) {
        const d = this.m.nextDeadline()
        if (d !== null && d <= now) this.m.tick(now)
    }

    transmit(now: number): MeterChunk | null {
        const ws = this.m.takeOutput(now)
        for (let i = 0; i < ws.length; i++) this.pending.push(ws[i])
        if (!this.pending.length) return null
        const baud = this.pending[0].baud
        let n = 0
        while (n < this.pending.length && n < 64 && this.pending[n].baud === baud) n++
        const b = Buffer.alloc(n)
        for (let i = 0; i < n; i++) b[i] = this.pending[i].wire
        this.pending = this.pending.slice(n, this.pending.length)
        return { wire: b, baud: baud, at: 0 }
    }
}
