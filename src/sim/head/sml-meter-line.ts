// A simulated SML meter behind the simulated head: it replays telegrams
// generated from an SML profile (src/sim/sml-meter.ts), one every intervalMs at
// 9600 Bd, cycling through them. SML meters only push, so what the reader sends
// is ignored.
import { LineMeter, MeterChunk } from "./line-meter"

/** bytes per chunk handed to the head */
const CHUNK = 64
const SML_BAUD = 9600

export class SmlReplayLine implements LineMeter {
    private pending: number[] = []
    private nextAt: number
    private k = 0

    constructor(public telegrams: Buffer[], public intervalMs: number, startMs: number) {
        // the first push comes a little after power-up, like a meter mid-cycle
        this.nextAt = startMs + 300
    }

    receiveWire(now: number, wire: number, baud: number) {}

    tick(now: number) {
        if (now < this.nextAt || !this.telegrams.length) return
        const t = this.telegrams[this.k++ % this.telegrams.length]
        for (let i = 0; i < t.length; i++) this.pending.push(t[i])
        this.nextAt += this.intervalMs
    }

    transmit(now: number): MeterChunk | null {
        if (!this.pending.length) return null
        const n = Math.min(CHUNK, this.pending.length)
        const b = Buffer.alloc(n)
        for (let i = 0; i < n; i++) b[i] = this.pending[i]
        this.pending = this.pending.slice(n, this.pending.length)
        return { wire: b, baud: SML_BAUD, at: 0 }
    }
}
