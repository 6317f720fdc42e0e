// The session engine: one sign-on (or one push) from start to "finished", as a
// sans-I/O state machine. The driver feeds it received characters and the time;
// it answers with characters to send, UART settings, the next deadline and
// events. It never sleeps, never reads a clock and never throws on bad bytes.
import { ACK, NAK, NUL } from "./bytes"
import { DataSetParser } from "./datasets"
import { EchoFilter } from "./echo"
import { BlockEnd, Framer, FrameSink, fromByte, toBytes } from "./framer"
import { breakMessage, digitForBaud, optionSelect, password, readRegister, request } from "./messages"
import { ReaderMemory } from "./memory"
import { ByteEngine, Output, SessionConfig, SessionEvent, SessionStats, UartSettings } from "./session-types"
import { charMs, defaultTiming, MIN_WAKEUP_SILENCE_MS, minReactionMs, Timing } from "./timing"
import { coreError, CoreError, DataSet, ErrorKind, Identification, Mode, RX_PARITY_ERROR } from "./types"

const enum Phase {
    Begin, // set 300 Bd 7E1, then sign on
    WakeupSilence, // NULs sent, waiting the silence out
    Ident, // request sent, waiting for the identification
    AckDelay, // identification received, waiting the reaction time before the option select
    Data, // waiting for / receiving the data block
    Quiet, // unreadable data: waiting for the line to go quiet before signing on again
    Push, // listening to a push meter
    ProgOperand, // programming: waiting for SOH P0 STX (operand) ETX BCC
    ProgSend, // programming: waiting the reaction time before our next command
    ProgAnswer, // programming: waiting for the answer to our command
    Closing, // B0 sent: finished once it has left the line
    Done,
}

/** Standard bauds, highest first: the fallback steps down this list. */
const BAUDS = [19200, 9600, 4800, 2400, 1200, 600, 300]
/** Push meters with unknown settings: baud order to try, each at 7E1 then 8N1. */
const HUNT_BAUDS = [2400, 9600, 300, 4800, 19200]
/** Characters with errors and no identification before the hunt moves to the next candidate. */
const HUNT_BAD_CHARS = 24
/** Characters with errors after a baud switch, outside any block, before the data counts as unreadable. */
const GARBLED_CHARS = 4

export function defaultSessionConfig(): SessionConfig {
    return {
        requestChar: "?",
        address: "",
        maxBaud: 19200,
        forceBaud: null,
        forceMode: null,
        wakeup: "auto",
        fallback: true,
        push: null,
        programming: null,
        maxRetries: 3,
    }
}

export class Session implements ByteEngine, FrameSink {
    private timing: Timing
    private framer: Framer
    private echo = new EchoFilter()
    private phase = Phase.Begin
    private out: Output = { send: [], uart: null, deadline: null, events: [] }
    private uart: UartSettings = { baud: 300, format: "7E1" }
    /** settings the driver has been told to apply when the TX drains */
    private pendingUart: UartSettings | null = null
    private txFreeAt = 0
    private startAt = 0
    private deadline: number | null = null
    private lastRxAt = 0
    private rxInMessage = false
    private waitingForMeter = false
    private id: Identification | null = null
    private mode: Mode | null = null
    private chosenBaud = 300
    private wokeUp = false
    private retries = 0
    private errors = 0
    private lastError: CoreError | null = null
    private dataSets = 0
    private charsReceived = 0
    private badChars = 0
    private huntIndex = -1
    private regIndex = 0
    private regText = ""
    private progNext: "password" | "read" | "ack" | "break" = "read"
    private blockRetries = 0
    /** the reader fell behind the line in this session (reported once) */
    private behind = false
    // line-minimum accounting
    private wireMs = 0
    private meterMs = 0
    private readerMinMs = 0
    private lineEnd = 0
    private atBaudSince = 0
    private msAtBaud: Record<string, number> = {}
    private now = 0

    constructor(public config: SessionConfig, public memory: ReaderMemory, timing?: Timing) {
        this.timing = timing ? timing : defaultTiming()
        this.framer = new Framer(this)
    }

    // ---- Engine -------------------------------------------------------------

    start(now: number): Output {
        this.begin(now)
        this.startAt = now
        this.lineEnd = now
        this.atBaudSince = now
        this.txFreeAt = now
        if (this.config.push !== null) {
            this.phase = Phase.Push
            const known = this.config.push.uart !== null ? this.config.push.uart : this.memory.pushUart
            if (known !== null) this.setUart(known)
            else this.nextHuntCandidate()
            this.waitingForMeter = true
            this.deadline = now + (this.huntIndex >= 0 ? this.timing.huntListenMs : this.timing.pushListenMs)
        } else {
            this.setUart({ baud: 300, format: "7E1" })
            this.phase = Phase.Begin
            this.deadline = now
        }
        return this.finishCall()
    }

    receive(now: number, chars: number[]): Output {
        return this.receiveBytes(now, toBytes(chars))
    }

    receiveBytes(now: number, chars: Buffer, waitedMs = 0, lost = 0): Output {
        this.begin(now)
        if (this.phase === Phase.Done) return this.finishCall()
        this.applyDrainedUart(now)
        if (lost > 0 || waitedMs > this.timing.rxWaitMs) this.fellBehind(waitedMs, lost)
        if (this.echo.idle()) this.consumeBytes(now, chars)
        else {
            const passed: number[] = []
            for (let i = 0; i < chars.length; i++) this.echo.filter(now, fromByte(chars[i]), passed)
            this.consume(now, passed)
        }
        if (this.phase === Phase.Data && this.chosenBaud > 300 && this.badChars >= GARBLED_CHARS && !this.rxInMessage && this.framer.inMessage() === false) {
            // characters with errors at the new baud and no block in sight: the switch did not work
            this.unreadable("parity", `${this.badChars} characters with errors at ${this.chosenBaud} Bd and no data block`)
        }
        if (this.phase === Phase.Push && this.huntIndex >= 0 && this.badChars >= HUNT_BAD_CHARS) {
            this.nextHuntCandidate()
            this.deadline = now + this.timing.huntListenMs
        }
        this.rxInMessage = this.framer.inMessage()
        this.updateDeadline(now)
        return this.finishCall()
    }

    tick(now: number): Output {
        this.begin(now)
        if (this.phase === Phase.Done) return this.finishCall()
        // a character held back by the echo filter that turned out to be the meter's
        const passed: number[] = []
        this.echo.expire(now, passed)
        if (passed.length > 0) {
            this.applyDrainedUart(now)
            this.consume(now, passed)
            this.rxInMessage = this.framer.inMessage()
            this.updateDeadline(now)
        }
        if (this.isDone() || this.deadline === null || now < this.deadline) return this.finishCall()
        this.applyDrainedUart(now)
        switch (this.phase) {
            case Phase.Begin:
                this.signOn(now)
                break
            case Phase.WakeupSilence:
                this.sendRequest(now)
                break
            case Phase.AckDelay:
                this.sendOptionSelect(now)
                break
            case Phase.ProgSend:
                this.sendProgNext(now)
                break
            case Phase.Quiet:
                if (now >= this.lastRxAt + this.timing.retryQuietMs) this.restartAtLowerBaud(now)
                else this.deadline = this.lastRxAt + this.timing.retryQuietMs
                break
            case Phase.Push:
                this.pushTimeout(now)
                break
            case Phase.Closing:
                this.finish(this.registersRead > 0)
                break
            default:
                this.timeout(now)
        }
        return this.finishCall()
    }

    /** Characters that are not echo go to the framer, with their line time accounted. */
    private consume(now: number, chars: number[]): void {
        for (let i = 0; i < chars.length && !this.isDone(); i++) {
            const c = chars[i]
            this.charsReceived++
            this.account(now - (chars.length - 1 - i) * charMs(this.uart.baud), c)
            this.lastRxAt = now
            if (c > 0x7f) this.badChars++
            this.framer.push(c)
        }
    }

    /** consume() for bytes: runs the framer takes at once are accounted at once. */
    private consumeBytes(now: number, buf: Buffer): void {
        const n = buf.length
        const cm = charMs(this.uart.baud)
        let i = 0
        while (i < n && !this.isDone()) {
            const j = this.framer.runEnd(buf, i, n)
            const c = fromByte(buf[i])
            this.charsReceived++
            this.account(now - (n - 1 - i) * cm, c)
            this.lastRxAt = now
            if (j === i + 1) {
                if (c > 0x7f) this.badChars++
                this.framer.push(c)
            } else {
                // intact characters back to back after the first: together they add their span beyond what is already counted
                this.charsReceived += j - i - 1
                const end = now - (n - j) * cm
                if (end > this.lineEnd) {
                    this.wireMs += end - this.lineEnd
                    this.lineEnd = end
                }
                this.framer.pushRun(buf, i, j)
            }
            i = j
        }
    }

    // ---- FrameSink ----------------------------------------------------------

    identification(id: Identification): void {
        if (this.phase === Phase.Push) {
            this.id = id
            this.mode = "D"
            if (this.huntIndex >= 0 || this.memory.pushUart === null) this.memory.pushUart = { baud: this.uart.baud, format: this.uart.format }
            this.huntIndex = -1
            this.emit({ type: "identification", identification: id })
            return
        }
        if (this.phase !== Phase.Ident) return // a stray identification: not an answer to anything we asked
        this.id = id
        if (this.wokeUp) this.memory.needsWakeup = true
        this.emit({ type: "identification", identification: id })
        let mode: Mode = this.config.forceMode !== null ? this.config.forceMode : id.mode
        this.mode = mode
        if (mode === "D") mode = "A"
        if (mode === "E" && this.config.programming === null) mode = "C" // \2: plain readout with V = 0
        if (mode === "A" || mode === "B") {
            // no option select: mode A stays at 300, mode B switches to the letter's baud right away
            this.chosenBaud = mode === "B" ? id.baud : 300
            if (mode === "B") this.setUart({ baud: id.baud, format: "7E1" })
            this.phase = Phase.Data
            this.waitingForMeter = true
            this.deadline = this.now + this.timing.responseMs
        } else {
            this.chosenBaud = this.pickBaud(id.baud)
            this.phase = Phase.AckDelay
            this.waitingForMeter = false
            this.deadline = this.now + minReactionMs(id.fastReaction) + this.timing.reactionMarginMs
        }
    }

    dataSet(d: DataSet): void {
        if (this.phase === Phase.Data || this.phase === Phase.Push) {
            this.dataSets++
            this.emit({ type: "dataSet", dataSet: d })
        }
    }

    blockEnd(end: BlockEnd, ok: boolean): void {
        if (this.phase === Phase.ProgAnswer) {
            this.progBlock(end, ok)
            return
        }
        if (this.phase !== Phase.Data && this.phase !== Phase.Push) return
        this.emit({ type: "readout", ok: ok })
        if (ok) {
            if (this.chosenBaud > 300 && this.phase === Phase.Data) this.memory.goodBaud = this.chosenBaud
            this.finish(true)
        } else if (this.phase === Phase.Push) {
            // the next push may be clean: keep listening until the push deadline
        } else this.unreadable(null, "")
    }

    command(c: string, d: string, data: string | null, ok: boolean): void {
        if (this.phase === Phase.ProgOperand && c === "P" && d === "0") {
            if (!ok) return this.progRepeat()
            this.progNext = this.config.programming !== null && this.config.programming.password !== null ? "password" : "read"
            this.progAfterMeter()
        } else if (c === "B" && d === "0" && this.phase !== Phase.Done) {
            this.fail("meter", "the meter ended the session (B0)")
        }
    }

    control(c: number): void {
        if (this.phase !== Phase.ProgAnswer || this.progNext !== "password") return
        if (c === ACK) {
            this.progNext = "read"
            this.progAfterMeter()
        } else if (c === NAK) {
            this.progNext = "break"
            this.reportError("meter", "the meter rejected the password (P1 answered with NAK)")
            this.progAfterMeter()
        }
    }

    error(e: CoreError): void {
        if (this.phase === Phase.Done) return
        // in the hunt, errors are expected at every wrong candidate
        if (this.phase === Phase.Push && this.huntIndex >= 0) return
        // programming answers are parsed by progBlock from the re-assembled text, which reports its own problems
        if ((e.kind === "syntax" || e.kind === "overlength") && this.inProgramming()) return
        this.reportError(e.kind, e.message)
    }

    // ---- sign-on ------------------------------------------------------------

    private signOn(now: number): void {
        const wake = this.config.wakeup === "always" || (this.config.wakeup === "auto" && this.memory.needsWakeup)
        if (wake && !this.wokeUp) this.sendWakeup(now)
        else this.sendRequest(now)
    }

    private sendWakeup(now: number): void {
        this.wokeUp = true
        const n = Math.ceil(this.timing.wakeupMs / charMs(300))
        const nuls: number[] = []
        for (let i = 0; i < n; i++) nuls.push(NUL)
        this.transmit(now, nuls, 0)
        this.phase = Phase.WakeupSilence
        this.waitingForMeter = false
        this.deadline = this.txFreeAt + this.timing.wakeupSilenceMs
    }

    private sendRequest(now: number): void {
        const minGap = this.phase === Phase.WakeupSilence ? MIN_WAKEUP_SILENCE_MS : 0
        this.framer.reset()
        this.transmit(now, request(this.config.requestChar, this.config.address), minGap)
        this.phase = Phase.Ident
        this.waitingForMeter = true
        this.deadline = this.txFreeAt + this.timing.responseMs
    }

    private pickBaud(offered: number): number {
        let cap = this.config.maxBaud
        if (this.memory.baudCap > 0 && this.memory.baudCap < cap) cap = this.memory.baudCap
        if (this.config.forceBaud !== null && this.config.forceBaud <= offered) return this.config.forceBaud
        for (let i = 0; i < BAUDS.length; i++) if (BAUDS[i] <= offered && BAUDS[i] <= cap) return BAUDS[i]
        return 300
    }

    private sendOptionSelect(now: number): void {
        const id = this.id as Identification
        const prog = this.config.programming !== null
        const z = digitForBaud(this.chosenBaud)
        this.transmit(now, optionSelect("0", z, prog ? "1" : "0"), minReactionMs(id.fastReaction))
        if (this.chosenBaud !== 300) this.setUart({ baud: this.chosenBaud, format: "7E1" })
        this.framer.reset()
        this.phase = prog ? Phase.ProgOperand : Phase.Data
        this.waitingForMeter = true
        this.deadline = this.txFreeAt + this.timing.responseMs
    }

    // ---- failures and fallback ----------------------------------------------

    private timeout(now: number): void {
        if (this.phase === Phase.Ident && this.charsReceived === 0 && this.id === null) {
            if (this.config.wakeup === "auto" && !this.wokeUp) {
                this.reportError("timeout", "no answer to the request; trying again with a wake-up")
                this.retries++
                this.sendWakeup(now)
                return
            }
            return this.fail("timeout", this.wokeUp ? "no answer to the request, even after a wake-up" : "no answer to the request")
        }
        const what = this.rxInMessage ? "the meter stopped in the middle of a message" : "no answer from the meter"
        if (this.phase === Phase.Data && this.chosenBaud > 300) return this.unreadable("timeout", `${what} at ${this.chosenBaud} Bd`)
        this.fail("timeout", what)
    }

    /** The data after a baud switch could not be read: sign on again lower, where allowed. `kind` null: the framer already reported why. */
    private unreadable(kind: ErrorKind | null, why: string): void {
        if (this.config.fallback && this.chosenBaud > 300 && this.retries < this.config.maxRetries && this.phase === Phase.Data) {
            if (kind !== null) this.reportError(kind, why + "; signing on again at a lower baud")
            this.retries++
            const lower = this.lowerBaud(this.chosenBaud)
            this.memory.baudCap = lower
            this.phase = Phase.Quiet
            this.waitingForMeter = false
            this.deadline = this.lastRxAt + this.timing.retryQuietMs
            if (this.deadline < this.now) this.deadline = this.now
            return
        }
        if (kind !== null) this.fail(kind, why)
        else this.finish(false)
    }

    /** The reader did not keep up with the line: said once per session, and the next sign-ons stay below this baud. */
    private fellBehind(waitedMs: number, lost: number): void {
        const baud = this.uart.baud
        let lower = 300
        for (let i = BAUDS.length - 1; i >= 0; i--) if (BAUDS[i] < baud) lower = BAUDS[i]
        if (baud > 300 && (this.memory.baudCap === 0 || lower < this.memory.baudCap)) this.memory.baudCap = lower
        if (this.behind) return
        this.behind = true
        this.reportError("overrun", `the reader fell behind the line at ${baud} Bd: ${lost} characters lost, waited ${waitedMs} ms`)
    }

    private lowerBaud(b: number): number {
        // one step down the first time, straight to 300 after that
        if (this.memory.fallbackFrom > 0) return 300
        this.memory.fallbackFrom = b
        for (let i = 0; i < BAUDS.length; i++) if (BAUDS[i] < b) return BAUDS[i]
        return 300
    }

    private restartAtLowerBaud(now: number): void {
        this.framer.reset()
        this.id = null
        this.setUart({ baud: 300, format: "7E1" })
        this.phase = Phase.Begin
        this.deadline = now
        this.wokeUp = false
    }

    // ---- push meters -------------------------------------------------------

    private nextHuntCandidate(): void {
        this.huntIndex++
        if (this.huntIndex >= HUNT_BAUDS.length * 2) {
            this.huntIndex = -1
            this.fail("timeout", "no push found at any of 2400, 9600, 300, 4800, 19200 Bd in 7E1 or 8N1")
            return
        }
        this.badChars = 0
        this.framer.reset()
        const fmt = this.huntIndex % 2 === 0 ? "7E1" : "8N1"
        this.setUart({ baud: HUNT_BAUDS[this.huntIndex >> 1], format: fmt })
    }

    private pushTimeout(now: number): void {
        if (this.huntIndex >= 0) {
            this.nextHuntCandidate()
            if (this.phase !== Phase.Done) this.deadline = now + this.timing.huntListenMs
            return
        }
        if (this.rxInMessage) return this.fail("timeout", "the push frame stopped in the middle")
        this.fail("timeout", `no push from the meter within ${this.timing.pushListenMs} ms`)
    }

    // ---- programming mode (read-only) --------------------------------------

    /** After a message from the meter: wait the reaction time, then send the next command. */
    private progAfterMeter(): void {
        this.phase = Phase.ProgSend
        this.waitingForMeter = false
        const fast = this.id !== null && this.id.fastReaction
        this.deadline = this.now + minReactionMs(fast) + this.timing.reactionMarginMs
        this.blockRetries = 0
    }

    private progRepeat(): void {
        if (this.blockRetries >= this.config.maxRetries) return this.fail("bcc", "the meter's answer stayed damaged after repeats")
        this.blockRetries++
        this.retries++
        this.progNext = "ack"
        this.progNak = true
        // the repeat answers the same question: wait for it in the same phase
        this.progAwait = this.phase === Phase.ProgOperand ? Phase.ProgOperand : Phase.ProgAnswer
        this.phase = Phase.ProgSend
        const fast = this.id !== null && this.id.fastReaction
        this.deadline = this.now + minReactionMs(fast) + this.timing.reactionMarginMs
    }

    private progNak = false
    private progAwait = Phase.ProgAnswer
    private registersRead = 0

    private sendProgNext(now: number): void {
        const prog = this.config.programming
        if (prog === null) return
        const gap = minReactionMs(this.id !== null && this.id.fastReaction)
        let msg: number[]
        let awaiting = Phase.ProgAnswer
        if (this.progNak || this.progNext === "ack") {
            msg = this.progNak ? [NAK] : [ACK]
            if (this.progNak) awaiting = this.progAwait
            this.progNak = false
        } else if (this.progNext === "password") {
            msg = password(prog.password as string)
        } else if (this.progNext === "read" && this.regIndex < prog.registers.length) {
            msg = readRegister(prog.command, prog.registers[this.regIndex])
            this.regText = ""
        } else {
            this.transmit(now, breakMessage(), gap)
            this.phase = Phase.Closing
            this.waitingForMeter = false
            this.deadline = this.txFreeAt
            return
        }
        this.transmit(now, msg, gap)
        // a partial block's continuation must find the framer where the last block left it
        if (msg.length > 1) this.framer.reset()
        this.phase = awaiting
        this.waitingForMeter = true
        this.deadline = this.txFreeAt + this.timing.responseMs
    }

    private progBlock(end: BlockEnd, ok: boolean): void {
        if (!ok) return this.progRepeat()
        const prog = this.config.programming as { registers: string[] }
        if (end === "eot") {
            this.regText += this.framer.blockText
            this.progNext = "ack"
            this.progAfterMeter()
            return
        }
        const text = this.regText + this.framer.blockText
        const reg = prog.registers[this.regIndex]
        this.regIndex++
        const parsed = parseOne(text)
        if (parsed === null || parsed.address === "") {
            const msg = parsed !== null && parsed.values.length > 0 ? parsed.values[0].text : text
            this.reportError("meter", `register ${reg}: the meter answered "${msg}"`)
        } else {
            this.dataSets++
            this.registersRead++
            this.emit({ type: "register", address: reg, dataSet: parsed })
        }
        this.progNext = "read"
        this.progAfterMeter()
    }

    // ---- plumbing -----------------------------------------------------------

    private inProgramming(): boolean {
        return this.phase === Phase.ProgOperand || this.phase === Phase.ProgSend || this.phase === Phase.ProgAnswer
    }

    isDone(): boolean {
        return this.phase === Phase.Done
    }

    private begin(now: number): void {
        this.now = now
        this.out = { send: [], uart: null, deadline: null, events: [] }
    }

    private finishCall(): Output {
        this.out.deadline = this.phase === Phase.Done ? null : this.deadline
        return this.out
    }

    private emit(e: SessionEvent): void {
        this.out.events.push(e)
    }

    private reportError(kind: ErrorKind, message: string): void {
        this.errors++
        this.lastError = coreError(kind, message)
        this.emit({ type: "error", error: this.lastError })
    }

    private fail(kind: ErrorKind, message: string): void {
        this.reportError(kind, message)
        this.finish(false)
    }

    private finish(ok: boolean): void {
        if (this.phase === Phase.Done) return
        this.phase = Phase.Done
        this.addBaudTime(this.now)
        const stats: SessionStats = {
            durationMs: this.now - this.startAt,
            lineMinimumMs: this.wireMs + this.meterMs + this.readerMinMs,
            msAtBaud: this.msAtBaud,
            mode: this.mode,
            baud: this.mode === "D" ? this.uart.baud : this.chosenBaud,
            retries: this.retries,
            errors: this.errors,
            charsReceived: this.charsReceived,
            dataSets: this.dataSets,
        }
        this.emit({ type: "finished", ok: ok, stats: stats })
    }

    private setUart(u: UartSettings): void {
        this.pendingUart = u
        this.out.uart = u
        if (this.txFreeAt <= this.now) this.applyDrainedUart(this.now)
    }

    private applyDrainedUart(now: number): void {
        if (this.pendingUart === null || now < this.txFreeAt) return
        const at = this.txFreeAt > this.atBaudSince ? this.txFreeAt : now
        this.addBaudTime(at)
        this.uart = this.pendingUart
        this.pendingUart = null
        this.badChars = 0
    }

    private addBaudTime(at: number): void {
        const k = "" + this.uart.baud
        const prev = this.msAtBaud[k]
        this.msAtBaud[k] = (prev === undefined ? 0 : prev) + (at - this.atBaudSince)
        this.atBaudSince = at
    }

    /** Queue characters; `minGap` is the reader's minimum reaction time before them (for the line minimum). */
    private transmit(now: number, chars: number[], minGap: number): void {
        const start = this.txFreeAt > now ? this.txFreeAt : now
        const gap = start - this.lineEnd
        if (gap > 0) this.readerMinMs += gap < minGap ? gap : minGap
        const dur = chars.length * charMs(this.uart.baud)
        this.wireMs += dur
        this.txFreeAt = start + dur
        this.lineEnd = this.txFreeAt
        for (let i = 0; i < chars.length; i++) this.out.send.push(chars[i])
        this.echo.sent(chars, this.txFreeAt, this.timing.rxLatencyMs + 15)
    }

    /** A clean character arrived ending at `end`: its wire time and, if we were waiting for the meter, the gap before it count as line minimum. */
    private account(end: number, c: number): void {
        const cm = charMs(this.uart.baud)
        const start = end - cm
        if (c > 0x7f) {
            if (end > this.lineEnd) this.lineEnd = end
            return
        }
        const gap = start - this.lineEnd
        if (gap > 0 && this.waitingForMeter) this.meterMs += gap
        // only the part of the character after everything already counted (and after the session start)
        const from = start > this.lineEnd ? start : this.lineEnd
        if (end > from) this.wireMs += end - from
        if (end > this.lineEnd) this.lineEnd = end
    }

    private updateDeadline(now: number): void {
        if (this.phase === Phase.Push) {
            if (this.rxInMessage) this.deadline = now + this.timing.interCharMs
            return
        }
        if (this.phase === Phase.Quiet) {
            this.deadline = now + this.timing.retryQuietMs
            return
        }
        if (this.phase === Phase.Ident || this.phase === Phase.Data || this.phase === Phase.ProgOperand || this.phase === Phase.ProgAnswer) {
            if (this.charsReceived > 0 && this.lastRxAt === now) {
                const d = now + this.timing.interCharMs
                // before the answer's first character the response timeout rules; after it, the inter-character one
                if (this.rxInMessage || this.deadline === null || d > this.deadline) this.deadline = d
            }
        }
    }
}

/** One data set from a programming-mode answer's text. */
function parseOne(text: string): DataSet | null {
    let found: DataSet | null = null
    const p = new DataSetParser({
        dataSet: (d: DataSet) => {
            if (found === null) found = d
        },
        error: (e: CoreError) => {},
    })
    for (let i = 0; i < text.length; i++) p.push(text.charCodeAt(i))
    p.end()
    return found
}
