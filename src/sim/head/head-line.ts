// The line a simulated optical head emulates between the reader's UART and the
// meter behind it, shared by the DeviceScript head (server.ts) and the Node one
// (tools/vm-host/sim-head.ts), which differ only in how they talk to the
// firmware and keep time. A character takes 10 bit times at its baud (the
// meter's divided by `speed`), the reader's UART format decides what it sees
// (serial-marking.ts: at 7 data bits a bad parity arrives as 0x80|c), a
// character at another baud arrives as a framing error (at most one per the
// reader's character time, as a real UART frames them), an echoing head returns
// what the reader sends, and a baud change applies once the characters already
// queued have left. Portable: no DeviceScript or Node imports.
import { encode7E1 } from "../../core/bytes"
import { serviceDelivers } from "../../core/serial-marking"
import { HeadOptions, LineMeter, MeterChunk } from "./line-meter"

/** serviceDelivers(w, 7, false) for every wire byte: one lookup per character on the hot path */
const SEES7 = Buffer.alloc(256)
for (let w = 0; w < 256; w++) SEES7[w] = serviceDelivers(w, 7, false)

export class HeadLine {
    baud = 300
    /** a baud asked for while characters were still queued, applied once they have left; 0 = none */
    pendingBaud = 0
    dataBits = 8
    // the reader's characters on their way to the meter: wire byte, end of its stop bit, baud
    private txWire: number[] = []
    private txAt: number[] = []
    private txBaud: number[] = []
    private txFree = 0
    // the meter's characters on their way to the reader
    private chunk: MeterChunk | null = null
    private pos = 0
    private lineFree = 0
    /** a reader at another baud than the line's sees its next damaged character no sooner than this */
    private garbledUntil = 0

    constructor(public meter: LineMeter, public opt: HeadOptions) {}

    setBaud(v: number) {
        if (this.txAt.length) this.pendingBaud = v
        else this.baud = v
    }

    /** characters are on their way in either direction: the head should look again soon */
    busy(): boolean {
        return this.chunk !== null || this.txAt.length > 0
    }

    private charMs(baud: number): number {
        return 10000 / baud / this.opt.speed
    }

    /** What the reader's UART makes of a wire byte w (the 8 bits after the start bit). */
    private readerSees(w: number, lineBaud: number): number {
        if (lineBaud !== this.baud || this.opt.rxInverted) return serviceDelivers(0xff, this.dataBits, true)
        return this.dataBits === 7 ? SEES7[w & 0xff] : w & 0xff
    }

    /**
     * The reader sends at `now`: each byte reaches the meter (and the echo the reader) when its stop
     * bit has left. The reader's characters take their real time even when the meter's run faster:
     * the firmware's baud change travels as a register write behind its option select, and a
     * sped-up option select let the meter answer at the new baud before the change arrived.
     */
    send(now: number, data: Buffer) {
        const t = 10000 / this.baud
        let at = Math.max(now, this.txFree)
        for (let i = 0; i < data.length; i++) {
            at += t
            // at 7 data bits the UART adds the parity bit
            this.txWire.push(this.dataBits === 7 ? encode7E1(data[i]) : data[i])
            this.txAt.push(at)
            this.txBaud.push(this.baud)
        }
        this.txFree = at
    }

    /** Moves the line to `now`: the reader's characters to the meter, then up to `max` of what is due for the reader into `out`. */
    step(now: number, out: number[], max: number) {
        while (this.txAt.length && this.txAt[0] <= now) {
            const w = this.txWire.shift() as number
            const at = this.txAt.shift() as number
            const baud = this.txBaud.shift() as number
            this.meter.receiveWire(at, w, baud)
            if (this.opt.echo) out.push(this.readerSees(w, baud))
        }
        if (!this.txAt.length && this.pendingBaud) {
            this.baud = this.pendingBaud
            this.pendingBaud = 0
        }
        this.meter.tick(now)
        while (out.length < max) {
            if (this.chunk === null || this.pos >= this.chunk.wire.length) {
                this.chunk = this.meter.transmit(now)
                this.pos = 0
                if (this.chunk === null) break
            }
            const m = this.chunk
            const start = Math.max(this.lineFree, this.pos ? 0 : m.at)
            const end = start + this.charMs(m.baud)
            if (end > now + 0.5) {
                if (start > this.lineFree) this.lineFree = start
                break
            }
            this.lineFree = end
            const w = m.wire[this.pos++]
            if (m.baud !== this.baud) {
                if (end < this.garbledUntil) continue
                this.garbledUntil = end + this.charMs(this.baud)
            }
            out.push(this.readerSees(w, m.baud))
        }
        if (this.chunk === null && this.lineFree < now) this.lineFree = now
    }
}
