// The session engine: one sign-on (or one push) from start to "finished", as a
// sans-I/O state machine. The driver feeds it received characters and the time;
// it answers with characters to send, UART settings, the next deadline and
// events. It never sleeps, never reads a clock and never throws on bad bytes.
import { ACK, NAK, NUL } from "./bytes";
import { DataSetParser } from "./datasets";
import { EchoFilter } from "./echo";
import { Framer } from "./framer";
import { breakMessage, digitForBaud, optionSelect, password, readRegister, request } from "./messages";
import { charMs, defaultTiming, MIN_WAKEUP_SILENCE_MS, minReactionMs } from "./timing";
import { coreError, RX_PARITY_ERROR } from "./types";
var Phase;
(function (Phase) {
    Phase[Phase["Begin"] = 0] = "Begin";
    Phase[Phase["WakeupSilence"] = 1] = "WakeupSilence";
    Phase[Phase["Ident"] = 2] = "Ident";
    Phase[Phase["AckDelay"] = 3] = "AckDelay";
    Phase[Phase["Data"] = 4] = "Data";
    Phase[Phase["Quiet"] = 5] = "Quiet";
    Phase[Phase["Push"] = 6] = "Push";
    Phase[Phase["ProgOperand"] = 7] = "ProgOperand";
    Phase[Phase["ProgSend"] = 8] = "ProgSend";
    Phase[Phase["ProgAnswer"] = 9] = "ProgAnswer";
    Phase[Phase["Closing"] = 10] = "Closing";
    Phase[Phase["Done"] = 11] = "Done";
})(Phase || (Phase = {}));
/** Standard bauds, highest first: the fallback steps down this list. */
const BAUDS = [19200, 9600, 4800, 2400, 1200, 600, 300];
/** Push meters with unknown settings: baud order to try, each at 7E1 then 8N1. */
const HUNT_BAUDS = [2400, 9600, 300, 4800, 19200];
/** Characters with errors and no identification before the hunt moves to the next candidate. */
const HUNT_BAD_CHARS = 24;
/** Characters with errors after a baud switch, outside any block, before the data counts as unreadable. */
const GARBLED_CHARS = 4;
export function defaultSessionConfig() {
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
    };
}
export class Session {
    config;
    memory;
    timing;
    framer;
    echo = new EchoFilter();
    phase = Phase.Begin;
    out = { send: [], uart: null, deadline: null, events: [] };
    uart = { baud: 300, format: "7E1" };
    /** settings the driver has been told to apply when the TX drains */
    pendingUart = null;
    txFreeAt = 0;
    startAt = 0;
    deadline = null;
    lastRxAt = 0;
    rxInMessage = false;
    waitingForMeter = false;
    id = null;
    mode = null;
    chosenBaud = 300;
    wokeUp = false;
    retries = 0;
    errors = 0;
    lastError = null;
    dataSets = 0;
    charsReceived = 0;
    badChars = 0;
    huntIndex = -1;
    regIndex = 0;
    regText = "";
    progNext = "read";
    blockRetries = 0;
    // line-minimum accounting
    wireMs = 0;
    meterMs = 0;
    readerMinMs = 0;
    lineEnd = 0;
    atBaudSince = 0;
    msAtBaud = {};
    now = 0;
    constructor(config, memory, timing) {
        this.config = config;
        this.memory = memory;
        this.timing = timing ? timing : defaultTiming();
        this.framer = new Framer(this);
    }
    // ---- Engine -------------------------------------------------------------
    start(now) {
        this.begin(now);
        this.startAt = now;
        this.lineEnd = now;
        this.atBaudSince = now;
        this.txFreeAt = now;
        if (this.config.push !== null) {
            this.phase = Phase.Push;
            const known = this.config.push.uart !== null ? this.config.push.uart : this.memory.pushUart;
            if (known !== null)
                this.setUart(known);
            else
                this.nextHuntCandidate();
            this.waitingForMeter = true;
            this.deadline = now + (this.huntIndex >= 0 ? this.timing.huntListenMs : this.timing.pushListenMs);
        }
        else {
            this.setUart({ baud: 300, format: "7E1" });
            this.phase = Phase.Begin;
            this.deadline = now;
        }
        return this.finishCall();
    }
    receive(now, chars) {
        this.begin(now);
        if (this.phase === Phase.Done)
            return this.finishCall();
        this.applyDrainedUart(now);
        const passed = [];
        for (let i = 0; i < chars.length; i++) {
            let c = chars[i];
            if (this.uart.format === "8N1" && c >= 0x80 && c < 0x100)
                c = (c & 0x7f) | RX_PARITY_ERROR;
            this.echo.filter(now, c, passed);
        }
        this.consume(now, passed);
        if (this.phase === Phase.Data && this.chosenBaud > 300 && this.badChars >= GARBLED_CHARS && !this.rxInMessage && this.framer.inMessage() === false) {
            // characters with errors at the new baud and no block in sight: the switch did not work
            this.unreadable("parity", `${this.badChars} characters with errors at ${this.chosenBaud} Bd and no data block`);
        }
        if (this.phase === Phase.Push && this.huntIndex >= 0 && this.badChars >= HUNT_BAD_CHARS) {
            this.nextHuntCandidate();
            this.deadline = now + this.timing.huntListenMs;
        }
        this.rxInMessage = this.framer.inMessage();
        this.updateDeadline(now);
        return this.finishCall();
    }
    tick(now) {
        this.begin(now);
        if (this.phase === Phase.Done)
            return this.finishCall();
        // a character held back by the echo filter that turned out to be the meter's
        const passed = [];
        this.echo.expire(now, passed);
        if (passed.length > 0) {
            this.applyDrainedUart(now);
            this.consume(now, passed);
            this.rxInMessage = this.framer.inMessage();
            this.updateDeadline(now);
        }
        if (this.isDone() || this.deadline === null || now < this.deadline)
            return this.finishCall();
        this.applyDrainedUart(now);
        switch (this.phase) {
            case Phase.Begin:
                this.signOn(now);
                break;
            case Phase.WakeupSilence:
                this.sendRequest(now);
                break;
            case Phase.AckDelay:
                this.sendOptionSelect(now);
                break;
            case Phase.ProgSend:
                this.sendProgNext(now);
                break;
            case Phase.Quiet:
                if (now >= this.lastRxAt + this.timing.retryQuietMs)
                    this.restartAtLowerBaud(now);
                else
                    this.deadline = this.lastRxAt + this.timing.retryQuietMs;
                break;
            case Phase.Push:
                this.pushTimeout(now);
                break;
            case Phase.Closing:
                this.finish(this.registersRead > 0);
                break;
            default:
                this.timeout(now);
        }
        return this.finishCall();
    }
    /** Characters that are not echo go to the framer, with their line time accounted. */
    consume(now, chars) {
        for (let i = 0; i < chars.length && !this.isDone(); i++) {
            const c = chars[i];
            this.charsReceived++;
            this.account(now - (chars.length - 1 - i) * charMs(this.uart.baud), c);
            this.lastRxAt = now;
            if (c > 0x7f)
                this.badChars++;
            this.framer.push(c);
        }
    }
    // ---- FrameSink ----------------------------------------------------------
    identification(id) {
        if (this.phase === Phase.Push) {
            this.id = id;
            this.mode = "D";
            if (this.huntIndex >= 0 || this.memory.pushUart === null)
                this.memory.pushUart = { baud: this.uart.baud, format: this.uart.format };
            this.huntIndex = -1;
            this.emit({ type: "identification", identification: id });
            return;
        }
        if (this.phase !== Phase.Ident)
            return; // a stray identification: not an answer to anything we asked
        this.id = id;
        if (this.wokeUp)
            this.memory.needsWakeup = true;
        this.emit({ type: "identification", identification: id });
        let mode = this.config.forceMode !== null ? this.config.forceMode : id.mode;
        this.mode = mode;
        if (mode === "D")
            mode = "A";
        if (mode === "E" && this.config.programming === null)
            mode = "C"; // \2: plain readout with V = 0
        if (mode === "A" || mode === "B") {
            // no option select: mode A stays at 300, mode B switches to the letter's baud right away
            this.chosenBaud = mode === "B" ? id.baud : 300;
            if (mode === "B")
                this.setUart({ baud: id.baud, format: "7E1" });
            this.phase = Phase.Data;
            this.waitingForMeter = true;
            this.deadline = this.now + this.timing.responseMs;
        }
        else {
            this.chosenBaud = this.pickBaud(id.baud);
            this.phase = Phase.AckDelay;
            this.waitingForMeter = false;
            this.deadline = this.now + minReactionMs(id.fastReaction) + this.timing.reactionMarginMs;
        }
    }
    dataSet(d) {
        if (this.phase === Phase.Data || this.phase === Phase.Push) {
            this.dataSets++;
            this.emit({ type: "dataSet", dataSet: d });
        }
    }
    blockEnd(end, ok) {
        if (this.phase === Phase.ProgAnswer) {
            this.progBlock(end, ok);
            return;
        }
        if (this.phase !== Phase.Data && this.phase !== Phase.Push)
            return;
        this.emit({ type: "readout", ok: ok });
        if (ok) {
            if (this.chosenBaud > 300 && this.phase === Phase.Data)
                this.memory.goodBaud = this.chosenBaud;
            this.finish(true);
        }
        else if (this.phase === Phase.Push) {
            // the next push may be clean: keep listening until the push deadline
        }
        else
            this.unreadable(null, "");
    }
    command(c, d, data, ok) {
        if (this.phase === Phase.ProgOperand && c === "P" && d === "0") {
            if (!ok)
                return this.progRepeat();
            this.progNext = this.config.programming !== null && this.config.programming.password !== null ? "password" : "read";
            this.progAfterMeter();
        }
        else if (c === "B" && d === "0" && this.phase !== Phase.Done) {
            this.fail("meter", "the meter ended the session (B0)");
        }
    }
    control(c) {
        if (this.phase !== Phase.ProgAnswer || this.progNext !== "password")
            return;
        if (c === ACK) {
            this.progNext = "read";
            this.progAfterMeter();
        }
        else if (c === NAK) {
            this.progNext = "break";
            this.reportError("meter", "the meter rejected the password (P1 answered with NAK)");
            this.progAfterMeter();
        }
    }
    error(e) {
        if (this.phase === Phase.Done)
            return;
        // in the hunt, errors are expected at every wrong candidate
        if (this.phase === Phase.Push && this.huntIndex >= 0)
            return;
        // programming answers are parsed by progBlock from the re-assembled text, which reports its own problems
        if ((e.kind === "syntax" || e.kind === "overlength") && this.inProgramming())
            return;
        this.reportError(e.kind, e.message);
    }
    // ---- sign-on ------------------------------------------------------------
    signOn(now) {
        const wake = this.config.wakeup === "always" || (this.config.wakeup === "auto" && this.memory.needsWakeup);
        if (wake && !this.wokeUp)
            this.sendWakeup(now);
        else
            this.sendRequest(now);
    }
    sendWakeup(now) {
        this.wokeUp = true;
        const n = Math.ceil(this.timing.wakeupMs / charMs(300));
        const nuls = [];
        for (let i = 0; i < n; i++)
            nuls.push(NUL);
        this.transmit(now, nuls, 0);
        this.phase = Phase.WakeupSilence;
        this.waitingForMeter = false;
        this.deadline = this.txFreeAt + this.timing.wakeupSilenceMs;
    }
    sendRequest(now) {
        const minGap = this.phase === Phase.WakeupSilence ? MIN_WAKEUP_SILENCE_MS : 0;
        this.framer.reset();
        this.transmit(now, request(this.config.requestChar, this.config.address), minGap);
        this.phase = Phase.Ident;
        this.waitingForMeter = true;
        this.deadline = this.txFreeAt + this.timing.responseMs;
    }
    pickBaud(offered) {
        let cap = this.config.maxBaud;
        if (this.memory.baudCap > 0 && this.memory.baudCap < cap)
            cap = this.memory.baudCap;
        if (this.config.forceBaud !== null && this.config.forceBaud <= offered)
            return this.config.forceBaud;
        for (let i = 0; i < BAUDS.length; i++)
            if (BAUDS[i] <= offered && BAUDS[i] <= cap)
                return BAUDS[i];
        return 300;
    }
    sendOptionSelect(now) {
        const id = this.id;
        const prog = this.config.programming !== null;
        const z = digitForBaud(this.chosenBaud);
        this.transmit(now, optionSelect("0", z, prog ? "1" : "0"), minReactionMs(id.fastReaction));
        if (this.chosenBaud !== 300)
            this.setUart({ baud: this.chosenBaud, format: "7E1" });
        this.framer.reset();
        this.phase = prog ? Phase.ProgOperand : Phase.Data;
        this.waitingForMeter = true;
        this.deadline = this.txFreeAt + this.timing.responseMs;
    }
    // ---- failures and fallback ----------------------------------------------
    timeout(now) {
        if (this.phase === Phase.Ident && this.charsReceived === 0 && this.id === null) {
            if (this.config.wakeup === "auto" && !this.wokeUp) {
                this.reportError("timeout", "no answer to the request; trying again with a wake-up");
                this.retries++;
                this.sendWakeup(now);
                return;
            }
            return this.fail("timeout", this.wokeUp ? "no answer to the request, even after a wake-up" : "no answer to the request");
        }
        const what = this.rxInMessage ? "the meter stopped in the middle of a message" : "no answer from the meter";
        if (this.phase === Phase.Data && this.chosenBaud > 300)
            return this.unreadable("timeout", `${what} at ${this.chosenBaud} Bd`);
        this.fail("timeout", what);
    }
    /** The data after a baud switch could not be read: sign on again lower, where allowed. `kind` null: the framer already reported why. */
    unreadable(kind, why) {
        if (this.config.fallback && this.chosenBaud > 300 && this.retries < this.config.maxRetries && this.phase === Phase.Data) {
            if (kind !== null)
                this.reportError(kind, why + "; signing on again at a lower baud");
            this.retries++;
            const lower = this.lowerBaud(this.chosenBaud);
            this.memory.baudCap = lower;
            this.phase = Phase.Quiet;
            this.waitingForMeter = false;
            this.deadline = this.lastRxAt + this.timing.retryQuietMs;
            if (this.deadline < this.now)
                this.deadline = this.now;
            return;
        }
        if (kind !== null)
            this.fail(kind, why);
        else
            this.finish(false);
    }
    lowerBaud(b) {
        // one step down the first time, straight to 300 after that
        if (this.memory.fallbackFrom > 0)
            return 300;
        this.memory.fallbackFrom = b;
        for (let i = 0; i < BAUDS.length; i++)
            if (BAUDS[i] < b)
                return BAUDS[i];
        return 300;
    }
    restartAtLowerBaud(now) {
        this.framer.reset();
        this.id = null;
        this.setUart({ baud: 300, format: "7E1" });
        this.phase = Phase.Begin;
        this.deadline = now;
        this.wokeUp = false;
    }
    // ---- push meters -------------------------------------------------------
    nextHuntCandidate() {
        this.huntIndex++;
        if (this.huntIndex >= HUNT_BAUDS.length * 2) {
            this.huntIndex = -1;
            this.fail("timeout", "no push found at any of 2400, 9600, 300, 4800, 19200 Bd in 7E1 or 8N1");
            return;
        }
        this.badChars = 0;
        this.framer.reset();
        const fmt = this.huntIndex % 2 === 0 ? "7E1" : "8N1";
        this.setUart({ baud: HUNT_BAUDS[this.huntIndex >> 1], format: fmt });
    }
    pushTimeout(now) {
        if (this.huntIndex >= 0) {
            this.nextHuntCandidate();
            if (this.phase !== Phase.Done)
                this.deadline = now + this.timing.huntListenMs;
            return;
        }
        if (this.rxInMessage)
            return this.fail("timeout", "the push frame stopped in the middle");
        this.fail("timeout", `no push from the meter within ${this.timing.pushListenMs} ms`);
    }
    // ---- programming mode (read-only) --------------------------------------
    /** After a message from the meter: wait the reaction time, then send the next command. */
    progAfterMeter() {
        this.phase = Phase.ProgSend;
        this.waitingForMeter = false;
        const fast = this.id !== null && this.id.fastReaction;
        this.deadline = this.now + minReactionMs(fast) + this.timing.reactionMarginMs;
        this.blockRetries = 0;
    }
    progRepeat() {
        if (this.blockRetries >= this.config.maxRetries)
            return this.fail("bcc", "the meter's answer stayed damaged after repeats");
        this.blockRetries++;
        this.retries++;
        this.progNext = "ack";
        this.progNak = true;
        // the repeat answers the same question: wait for it in the same phase
        this.progAwait = this.phase === Phase.ProgOperand ? Phase.ProgOperand : Phase.ProgAnswer;
        this.phase = Phase.ProgSend;
        const fast = this.id !== null && this.id.fastReaction;
        this.deadline = this.now + minReactionMs(fast) + this.timing.reactionMarginMs;
    }
    progNak = false;
    progAwait = Phase.ProgAnswer;
    registersRead = 0;
    sendProgNext(now) {
        const prog = this.config.programming;
        if (prog === null)
            return;
        const gap = minReactionMs(this.id !== null && this.id.fastReaction);
        let msg;
        let awaiting = Phase.ProgAnswer;
        if (this.progNak || this.progNext === "ack") {
            msg = this.progNak ? [NAK] : [ACK];
            if (this.progNak)
                awaiting = this.progAwait;
            this.progNak = false;
        }
        else if (this.progNext === "password") {
            msg = password(prog.password);
        }
        else if (this.progNext === "read" && this.regIndex < prog.registers.length) {
            msg = readRegister(prog.command, prog.registers[this.regIndex]);
            this.regText = "";
        }
        else {
            this.transmit(now, breakMessage(), gap);
            this.phase = Phase.Closing;
            this.waitingForMeter = false;
            this.deadline = this.txFreeAt;
            return;
        }
        this.transmit(now, msg, gap);
        // a partial block's continuation must find the framer where the last block left it
        if (msg.length > 1)
            this.framer.reset();
        this.phase = awaiting;
        this.waitingForMeter = true;
        this.deadline = this.txFreeAt + this.timing.responseMs;
    }
    progBlock(end, ok) {
        if (!ok)
            return this.progRepeat();
        const prog = this.config.programming;
        if (end === "eot") {
            this.regText += this.framer.blockText;
            this.progNext = "ack";
            this.progAfterMeter();
            return;
        }
        const text = this.regText + this.framer.blockText;
        const reg = prog.registers[this.regIndex];
        this.regIndex++;
        const parsed = parseOne(text);
        if (parsed === null || parsed.address === "") {
            const msg = parsed !== null && parsed.values.length > 0 ? parsed.values[0].text : text;
            this.reportError("meter", `register ${reg}: the meter answered "${msg}"`);
        }
        else {
            this.dataSets++;
            this.registersRead++;
            this.emit({ type: "register", address: reg, dataSet: parsed });
        }
        this.progNext = "read";
        this.progAfterMeter();
    }
    // ---- plumbing -----------------------------------------------------------
    inProgramming() {
        return this.phase === Phase.ProgOperand || this.phase === Phase.ProgSend || this.phase === Phase.ProgAnswer;
    }
    isDone() {
        return this.phase === Phase.Done;
    }
    begin(now) {
        this.now = now;
        this.out = { send: [], uart: null, deadline: null, events: [] };
    }
    finishCall() {
        this.out.deadline = this.phase === Phase.Done ? null : this.deadline;
        return this.out;
    }
    emit(e) {
        this.out.events.push(e);
    }
    reportError(kind, message) {
        this.errors++;
        this.lastError = coreError(kind, message);
        this.emit({ type: "error", error: this.lastError });
    }
    fail(kind, message) {
        this.reportError(kind, message);
        this.finish(false);
    }
    finish(ok) {
        if (this.phase === Phase.Done)
            return;
        this.phase = Phase.Done;
        this.addBaudTime(this.now);
        const stats = {
            durationMs: this.now - this.startAt,
            lineMinimumMs: this.wireMs + this.meterMs + this.readerMinMs,
            msAtBaud: this.msAtBaud,
            mode: this.mode,
            baud: this.mode === "D" ? this.uart.baud : this.chosenBaud,
            retries: this.retries,
            errors: this.errors,
            charsReceived: this.charsReceived,
            dataSets: this.dataSets,
        };
        this.emit({ type: "finished", ok: ok, stats: stats });
    }
    setUart(u) {
        this.pendingUart = u;
        this.out.uart = u;
        if (this.txFreeAt <= this.now)
            this.applyDrainedUart(this.now);
    }
    applyDrainedUart(now) {
        if (this.pendingUart === null || now < this.txFreeAt)
            return;
        const at = this.txFreeAt > this.atBaudSince ? this.txFreeAt : now;
        this.addBaudTime(at);
        this.uart = this.pendingUart;
        this.pendingUart = null;
        this.badChars = 0;
    }
    addBaudTime(at) {
        const k = "" + this.uart.baud;
        const prev = this.msAtBaud[k];
        this.msAtBaud[k] = (prev === undefined ? 0 : prev) + (at - this.atBaudSince);
        this.atBaudSince = at;
    }
    /** Queue characters; `minGap` is the reader's minimum reaction time before them (for the line minimum). */
    transmit(now, chars, minGap) {
        const start = this.txFreeAt > now ? this.txFreeAt : now;
        const gap = start - this.lineEnd;
        if (gap > 0)
            this.readerMinMs += gap < minGap ? gap : minGap;
        const dur = chars.length * charMs(this.uart.baud);
        this.wireMs += dur;
        this.txFreeAt = start + dur;
        this.lineEnd = this.txFreeAt;
        for (let i = 0; i < chars.length; i++)
            this.out.send.push(chars[i]);
        this.echo.sent(chars, this.txFreeAt, this.timing.rxLatencyMs + 15);
    }
    /** A clean character arrived ending at `end`: its wire time and, if we were waiting for the meter, the gap before it count as line minimum. */
    account(end, c) {
        const cm = charMs(this.uart.baud);
        const start = end - cm;
        if (c > 0x7f) {
            if (end > this.lineEnd)
                this.lineEnd = end;
            return;
        }
        const gap = start - this.lineEnd;
        if (gap > 0 && this.waitingForMeter)
            this.meterMs += gap;
        // only the part of the character after everything already counted (and after the session start)
        const from = start > this.lineEnd ? start : this.lineEnd;
        if (end > from)
            this.wireMs += end - from;
        if (end > this.lineEnd)
            this.lineEnd = end;
    }
    updateDeadline(now) {
        if (this.phase === Phase.Push) {
            if (this.rxInMessage)
                this.deadline = now + this.timing.interCharMs;
            return;
        }
        if (this.phase === Phase.Quiet) {
            this.deadline = now + this.timing.retryQuietMs;
            return;
        }
        if (this.phase === Phase.Ident || this.phase === Phase.Data || this.phase === Phase.ProgOperand || this.phase === Phase.ProgAnswer) {
            if (this.charsReceived > 0 && this.lastRxAt === now) {
                const d = now + this.timing.interCharMs;
                // before the answer's first character the response timeout rules; after it, the inter-character one
                if (this.rxInMessage || this.deadline === null || d > this.deadline)
                    this.deadline = d;
            }
        }
    }
}
/** One data set from a programming-mode answer's text. */
function parseOne(text) {
    let found = null;
    const p = new DataSetParser({
        dataSet: (d) => {
            if (found === null)
                found = d;
        },
        error: (e) => { },
    });
    for (let i = 0; i < text.length; i++)
        p.push(text.charCodeAt(i));
    p.end();
    return found;
}
