// A meter for readouts far larger than the heap, for the footprint bench and the
// firmware's largest-readout tests: it answers a request with a fixed
// identification (mode C when its baud character is a digit, else mode A) and a
// data block of generated lines "1.8.<n>(<n>.000*kWh)", optionally with a wrong
// BCC. Nothing proportional to the readout is held: each transmit() makes the
// next chunk of characters. The profile-driven meter is src/sim/meter.ts.
import { ACK, CR, ETX, LF, STX, decode7E1, encode7E1 } from "../../core/bytes"
import { baudForDigit } from "../../core/messages"
import { charMs } from "../../core/timing"
import { LineMeter, MeterChunk } from "./line-meter"

export interface GeneratedReadout {
    /** the identification line without CR LF, e.g. "/ABC5METER1" */
    identification: string
    /** the meter's device address; a request naming another address gets no answer ("" = none) */
    address: string
    /** data lines without CR LF */
    lines: string[]
    /** extra generated lines "1.8.<n>(<n>.000*kWh)" after `lines` */
    generated: number
    /** send a wrong BCC */
    damage: boolean
    /** reaction time in ms */
    reactionMs: number
}

const CHUNK = 64

export class GeneratedMeter implements LineMeter {
    private state = 0 // 0 listen, 1 ident queued, 2 waiting for ack, 3 data
    private rx: number[] = []
    private baud = 300
    private dataBaud = 300
    private identEnd = 0
    private dueAt = 0
    // data streaming cursor
    private lineIdx = 0
    private charIdx = -1 // -1: STX not sent yet
    private bcc = 0
    private finished = false
    private cur: number[] | null = null
    private readouts = 0

    constructor(public p: GeneratedReadout) {}

    tick(now: number) {}

    receiveWire(now: number, wire: number, baud: number) {
        if (this.state === 3 || this.state === 1) return // busy talking (half duplex: ignore)
        if (baud !== this.baud) return // garbage at another baud
        const ch = decode7E1(wire)
        if (ch > 0x7f) {
            this.rx = [] // a parity error drops the message being assembled
            return
        }
        if (ch === 0x2f) this.rx = []
        if (this.rx.length < 64) this.rx.push(ch)
        if (ch !== LF) return
        let s = ""
        for (let i = 0; i < this.rx.length; i++) s += String.fromCharCode(this.rx[i])
        this.rx = []
        if (this.state === 0 && s.startsWith("/") && s.endsWith("!\r\n")) {
            const addr = s.slice(2, s.length - 3)
            if (addr.length && addr !== this.p.address) return
            this.state = 1
            this.dueAt = now + this.p.reactionMs
        } else if (this.state === 2 && s.charCodeAt(0) === ACK && s.length >= 6) {
            const b = baudForDigit(s.charAt(2))
            this.dataBaud = b > 0 ? b : 300
            this.baud = this.dataBaud
            this.startData(now)
        }
    }

    private startData(now: number) {
        this.state = 3
        this.dueAt = now + this.p.reactionMs
        this.lineIdx = 0
        this.charIdx = -1
        this.bcc = 0
        this.finished = false
        this.cur = null
    }

    private lineChars(i: number): number[] | null {
        let s: string
        if (i < this.p.lines.length) s = this.p.lines[i]
        else if (i < this.p.lines.length + this.p.generated) {
            const n = i - this.p.lines.length
            s = "1.8." + n + "(" + n + ".000*kWh)"
        } else if (i === this.p.lines.length + this.p.generated) s = "!"
        else return null
        const out: number[] = []
        for (let k = 0; k < s.length; k++) out.push(s.charCodeAt(k))
        out.push(CR, LF)
        return out
    }

    private chunkOf(cs: number[], baud: number, at: number): MeterChunk {
        const b = Buffer.alloc(cs.length)
        for (let i = 0; i < cs.length; i++) b[i] = encode7E1(cs[i])
        return { wire: b, baud: baud, at: at }
    }

    transmit(now: number): MeterChunk | null {
        if (this.state === 1 && now >= this.dueAt) {
            const id = this.p.identification
            const cs: number[] = []
            for (let i = 0; i < id.length; i++) cs.push(id.charCodeAt(i))
            cs.push(CR, LF)
            this.identEnd = now + cs.length * charMs(300)
            if (baudForDigit(id.charAt(4)) > 0) this.state = 2
            else this.startData(this.identEnd)
            return this.chunkOf(cs, 300, this.dueAt)
        }
        if (this.state === 2 && now > this.identEnd + 1500) {
            this.startData(now) // no ack: the data readout follows at 300 baud
            this.dataBaud = 300
        }
        if (this.state !== 3 || now < this.dueAt) return null
        const at = this.charIdx < 0 ? this.dueAt : 0
        const out: number[] = []
        while (out.length < CHUNK && !this.finished) {
            if (this.charIdx < 0) {
                out.push(STX)
                this.charIdx = 0
                this.cur = this.lineChars(0)
                continue
            }
            if (this.cur === null) {
                // ETX and BCC
                this.bcc ^= ETX
                out.push(ETX)
                out.push(this.p.damage ? this.bcc ^ 0x55 : this.bcc)
                this.finished = true
                this.readouts++
                break
            }
            const c = this.cur[this.charIdx++]
            this.bcc ^= c
            out.push(c)
            if (this.charIdx >= this.cur.length) {
                this.lineIdx++
                this.charIdx = 0
                this.cur = this.lineChars(this.lineIdx)
            }
        }
        const chunk = this.chunkOf(out, this.dataBaud, at)
        if (this.finished) {
            this.state = 0
            this.baud = 300
        }
        return chunk
    }
}
