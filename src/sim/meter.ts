// A simulated IEC 62056-21 meter, sans-I/O, in virtual time (ms).
//
// The driver tells the meter about every character of the reader's that has
// completed on the wire (receiveWire), calls tick() at nextDeadline(), and
// collects the meter's characters, each stamped with the time its stop bit
// ends (nextOutput/takeOutput). The meter decides everything the moment it
// learns of it, so each output character's time is exact: a character takes
// 10 bit times (10000 / baud ms) at 7E1 and at 8N1.
//
// Timing rules (T_id = end of the identification's last character):
//  - answer to a request: first ident character starts reactionMs after the request's LF ended.
//  - mode A: data at 300 baud, starting reactionMs after T_id.
//  - mode B: data at the letter's baud, starting reactionMs after T_id (no ack).
//  - mode C/E: the ack (ACK V Z Y CR LF, at 300) is accepted when its first character STARTS in
//    [T_id + trMin, T_id + ackWindowMs]; trMin = 20 ms when the identification's 3rd letter is
//    lowercase, else 200 ms. An ack starting earlier is ignored (the meter keeps waiting). If no
//    ack has started by T_id + ackWindowMs, at T_id + ackWindowMs + one 300-baud character time the
//    meter falls back: lateAck "readout300" starts the data at 300 baud right then, "silent" goes idle.
//    After a valid ack the data starts reactionMs after the ack's LF ended, at the chosen baud.
//  - the meter is half duplex: characters that start while it is still transmitting are ignored.
//  - wake-up (wakeupRequired): asleep, the meter ignores everything but NUL characters at 300 7E1.
//    A run of NULs, each starting less than 500 ms after the previous one ended, wakes it once the
//    run spans >= 2000 ms (first NUL's start to last NUL's end). More NULs extend the run. Awake,
//    it answers a request whose first character starts >= 1400 ms after the last NUL ended and
//    whose LF has arrived by lastNul + wakeWindowMs (default 5000); a request that starts sooner is
//    ignored (it stays awake). After the session (or when the window passes) it sleeps again.
//  - after a readout (or B0, or a silent fallback) requests that start within silentAfterReadoutMs
//    of the end of the meter's last character are ignored.
//  - programming mode (ACK 0 Z 1, only for profiles with registers or a password): P0 at the new
//    baud; P1 -> ACK, or NAK / B0 on a wrong password; R1/R5 "addr()" -> STX addr(value) ETX BCC,
//    "(ERROR)" for unknown addresses or before a required password; answers longer than
//    partialBlockSize go out in blocks ending EOT (the reader ACKs for the next); NAK repeats the
//    last block; a command with a bad BCC gets NAK; B0 ends; programmingTimeoutMs of silence ends.
//    Every answer starts reactionMs after the end of the reader's message.
//  - inter-character timeout: a gap > 1500 ms inside a message drops what was received so far.
//  - characters at another baud, with bad parity, or damaged by noise are garbage: they are ignored
//    and drop the message being assembled (and an unfinished NUL run).
import { Format } from "../core/session-types"
import { ACK, CR, EOT, ETX, LF, NAK, NUL, SOH, STX, decode7E1, encode7E1 } from "../core/bytes"
import { RX_ERROR_MASK } from "../core/types"
import { Profile, Quirks, effectiveMode } from "./profiles"
import { baudForDigit, baudForLetter } from "../core/messages"
import { charMs } from "../core/timing"
import { CharStream } from "./char-stream"

/** One character on the line. */
export interface WireChar {
    /** when its stop bit ends (ms) */
    at: number
    /** when its start bit began */
    start: number
    /** the 8 bits between start and stop bit: 7E1 = char | parity << 7 (as corrupted by quirks) */
    wire: number
    /** the character the sender meant (7-bit for 7E1) */
    char: number
    baud: number
    format: Format
}

/** Characters queued for the line, sent back to back from `start`. */
interface OutSegment {
    start: number
    baud: number
    format: Format
    /** the characters, made one at a time (a long readout is never held whole) */
    src: CharStream
    length: number
    /** next character to hand out */
    pos: number
    corruptAt: number
    garble: boolean
}

export interface MeterNote {
    at: number
    what: string
}

/** Wire byte of a character at a format. */
export function wireOf(c: number, format: Format): number {
    return format === "7E1" ? encode7E1(c) : c & 0xff
}

const INTER_CHAR_MS = 1500
const WAKE_RUN_MS = 2000
const WAKE_GAP_MS = 500
const WAKE_QUIET_MS = 1400
const NEVER = -1
/** tolerance for comparing times computed along different paths (floating point) */
const EPS = 1e-6

type State = "idle" | "ackWait" | "prog" | "push"

function asciiOf(s: string): number[] {
    const out: number[] = []
    for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0x7f)
    return out
}

function pushAll(dst: number[], src: number[]) {
    for (let i = 0; i < src.length; i++) dst.push(src[i])
}

function textOf(cs: number[], from: number, to: number): string {
    let s = ""
    for (let i = from; i < to; i++) s += String.fromCharCode(cs[i] & 0x7f)
    return s
}

function xor7(cs: number[], from: number, to: number): number {
    let x = 0
    for (let i = from; i < to; i++) x ^= cs[i]
    return x & 0x7f
}

/** Data lines of a block, each ending in CR LF (or LF), normalised from the profile text. */
export function blockLines(block: string, lfOnly: boolean): string {
    const parts = block.split("\n")
    let s = ""
    const eol = lfOnly ? "\n" : "\r\n"
    for (let i = 0; i < parts.length; i++) {
        let line = parts[i]
        if (line.length > 0 && line.charCodeAt(line.length - 1) === CR) line = line.slice(0, line.length - 1)
        if (line.length === 0 && i === parts.length - 1) break
        s += line + eol
    }
    return s
}

export class SimMeter {
    q: Quirks
    mode: string
    notes: MeterNote[] = []
    /** how many readouts / push telegrams / programming answers went out */
    readouts = 0
    pushes = 0

    // Output is kept as segments of raw characters (1 byte each) and turned into
    // WireChar objects one at a time, so that a long readout fits the 64 KB heap
    // when this meter runs inside the DeviceScript simulator.
    private segs: OutSegment[] = []
    private head: WireChar | null = null
    private txEnd = 0
    private state: State = "idle"
    private rxBaud = 300
    private trMin: number
    // message being assembled
    private rx: number[] = []
    private rxStart = 0
    private rxLast = 0
    // mode C/E
    private identEnd = 0
    private ackUntil = 0
    private ackDeadline = NEVER
    // silence after readout
    private silentUntil = 0
    // wake-up
    private awake = false
    private nulRunStart = NEVER
    private nulLastEnd = NEVER
    private awakeUntil = NEVER
    // push
    private pushAt = NEVER
    private pushMs = 0
    // programming
    private progBaud = 300
    private progDeadline = NEVER
    private passwordOk = false
    private lastBlock: number[] = []
    private moreBlocks: number[][] = []
    private blocksSent = 0

    constructor(public profile: Profile, startMs = 0) {
        this.q = profile.quirks
        this.mode = effectiveMode(profile)
        const third = profile.identification.charCodeAt(3)
        this.trMin = third >= 0x61 && third <= 0x7a ? 20 : 200
        this.txEnd = startMs
        if (this.mode === "D") {
            this.state = "push"
            this.pushAt = startMs + this.q.pushOffsetMs
            this.pushMs = this.pushTelegram(false).length * charMs(profile.maxBaud)
        }
    }

    /** minimum reaction time the meter enforces for the ack (20 or 200 ms) */
    ackMinMs(): number {
        return this.trMin
    }

    /** the meter's state, for tests and traces */
    stateName(): string {
        if (this.q.wakeupRequired && this.state === "idle") return this.awake ? "awake" : "asleep"
        return this.state
    }

    /** time the meter's last queued character ends */
    busyUntil(): number {
        return this.txEnd
    }

    /** the next character the meter will put on the line (not yet taken), or null */
    nextOutput(): WireChar | null {
        if (this.head === null && this.segs.length > 0) {
            const g = this.segs[0]
            const ms = charMs(g.baud)
            const i = g.pos
            const start = g.start + i * ms
            const c = g.src.next()
            let w = wireOf(c, g.format)
            if (i === g.corruptAt) w ^= g.format === "7E1" ? 0x80 : 0x01
            if (g.garble && i % 3 === 0) w ^= 1 << (i % 7)
            this.head = { at: start + ms, start: start, wire: w, char: c, baud: g.baud, format: g.format }
        }
        return this.head
    }

    /** every queued character whose stop bit has ended by `now`, in order */
    takeOutput(now: number): WireChar[] {
        return this.takeOutputUpTo(now, -1)
    }

    /** baud of the characters the last takeWire returned */
    takenBaud = 300

    /**
     * The wire bytes of the characters due by `now`, all at one baud, written into `out`: how
     * many. No object per character is kept: the simulated head inside the VM calls this, and
     * 64 WireChar objects a turn cost kilobytes of a 64 KB heap.
     */
    takeWire(now: number, out: Buffer): number {
        let n = 0
        while (n < out.length) {
            const h = this.nextOutput()
            if (h === null || h.at > now || (n > 0 && h.baud !== this.takenBaud)) break
            this.takenBaud = h.baud
            out[n++] = h.wire
            this.head = null
            const g = this.segs[0]
            g.pos++
            if (g.pos >= g.length) this.segs.shift()
        }
        return n
    }

    /** like takeOutput, at most `max` characters (-1: no limit): a caller in the VM that was away for a while must not get a second of 115200 Bd as objects */
    takeOutputUpTo(now: number, max: number): WireChar[] {
        const r: WireChar[] = []
        while (max < 0 || r.length < max) {
            const h = this.nextOutput()
            if (h === null || h.at > now) break
            r.push(h)
            this.head = null
            const g = this.segs[0]
            g.pos++
            if (g.pos >= g.length) this.segs.shift()
        }
        return r
    }

    /** when the meter's own timers next need tick(), or null */
    nextDeadline(): number | null {
        let d = NEVER
        if (this.state === "ackWait") d = this.ackDeadline
        else if (this.state === "push") d = this.pushAt
        else if (this.state === "prog") d = this.progDeadline
        else if (this.state === "idle" && this.awake) d = this.awakeUntil
        return d === NEVER ? null : d
    }

    /** run the timers that are due at `now` */
    tick(now: number) {
        this.advance(now, false)
    }

    /** fire timers due by `now` (strict: only those before `now`, so a character completing at a deadline is heard first) */
    private advance(now: number, strict: boolean) {
        // a push meter nobody listened to for a long time: skip the telegrams that ended long before
        // `now` (nobody can hear them) instead of generating each; the phase of the schedule is kept
        if (this.state === "push") {
            const iv = this.q.pushIntervalMs > this.pushMs ? this.q.pushIntervalMs : this.pushMs + 100
            const n = Math.floor((now - this.pushAt - this.pushMs) / iv) - 1
            if (n > 0) this.pushAt += n * iv
        }
        for (let guard = 0; guard < 100; guard++) {
            const d = this.nextDeadline()
            if (d === null || d > now || (strict && d === now)) return
            this.fire(d)
        }
    }

    private note(at: number, what: string) {
        this.notes.push({ at: at, what: what })
        if (this.notes.length > 200) this.notes = this.notes.slice(100)
    }

    private fire(t: number) {
        if (this.state === "ackWait") {
            if (this.rx.length > 0 && this.rxStart <= this.ackUntil + EPS && this.rx[0] === ACK) {
                // an ack started in time is still arriving: wait for it (or its inter-character timeout)
                this.ackDeadline = this.rxLast + INTER_CHAR_MS
                if (this.ackDeadline > t) return
            }
            this.rx = []
            if (this.q.lateAck === "readout300") {
                this.note(t, "no ack in the window: readout at 300")
                this.sendReadout(t, 300, this.profile.dataBlock)
            } else {
                this.note(t, "no ack in the window: silent")
                this.endSession(t)
            }
        } else if (this.state === "push") {
            const end = this.sendPush(this.pushAt)
            let next = this.pushAt + this.q.pushIntervalMs
            if (next < end) next = end + 100
            this.pushAt = next
        } else if (this.state === "prog") {
            this.note(t, "programming mode timed out")
            this.endSession(t)
        } else if (this.state === "idle" && this.awake) {
            this.note(t, "wake window passed: asleep")
            this.sleep()
        }
    }

    private sleep() {
        this.awake = false
        this.nulRunStart = NEVER
        this.nulLastEnd = NEVER
        this.awakeUntil = NEVER
    }

    private endSession(t: number) {
        this.state = "idle"
        this.rxBaud = 300
        this.rx = []
        if (this.q.wakeupRequired) this.sleep()
        const end = this.txEnd > t ? this.txEnd : t
        this.silentUntil = end + this.q.silentAfterReadoutMs
    }

    // ---- transmitting ----

    /** queue characters starting no earlier than `from` (and after anything queued); returns the end time */
    private emit(from: number, cs: number[], baud: number, format: Format, corruptAt: number, garble: boolean): number {
        return this.emitStream(from, new CharStream().chars(cs), baud, format, corruptAt, garble)
    }

    private emitStream(from: number, src: CharStream, baud: number, format: Format, corruptAt: number, garble: boolean): number {
        const t = from > this.txEnd ? from : this.txEnd
        if (src.length === 0) return t
        this.segs.push({ start: t, baud: baud, format: format, src: src, length: src.length, pos: 0, corruptAt: corruptAt, garble: garble })
        this.txEnd = t + src.length * charMs(baud)
        return this.txEnd
    }

    /** whether the next block gets a wrong check (quirk corruptBcc); counts the block when `count` */
    private corruptNext(count: boolean): boolean {
        const cb = this.q.corruptBcc
        const bad = cb === true || (typeof cb === "number" && this.blocksSent < cb)
        if (count) this.blocksSent++
        return bad
    }

    private bccFor(cs: number[], from: number): number {
        let b = xor7(cs, from, cs.length)
        if (this.corruptNext(true)) b ^= 0x01
        return b
    }

    private garbles(baud: number): boolean {
        return this.q.garbleAboveBaud > 0 && baud > this.q.garbleAboveBaud
    }

    private sendIdent(from: number): number {
        const cs: number[] = []
        pushAll(cs, this.q.leadingGarbage)
        pushAll(cs, asciiOf(this.profile.identification))
        cs.push(CR)
        cs.push(LF)
        return this.emit(from, cs, 300, "7E1", -1, false)
    }

    private dataMessage(block: string): CharStream {
        const end: number[] = [0x21]
        if (!this.q.lfOnly) end.push(CR)
        end.push(LF)
        end.push(ETX)
        return new CharStream().chars([STX]).bccStart().lines(block, this.q.lfOnly).chars(end).bccChar(this.corruptNext(true))
    }

    private sendReadout(from: number, baud: number, block: string) {
        const end = this.emitStream(from, this.dataMessage(block), baud, "7E1", this.q.parityErrorAt, this.garbles(baud))
        this.readouts++
        this.note(from, `readout at ${baud}`)
        this.endSession(end)
    }

    private sendPush(from: number): number {
        const cs = this.pushTelegram(true)
        this.pushes++
        return this.emitStream(from, cs, this.profile.maxBaud, this.q.pushFormat, this.q.parityErrorAt, this.garbles(this.profile.maxBaud))
    }

    /** the push telegram; `count` = it is really sent (counts towards corruptBcc: N) */
    private pushTelegram(count: boolean): CharStream {
        const p = this.profile
        const eol: number[] = this.q.lfOnly ? [LF] : [CR, LF]
        const s = new CharStream().chars(this.q.leadingGarbage)
        // DSMR P1: the CRC covers "/" through "!"
        if (this.q.crc) s.crcStart()
        s.chars(asciiOf(p.identification)).chars([CR, LF])
        if (this.q.frame === "framed") {
            const end: number[] = [0x21]
            if (!this.q.lfOnly) end.push(CR)
            end.push(LF)
            end.push(ETX)
            return s.chars([STX]).bccStart().lines(p.dataBlock, this.q.lfOnly).chars(end).bccChar(this.corruptNext(count))
        }
        s.chars(eol).lines(p.dataBlock, this.q.lfOnly).chars([0x21])
        if (this.q.crc) s.crcChars(this.corruptNext(count))
        return s.chars(eol)
    }

    // ---- receiving ----

    /** A reader character completed at `now`, sent as `char` at `baud`/`format` (the link adds the parity). */
    receive(now: number, char: number, baud: number, format: Format) {
        this.receiveWire(now, wireOf(char, format), baud, false)
    }

    /**
     * A reader character completed at `now`: `wire` = the 8 bits between start and stop bit, sent at
     * `baud`; `damaged` = noise hit it. The meter listens at 7E1 at its current baud.
     */
    receiveWire(now: number, wire: number, baud: number, damaged: boolean) {
        this.advance(now, true)
        const start = now - charMs(baud)
        if (this.state === "push") return
        if (start < this.txEnd - EPS) return // half duplex: busy transmitting
        let c = -1
        if (!damaged && baud === this.rxBaud) {
            const d = decode7E1(wire)
            if ((d & RX_ERROR_MASK) === 0) c = d
        }
        if (this.q.wakeupRequired && this.state === "idle" && !this.awake) {
            this.wakeChar(start, now, c)
            return
        }
        if (c < 0) {
            this.rx = [] // garbage drops the message being assembled
            if (this.q.wakeupRequired) this.nulRunStart = NEVER
            return
        }
        if (this.awake && c === NUL && this.rx.length === 0) {
            this.wakeChar(start, now, c)
            return
        }
        if (this.rx.length > 0 && start - this.rxLast > INTER_CHAR_MS) this.rx = []
        if (this.rx.length === 0) {
            if (!this.startsMessage(c)) return
            this.rxStart = start
        }
        this.rx.push(c)
        this.rxLast = now
        if (this.rx.length > 300) {
            this.rx = []
            return
        }
        this.onChar(now)
    }

    private wakeChar(start: number, end: number, c: number) {
        if (c !== NUL) {
            if (!this.awake) this.nulRunStart = NEVER
            return
        }
        if (this.nulRunStart === NEVER || start - this.nulLastEnd >= WAKE_GAP_MS - EPS) this.nulRunStart = start
        this.nulLastEnd = end
        if (this.awake) {
            this.awakeUntil = end + this.q.wakeWindowMs
        } else if (end - this.nulRunStart >= WAKE_RUN_MS - EPS) {
            this.awake = true
            this.awakeUntil = end + this.q.wakeWindowMs
            this.note(end, "woken by NULs")
        }
    }

    private startsMessage(c: number): boolean {
        if (this.state === "idle") return c === 0x2f
        if (this.state === "ackWait") return c === ACK || c === 0x2f
        if (this.state === "prog") return c === SOH || c === ACK || c === NAK
        return false
    }

    private onChar(now: number) {
        const rx = this.rx
        const first = rx[0]
        const last = rx[rx.length - 1]
        if (first === 0x2f || (first === ACK && this.state === "ackWait")) {
            if (last !== LF) return
            const msg = rx
            this.rx = []
            if (first === 0x2f) this.onRequest(now, this.rxStart, msg)
            else this.onAck(now, this.rxStart, msg)
            return
        }
        if (this.state === "prog") {
            if (first === ACK || first === NAK) {
                this.rx = []
                this.onProgControl(now, first)
                return
            }
            // SOH C D [STX data] ETX|EOT BCC
            const n = rx.length
            if (n >= 2 && (rx[n - 2] === ETX || rx[n - 2] === EOT)) {
                const msg = rx
                this.rx = []
                this.onCommand(now, msg)
            }
        }
    }

    private onRequest(now: number, start: number, msg: number[]) {
        const p = this.profile
        // "/" X [address] "!" CR LF
        const n = msg.length
        if (n < 5 || msg[n - 3] !== 0x21 || msg[n - 2] !== CR) {
            this.note(now, "malformed request ignored")
            return
        }
        const rc = String.fromCharCode(msg[1])
        const addr = textOf(msg, 2, n - 3)
        if (p.requestChars.indexOf(rc) < 0) {
            this.note(now, `request char ${rc} not answered`)
            return
        }
        if (addr === "" ? this.q.addressRequired : addr !== p.address) {
            this.note(now, `address "${addr}" is not mine: silent`)
            return
        }
        if (this.q.readoutBudget > 0 && this.readouts >= this.q.readoutBudget) {
            this.note(now, "readout budget used up: silent")
            return
        }
        if (start < this.silentUntil - EPS) {
            this.note(now, "request during silence after readout: ignored")
            return
        }
        if (this.q.wakeupRequired) {
            if (!this.awake) return
            if (start < this.nulLastEnd + WAKE_QUIET_MS - EPS) {
                this.note(now, "request too soon after the NULs: ignored")
                return
            }
            // the meter is now in a session; it sleeps again when the session ends
            this.awakeUntil = NEVER
            this.awake = false
        }
        const block = p.altDataBlocks[rc] !== undefined ? p.altDataBlocks[rc] : p.dataBlock
        const identEnd = this.sendIdent(now + this.q.reactionMs)
        this.note(now, "request accepted")
        this.identEnd = identEnd
        const m = this.mode
        if (m === "A") {
            this.sendReadout(identEnd + this.q.reactionMs, 300, block)
        } else if (m === "B") {
            const b = baudForLetter(p.identification.charAt(4))
            this.sendReadout(identEnd + this.q.reactionMs, b, block)
        } else {
            this.state = "ackWait"
            this.rxBaud = 300
            this.ackUntil = identEnd + this.q.ackWindowMs
            this.ackDeadline = this.ackUntil + charMs(300)
            this.pendingBlock = block
        }
    }

    private pendingBlock = ""

    private onAck(now: number, start: number, msg: number[]) {
        // ACK V Z Y CR LF
        if (msg.length !== 6 || msg[4] !== CR) {
            this.note(now, "malformed ack ignored")
            return
        }
        if (start < this.identEnd + this.trMin - EPS) {
            this.note(now, "ack before the minimum reaction time: ignored")
            return
        }
        if (start > this.ackUntil + EPS) {
            this.note(now, "ack after the window: ignored")
            return
        }
        const v = String.fromCharCode(msg[1])
        const z = String.fromCharCode(msg[2])
        const y = String.fromCharCode(msg[3])
        const baud = baudForDigit(z)
        if (baud === 0 || baud > this.profile.maxBaud) {
            this.note(now, `ack baud "${z}" not offered: ignored`)
            return
        }
        if (v === "2" && this.mode === "E") {
            this.note(now, "HDLC requested (not simulated): silent")
            this.endSession(now)
            return
        }
        if (v !== "0") {
            this.note(now, `ack V="${v}" not supported: ignored`)
            return
        }
        if (y === "0") {
            this.sendReadout(now + this.q.reactionMs, baud, this.pendingBlock)
        } else if (y === "1" && (this.profile.registers !== null || this.profile.password !== null)) {
            this.state = "prog"
            this.rxBaud = baud
            this.progBaud = baud
            this.passwordOk = this.profile.password === null
            this.moreBlocks = []
            const cs: number[] = [SOH, 0x50, 0x30, STX]
            pushAll(cs, asciiOf("(" + this.profile.operand + ")"))
            cs.push(ETX)
            cs.push(this.bccFor(cs, 1))
            this.sendBlock(now, cs)
            this.note(now, `programming mode at ${baud}`)
        } else {
            this.note(now, `ack mode "${y}" not supported: ignored`)
        }
    }

    private sendBlock(now: number, cs: number[]) {
        this.lastBlock = cs
        const end = this.emit(now + this.q.reactionMs, cs, this.progBaud, "7E1", -1, this.garbles(this.progBaud))
        this.progDeadline = end + this.q.programmingTimeoutMs
    }

    private onProgControl(now: number, c: number) {
        this.progDeadline = now + this.q.programmingTimeoutMs
        if (c === NAK) {
            if (this.lastBlock.length > 0) {
                this.note(now, "NAK: repeating the last block")
                this.sendBlock(now, this.lastBlock)
            }
            return
        }
        // ACK: next partial block, if any
        if (this.moreBlocks.length > 0) {
            const b = this.moreBlocks[0]
            this.moreBlocks = this.moreBlocks.slice(1)
            this.sendBlock(now, b)
        }
    }

    private answer(now: number, text: string) {
        const size = this.q.partialBlockSize
        const blocks: number[][] = []
        let i = 0
        while (true) {
            const chunk = size > 0 ? text.slice(i, i + size) : text
            i += size > 0 ? size : text.length
            const lastOne = i >= text.length
            const cs: number[] = [STX]
            pushAll(cs, asciiOf(chunk))
            cs.push(lastOne ? ETX : EOT)
            cs.push(this.bccFor(cs, 1))
            blocks.push(cs)
            if (lastOne) break
        }
        this.moreBlocks = blocks.slice(1)
        this.sendBlock(now, blocks[0])
    }

    private sendControl(now: number, c: number) {
        this.sendBlock(now, [c])
    }

    private onCommand(now: number, msg: number[]) {
        this.progDeadline = now + this.q.programmingTimeoutMs
        const n = msg.length
        if (msg[0] !== SOH || n < 5) return
        if (xor7(msg, 1, n - 1) !== msg[n - 1]) {
            this.note(now, "command with a bad BCC: NAK")
            this.sendControl(now, NAK)
            return
        }
        const cmd = String.fromCharCode(msg[1]) + String.fromCharCode(msg[2])
        const stx = msg.indexOf(STX)
        const data = stx > 0 ? textOf(msg, stx + 1, n - 2) : ""
        if (cmd === "B0") {
            this.note(now, "B0: session ends")
            this.endSession(now)
            return
        }
        if (cmd === "P1") {
            const pw = data.length >= 2 && data.charAt(0) === "(" ? data.slice(1, data.length - 1) : data
            if (this.profile.password === null || pw === this.profile.password) {
                this.passwordOk = true
                this.sendControl(now, ACK)
            } else if (this.q.wrongPassword === "nak") {
                this.note(now, "wrong password: NAK")
                this.sendControl(now, NAK)
            } else {
                this.note(now, "wrong password: B0")
                const cs: number[] = [SOH, 0x42, 0x30, ETX]
                cs.push(xor7(cs, 1, cs.length))
                this.emit(now + this.q.reactionMs, cs, this.progBaud, "7E1", -1, false)
                this.endSession(now)
            }
            return
        }
        if (cmd === "R1" || cmd === "R5") {
            const br = data.indexOf("(")
            const addr = br >= 0 ? data.slice(0, br) : data
            const regs = this.profile.registers
            if (!this.passwordOk) {
                this.answer(now, "(ERROR)")
            } else if (regs !== null && regs[addr] !== undefined) {
                this.answer(now, addr + "(" + regs[addr] + ")")
            } else {
                this.answer(now, "(ERROR)")
            }
            return
        }
        this.note(now, `command ${cmd} not supported`)
        this.answer(now, "(ERROR)")
    }
}
