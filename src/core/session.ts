// The session engine: one sign-on (or one push) from start to "finished", as a
// sans-I/O state machine. The driver feeds it received characters and the time;
// it answers with characters to send, UART settings, the next deadline and
// events. It never sleeps, never reads a clock and never throws on bad bytes.
import { ACK, NAK, NUL } from "./bytes"
import { DataSetParser } from "./datasets"
import { EchoFilter } from "./echo"
import { BlockEnd, Framer, FrameSink, fromByte, toBytes } from "./framer"
import { breakMessage, configSafe, digitForBaud, optionSelect, password, readRegister, request } from "./messages"
import { ReaderMemory } from "./memory"
import { ByteEngine, Output, SessionConfig, SessionEvent, SessionStats, UartSettings } from "./session-types"
import { STANDARD_BAUDS } from "./defaults"
import { LineMinimum } from "./line-minimum"
import { FrameShape } from "./frame-shape"
import { charMs, defaultTiming, MIN_WAKEUP_SILENCE_MS, minReactionMs, Timing } from "./timing"
import { coreError, CoreError, DataSet, ErrorKind, Identification, Mode } from "./types"

/** The standard baud one step below `baud` (300 at the bottom). */
function below(baud: number): number {
    let lower = 300
    for (let i = 0; i < STANDARD_BAUDS.length; i++) if (STANDARD_BAUDS[i] < baud) lower = STANDARD_BAUDS[i]
    return lower
}

/**
 * The session's states, one at a time. Each says what the engine waits for and
 * what its one armed timer does when it fires (tick); characters from the meter
 * go to the framer, whose findings (identification, data set, block end,
 * command, control character, error) are answered per state below.
 *
 *   Begin          timer SignOn: the wake-up NULs (-> WakeupSilence) or the request (-> Ident)
 *   WakeupSilence  timer WakeupSilence: the request (-> Ident)
 *   Ident          identification -> AckDelay (modes C, E) or Data (A, B);
 *                  timer Response/InterChar: a wake-up retry or fail
 *   AckDelay       timer Reaction: the option select (-> Data, or ProgOperand in programming)
 *   Data           block end -> finished, or Quiet when unreadable after a baud switch;
 *                  timer Response/InterChar: Quiet (lower baud) or fail
 *   Quiet          timer RetryQuiet once the line is quiet: back to Begin at 300 Bd
 *   Push           block end -> finished (a damaged one: keep listening);
 *                  timer PushListen/InterChar: fail; HuntListen: next hunt candidate
 *   ProgOperand    P0 -> ProgSend; timer Response/InterChar: fail
 *   ProgSend       timer Reaction: our next command (-> ProgAnswer/ProgOperand) or B0 (-> Closing)
 *   ProgAnswer     answer block -> ProgSend; ACK/NAK to the password -> ProgSend; timer: fail
 *   Closing        timer TxDrain: finished once B0 has left the line
 *   Done           nothing more: every call returns an empty Output
 */
const enum Phase {
    Begin,
    WakeupSilence,
    Ident,
    AckDelay,
    Data,
    Quiet,
    Push,
    ProgOperand,
    ProgSend,
    ProgAnswer,
    Closing,
    Done,
}

/** The phases in which the meter owes us characters (one bit per phase): a gap there is the meter's reaction time. */
const AWAITS_METER = (1 << Phase.Ident) | (1 << Phase.Data) | (1 << Phase.Push) | (1 << Phase.ProgOperand) | (1 << Phase.ProgAnswer)

/** What the one armed deadline means. */
const enum Timer {
    None,
    /** start of a sign-on: send now */
    SignOn,
    /** the silence the standard asks for after the wake-up NULs */
    WakeupSilence,
    /** tt: the first character of the meter's answer */
    Response,
    /** ta: the next character inside a message */
    InterChar,
    /** our minimum reaction time before we answer the meter */
    Reaction,
    /** the line must be quiet before we sign on again */
    RetryQuiet,
    /** a push frame at known settings */
    PushListen,
    /** a push frame at the current hunt candidate */
    HuntListen,
    /** our last message has left the line */
    TxDrain,
}

/** Steps of a programming-mode read, in the order they normally come. */
const enum ProgStep {
    Password,
    Read,
    Ack,
    Break,
}

/**
 * Push meters with unknown settings: the (baud, format) candidates in the order tried. The
 * settings real push meters use come first (mode D 2400 7E1, DSMR 2.2/3 9600 7E1, DSMR 4/5
 * 115200 8N1): a meter that pushes every 10 s lets each telegram rule out about one candidate,
 * so a rare setting tried early costs a telegram or two.
 */
const HUNT = "2400/7E1 9600/7E1 115200/8N1 2400/8N1 9600/8N1 115200/7E1 300/7E1 300/8N1 4800/7E1 4800/8N1 19200/7E1 19200/8N1"
const HUNT_CANDIDATES = 12
/** Characters with errors and no identification before the hunt moves to the next candidate. */
const HUNT_BAD_CHARS = 24
/**
 * After a hunt switch, characters with errors do not count for this long: what the UART read
 * at the previous candidate still arrives (a 64-character report at 115200 Bd), and counting it
 * against the new candidate skipped DSMR's 115200 8N1 before it could be heard.
 */
const HUNT_SETTLE_MS = 100
/** Clean characters that make a hunt candidate the answer even before an identification. */
const HUNT_CLEAN_CHARS = 8
/** The whole hunt gives up after this long (a meter pushing every 10 s tests one candidate a telegram). */
const HUNT_MAX_MS = 60000
/** Characters with errors after a baud switch, outside any block, before the data counts as unreadable. */
const GARBLED_CHARS = 4
/** Longest identification answer we wait for (leading garbage included): a line that never rests must not hold the Ident phase open forever. */
const IDENT_MAX_CHARS = 64

/** What a programming-mode read has done so far (only used in the Prog* phases). */
class Programming {
    next = ProgStep.Read
    /** index of the register being read */
    register = 0
    /** the register's answer so far (partial blocks ended by EOT) */
    text = ""
    /** NAKs sent for the current answer */
    blockRetries = 0
    /** our next message is a NAK (a damaged answer), answered in `awaiting` */
    nak = false
    awaiting = Phase.ProgAnswer
    registersRead = 0
}

export class Session implements ByteEngine, FrameSink {
    private timing: Timing
    private framer: Framer
    private echo = new EchoFilter()
    private phase = Phase.Begin
    private timer = Timer.None
    private deadline: number | null = null
    private now = 0
    private out: Output = { send: [], uart: null, deadline: null, events: [] }
    private startAt = 0
    private line = new LineMinimum(0)
    // the UART: settings in force, and those that take effect once our characters have left the line
    private uart: UartSettings = { baud: 300, format: "7E1" }
    private pendingUart: UartSettings | null = null
    private txFreeAt = 0
    // what came from the meter
    private lastRxAt = 0
    private rxInMessage = false
    private charsReceived = 0
    /** characters with errors since the last UART change */
    private badChars = 0
    private id: Identification | null = null
    private mode: Mode | null = null
    private chosenBaud = 300
    private wokeUp = false
    /** the Ident phase ends by then, however many characters keep arriving */
    private identUntil = 0
    /** the push hunt's position while it runs: candidate i of HUNT; -1 = no hunt */
    private hunt = -1
    /** the push hunt's last switch + HUNT_SETTLE_MS: bad characters before it belong to the previous candidate */
    private huntSettleUntil = 0
    /** characters without an error (0x7F is an 8N1 framing error's mark) at the current hunt candidate */
    private cleanChars = 0
    private huntGiveUpAt = 0
    /** the current push frame's shape (frames without a check character are confirmed by it) */
    private shape = new FrameShape()
    private prog = new Programming()
    // for the finished event
    private retries = 0
    private errors = 0
    private lastError: CoreError | null = null
    private dataSets = 0
    /** the reader fell behind the line in this session (reported once) */
    private behind = false

    constructor(public config: SessionConfig, public memory: ReaderMemory, timing?: Timing) {
        this.timing = timing ? timing : defaultTiming()
        this.framer = new Framer(this)
    }

    // ---- Engine -------------------------------------------------------------

    start(now: number): Output {
        this.begin(now)
        this.startAt = now
        this.line = new LineMinimum(now)
        this.txFreeAt = now
        if (!configSafe(this.config)) this.fail("config", "a setting holds a control or non-ASCII character, or a command other than R1/R5: nothing sent")
        else if (this.config.push !== null) {
            this.phase = Phase.Push
            const known = this.config.push.uart !== null ? this.config.push.uart : this.memory.pushUart
            if (known !== null) this.setUart(known)
            else this.nextHuntCandidate(now)
            if (this.hunt >= 0) this.arm(Timer.HuntListen, now + this.timing.huntListenMs)
            else this.arm(Timer.PushListen, now + this.timing.pushListenMs)
        } else {
            this.setUart({ baud: 300, format: "7E1" })
            this.phase = Phase.Begin
            this.arm(Timer.SignOn, now)
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
            this.consumeBytes(now, toBytes(passed))
        }
        if (this.phase === Phase.Data && this.chosenBaud > 300 && this.badChars >= GARBLED_CHARS && !this.rxInMessage && this.framer.inMessage() === false) {
            // characters with errors at the new baud and no block in sight: the switch did not work
            this.unreadable("parity", `${this.badChars} characters with errors at ${this.chosenBaud} Bd and no data block`)
        }
        if (this.phase === Phase.Push && this.hunt >= 0 && this.badChars >= HUNT_BAD_CHARS) {
            this.nextHuntCandidate(now)
            this.arm(Timer.HuntListen, now + this.timing.huntListenMs)
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
            this.consumeBytes(now, toBytes(passed))
            this.rxInMessage = this.framer.inMessage()
            this.updateDeadline(now)
        }
        if ((this.phase as Phase) === Phase.Done || this.deadline === null || now < this.deadline) return this.finishCall()
        this.applyDrainedUart(now)
        switch (this.timer) {
            case Timer.SignOn:
                if ((this.config.wakeup === "always" || (this.config.wakeup === "auto" && this.memory.needsWakeup)) && !this.wokeUp) this.sendWakeup(now)
                else this.sendRequest(now)
                break
            case Timer.WakeupSilence:
                this.sendRequest(now)
                break
            case Timer.Reaction:
                if (this.phase === Phase.AckDelay) {
                    // the option select, then the data (or the programming mode's P0) at the chosen baud
                    const prog = this.config.programming !== null
                    this.transmit(now, optionSelect("0", digitForBaud(this.chosenBaud), prog ? "1" : "0"), minReactionMs((this.id as Identification).fastReaction))
                    if (this.chosenBaud !== 300) this.setUart({ baud: this.chosenBaud, format: "7E1" })
                    this.framer.reset()
                    this.phase = prog ? Phase.ProgOperand : Phase.Data
                    this.arm(Timer.Response, this.txFreeAt + this.timing.responseMs)
                } else this.sendProgNext(now)
                break
            case Timer.RetryQuiet:
                if (now >= this.lastRxAt + this.timing.retryQuietMs) {
                    // back to the start at 300 Bd
                    this.framer.reset()
                    this.id = null
                    this.setUart({ baud: 300, format: "7E1" })
                    this.phase = Phase.Begin
                    this.arm(Timer.SignOn, now)
                    this.wokeUp = false
                } else this.arm(Timer.RetryQuiet, this.lastRxAt + this.timing.retryQuietMs)
                break
            case Timer.TxDrain:
                this.finish(this.prog.registersRead > 0)
                break
            default:
                if (this.phase !== Phase.Push) this.timeout(now)
                else if (this.hunt >= 0 && this.badChars === 0 && this.cleanChars >= HUNT_CLEAN_CHARS) {
                    // Clean characters and no error: these are the meter's settings, and the window
                    // opened in the middle of a telegram. A meter that pushes every 10 s (DSMR 2.2/4)
                    // would pass every candidate's window in silence; wait for its next telegram.
                    this.hunt = -1
                    this.arm(Timer.PushListen, now + this.timing.pushListenMs)
                } else if (this.hunt >= 0 && this.badChars === 0 && this.cleanChars === 0 && now < this.huntGiveUpAt) {
                    // Silence says nothing about this candidate: the meter has not pushed yet. Keep
                    // listening, so that each telegram tests a candidate.
                    this.arm(Timer.HuntListen, now + this.timing.huntListenMs)
                } else if (this.hunt >= 0) {
                    this.nextHuntCandidate(now)
                    if ((this.phase as Phase) !== Phase.Done) this.arm(Timer.HuntListen, now + this.timing.huntListenMs)
                } else if (this.rxInMessage) this.fail("timeout", "the push frame stopped in the middle")
                else this.fail("timeout", `no push from the meter within ${this.timing.pushListenMs} ms`)
        }
        return this.finishCall()
    }

    /** Characters that are not echo (fromByte each) go to the framer, with their line time accounted; runs the framer takes at once are accounted at once. */
    private consumeBytes(now: number, buf: Buffer): void {
        const n = buf.length
        let i = 0
        while (i < n && this.phase !== Phase.Done) {
            const j = this.framer.runEnd(buf, i, n)
            const c = fromByte(buf[i])
            // the baud can change inside the chunk (a mode B identification switches at once)
            const cm = charMs(this.uart.baud)
            this.charsReceived++
            this.line.received(now - (n - 1 - i) * cm, cm, c <= 0x7f, ((AWAITS_METER >> this.phase) & 1) === 1)
            this.lastRxAt = now
            if (j === i + 1) {
                // the character's part in the baud and hunt decisions (what arrives right after a hunt switch belongs to the previous candidate)
                if (now >= this.huntSettleUntil) {
                    if (c > 0x7f) this.badChars++
                    else if (c < 0x7f) this.cleanChars++
                }
                this.framer.push(c)
            } else {
                if (now >= this.huntSettleUntil) this.cleanChars += j - i
                // intact characters back to back after the first: together they add their span beyond what is already counted
                this.charsReceived += j - i - 1
                this.line.receivedRun(now - (n - j) * cm)
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
            if (this.hunt >= 0 || this.memory.pushUart === null) this.memory.pushUart = { baud: this.uart.baud, format: this.uart.format }
            this.hunt = -1
            this.shape.reset()
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
            this.arm(Timer.Response, this.now + this.timing.responseMs)
        } else {
            // the baud to switch to: the highest standard one the meter offers, below our caps
            const offered = id.baud
            let cap = this.config.maxBaud
            if (this.memory.baudCap > 0 && this.memory.baudCap < cap) cap = this.memory.baudCap
            let baud = 300
            if (this.config.forceBaud !== null && this.config.forceBaud <= offered) baud = this.config.forceBaud
            else for (let i = STANDARD_BAUDS.length - 1; i >= 0; i--) if (STANDARD_BAUDS[i] <= offered && STANDARD_BAUDS[i] <= cap) {
                baud = STANDARD_BAUDS[i]
                break
            }
            this.chosenBaud = baud
            this.phase = Phase.AckDelay
            this.armReaction()
        }
    }

    dataSet(d: DataSet): void {
        if (this.phase === Phase.Data || this.phase === Phase.Push) {
            this.dataSets++
            if (this.phase === Phase.Push) this.shape.add(d)
            this.emit({ type: "dataSet", dataSet: d })
        }
    }

    blockEnd(end: BlockEnd, ok: boolean): void {
        if (this.phase === Phase.ProgAnswer) {
            // a programming-mode answer: one register's data set
            if (!ok) return this.progRepeat()
            const prog = this.prog
            const registers = (this.config.programming as { registers: string[] }).registers
            if (end === "eot") {
                prog.text += this.framer.blockText
                prog.next = ProgStep.Ack
                this.progAfterMeter()
                return
            }
            const text = prog.text + this.framer.blockText
            const reg = registers[prog.register]
            prog.register++
            // the register's answer: the first data set of its text
            let parsed = null as DataSet | null
            const dp = new DataSetParser({
                dataSet: (d: DataSet) => {
                    if (parsed === null) parsed = d
                },
                error: (e: CoreError) => {},
            })
            for (let i = 0; i < text.length; i++) dp.push(text.charCodeAt(i))
            dp.end()
            if (parsed === null || parsed.address === "") {
                const msg = parsed !== null && parsed.values.length > 0 ? parsed.values[0].text : text
                this.reportError("meter", `register ${reg}: the meter answered "${msg}"`)
            } else {
                this.dataSets++
                prog.registersRead++
                this.emit({ type: "register", address: reg, dataSet: parsed })
            }
            prog.next = ProgStep.Read
            this.progAfterMeter()
            return
        }
        if (this.phase !== Phase.Data && this.phase !== Phase.Push) return
        let taken = ok
        if (ok && end === "bare") {
            // a bare push frame is taken when its shape equals the last bare frame's (frame-shape.ts);
            // the first one after a start is held back silently; one that differs is reported, and its
            // data sets are discarded when the next frame's identification arrives
            const shape = this.shape.value()
            const before = this.memory.frameShape
            this.memory.frameShape = shape
            taken = before === shape
            if (!taken && before !== 0) this.reportError("unconfirmed", "a push frame without a check character differs from the one before it (a character lost or doubled?); nothing from it is published")
        }
        if (taken || !ok) this.emit({ type: "readout", ok: ok })
        if (taken) this.finish(true)
        else if (this.phase === Phase.Push) {
            // the next push may be clean (or confirm this one): a full push window for it
            this.arm(Timer.PushListen, this.now + this.timing.pushListenMs)
        } else this.unreadable(null, "")
    }

    command(c: string, d: string, data: string | null, ok: boolean): void {
        if (this.phase === Phase.ProgOperand && c === "P" && d === "0") {
            if (!ok) return this.progRepeat()
            this.prog.next = this.config.programming !== null && this.config.programming.password !== null ? ProgStep.Password : ProgStep.Read
            this.progAfterMeter()
        } else if (c === "B" && d === "0" && this.phase !== Phase.Done) {
            this.fail("meter", "the meter ended the session (B0)")
        }
    }

    control(c: number): void {
        if (this.phase !== Phase.ProgAnswer || this.prog.next !== ProgStep.Password) return
        if (c === ACK) {
            this.prog.next = ProgStep.Read
            this.progAfterMeter()
        } else if (c === NAK) {
            this.prog.next = ProgStep.Break
            this.reportError("meter", "the meter rejected the password (P1 answered with NAK)")
            this.progAfterMeter()
        }
    }

    error(e: CoreError): void {
        if (this.phase === Phase.Done) return
        // in the hunt, errors are expected at every wrong candidate
        if (this.phase === Phase.Push && this.hunt >= 0) return
        // programming answers are parsed by progBlock from the re-assembled text, which reports its own problems
        if ((e.kind === "syntax" || e.kind === "overlength") && this.phase >= Phase.ProgOperand && this.phase <= Phase.ProgAnswer) return
        // the lines of a block with a gap are garbled by the gap: the overrun said why, and an error per line
        // would only slow a reader that is already behind
        if (this.behind && this.framer.damaged && (e.kind === "syntax" || e.kind === "overlength")) return
        this.reportError(e.kind, e.message)
    }

    // ---- sign-on ------------------------------------------------------------

    private sendWakeup(now: number): void {
        this.wokeUp = true
        const n = Math.ceil(this.timing.wakeupMs / charMs(300))
        const nuls: number[] = []
        for (let i = 0; i < n; i++) nuls.push(NUL)
        this.transmit(now, nuls, 0)
        this.phase = Phase.WakeupSilence
        this.arm(Timer.WakeupSilence, this.txFreeAt + this.timing.wakeupSilenceMs)
    }

    private sendRequest(now: number): void {
        const minGap = this.phase === Phase.WakeupSilence ? MIN_WAKEUP_SILENCE_MS : 0
        this.framer.reset()
        this.transmit(now, request(this.config.requestChar, this.config.address), minGap)
        this.phase = Phase.Ident
        this.arm(Timer.Response, this.txFreeAt + this.timing.responseMs)
        this.identUntil = this.txFreeAt + this.timing.responseMs + IDENT_MAX_CHARS * charMs(300) + this.timing.interCharMs
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
            // one step down the first time, straight to 300 after that; one step at a time while the
            // reader falls behind (the line was good, the reader slow: the highest rate it keeps up with)
            let lower = 300
            if (this.memory.fallbackFrom <= 0 || this.behind) {
                if (this.memory.fallbackFrom <= 0) this.memory.fallbackFrom = this.chosenBaud
                lower = below(this.chosenBaud)
            }
            this.memory.baudCap = lower
            this.phase = Phase.Quiet
            const quietAt = this.lastRxAt + this.timing.retryQuietMs
            this.arm(Timer.RetryQuiet, quietAt < this.now ? this.now : quietAt)
            return
        }
        if (kind !== null) this.fail(kind, why)
        else this.finish(false)
    }

    /** The reader did not keep up with the line: said once per session, and the next sign-ons stay below this baud. */
    private fellBehind(waitedMs: number, lost: number): void {
        const baud = this.uart.baud
        const lower = below(baud)
        if (baud > 300 && (this.memory.baudCap === 0 || lower < this.memory.baudCap)) this.memory.baudCap = lower
        // characters lost inside a message: it must not be taken, even if its BCC happens to match
        if (lost > 0) this.framer.damaged = true
        if (this.behind) return
        this.behind = true
        this.reportError("overrun", `the reader fell behind the line at ${baud} Bd: ${lost} characters lost, waited ${waitedMs} ms`)
    }

    // ---- push meters -------------------------------------------------------

    private nextHuntCandidate(now: number): void {
        if (this.hunt < 0) this.huntGiveUpAt = now + HUNT_MAX_MS
        this.huntSettleUntil = now + HUNT_SETTLE_MS
        this.cleanChars = 0
        this.hunt++
        if (this.hunt >= HUNT_CANDIDATES) {
            this.hunt = -1
            this.fail("timeout", "no push found at any of 2400, 9600, 115200, 300, 4800, 19200 Bd in 7E1 or 8N1")
            return
        }
        this.badChars = 0
        this.framer.reset()
        const cand = HUNT.split(" ")[this.hunt]
        const slash = cand.indexOf("/")
        this.setUart({ baud: parseInt(cand.slice(0, slash)), format: cand.slice(slash + 1, cand.length) === "8N1" ? "8N1" : "7E1" })
    }


    // ---- programming mode (read-only) --------------------------------------

    /** After a message from the meter: wait the reaction time, then send the next command. */
    private progAfterMeter(): void {
        this.phase = Phase.ProgSend
        this.armReaction()
        this.prog.blockRetries = 0
    }

    /** A damaged answer: NAK it (bounded), and wait for the repeat in the phase that awaited it. */
    private progRepeat(): void {
        if (this.prog.blockRetries >= this.config.maxRetries) return this.fail("bcc", "the meter's answer stayed damaged after repeats")
        this.prog.blockRetries++
        this.retries++
        this.prog.next = ProgStep.Ack
        this.prog.nak = true
        this.prog.awaiting = this.phase === Phase.ProgOperand ? Phase.ProgOperand : Phase.ProgAnswer
        this.phase = Phase.ProgSend
        this.armReaction()
    }

    private armReaction(): void {
        const fast = this.id !== null && this.id.fastReaction
        this.arm(Timer.Reaction, this.now + minReactionMs(fast) + this.timing.reactionMarginMs)
    }

    private sendProgNext(now: number): void {
        const cfg = this.config.programming
        if (cfg === null) return
        const prog = this.prog
        const gap = minReactionMs(this.id !== null && this.id.fastReaction)
        let msg: number[]
        let awaiting = Phase.ProgAnswer
        if (prog.nak || prog.next === ProgStep.Ack) {
            msg = prog.nak ? [NAK] : [ACK]
            if (prog.nak) awaiting = prog.awaiting
            prog.nak = false
        } else if (prog.next === ProgStep.Password) {
            msg = password(cfg.password as string)
        } else if (prog.next === ProgStep.Read && prog.register < cfg.registers.length) {
            msg = readRegister(cfg.command, cfg.registers[prog.register])
            prog.text = ""
        } else {
            this.transmit(now, breakMessage(), gap)
            this.phase = Phase.Closing
            this.arm(Timer.TxDrain, this.txFreeAt)
            return
        }
        this.transmit(now, msg, gap)
        // a partial block's continuation must find the framer where the last block left it
        if (msg.length > 1) this.framer.reset()
        this.phase = awaiting
        this.arm(Timer.Response, this.txFreeAt + this.timing.responseMs)
    }


    // ---- plumbing -----------------------------------------------------------

    private arm(timer: Timer, at: number): void {
        this.timer = timer
        this.deadline = at
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
        this.timer = Timer.None
        const stats: SessionStats = {
            durationMs: this.now - this.startAt,
            lineMinimumMs: this.line.close(this.now),
            msAtBaud: this.line.msAtBaud,
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
        this.line.baudChanged(this.txFreeAt, now, this.pendingUart.baud)
        this.uart = this.pendingUart
        this.pendingUart = null
        this.badChars = 0
    }

    /** Queue characters; `minGap` is the reader's minimum reaction time before them (for the line minimum). */
    private transmit(now: number, chars: number[], minGap: number): void {
        const start = this.txFreeAt > now ? this.txFreeAt : now
        const dur = chars.length * charMs(this.uart.baud)
        this.line.sent(start, dur, minGap)
        this.txFreeAt = start + dur
        for (let i = 0; i < chars.length; i++) this.out.send.push(chars[i])
        this.echo.sent(chars, this.txFreeAt, this.timing.rxLatencyMs + 15)
    }

    private updateDeadline(now: number): void {
        if (this.phase === Phase.Push) {
            if (this.rxInMessage) this.arm(Timer.InterChar, now + this.timing.interCharMs)
            return
        }
        if (this.phase === Phase.Quiet) {
            this.arm(Timer.RetryQuiet, now + this.timing.retryQuietMs)
            return
        }
        if (((AWAITS_METER >> this.phase) & 1) === 1) {
            if (this.charsReceived > 0 && this.lastRxAt === now) {
                let d = now + this.timing.interCharMs
                if (this.phase === Phase.Ident && d > this.identUntil) d = this.identUntil
                // before the answer's first character the response timeout rules; after it, the inter-character one
                if (this.rxInMessage || this.deadline === null || d > this.deadline) this.arm(Timer.InterChar, d)
            }
        }
    }
}

