import { ACK, CR, EOT, ETX, LF, NAK, NUL, SOH, STX, decode7E1, encode7E1 } from "../core/bytes";
import { RX_ERROR_MASK } from "../core/types";
import { effectiveMode } from "./profiles";
import { baudForDigit, baudForLetter } from "../core/messages";
import { charMs } from "../core/timing";
/** Wire byte of a character at a format. */
export function wireOf(c, format) {
    return format === "7E1" ? encode7E1(c) : c & 0xff;
}
const INTER_CHAR_MS = 1500;
const WAKE_RUN_MS = 2000;
const WAKE_GAP_MS = 500;
const WAKE_QUIET_MS = 1400;
const NEVER = -1;
/** tolerance for comparing times computed along different paths (floating point) */
const EPS = 1e-6;
function asciiOf(s) {
    const out = [];
    for (let i = 0; i < s.length; i++)
        out.push(s.charCodeAt(i) & 0x7f);
    return out;
}
function pushAll(dst, src) {
    for (let i = 0; i < src.length; i++)
        dst.push(src[i]);
}
function textOf(cs, from, to) {
    let s = "";
    for (let i = from; i < to; i++)
        s += String.fromCharCode(cs[i] & 0x7f);
    return s;
}
function xor7(cs, from, to) {
    let x = 0;
    for (let i = from; i < to; i++)
        x ^= cs[i];
    return x & 0x7f;
}
/** Data lines of a block, each ending in CR LF (or LF), normalised from the profile text. */
export function blockLines(block, lfOnly) {
    const parts = block.split("\n");
    let s = "";
    const eol = lfOnly ? "\n" : "\r\n";
    for (let i = 0; i < parts.length; i++) {
        let line = parts[i];
        if (line.length > 0 && line.charCodeAt(line.length - 1) === CR)
            line = line.slice(0, line.length - 1);
        if (line.length === 0 && i === parts.length - 1)
            break;
        s += line + eol;
    }
    return s;
}
export class SimMeter {
    profile;
    q;
    mode;
    notes = [];
    /** how many readouts / push telegrams / programming answers went out */
    readouts = 0;
    pushes = 0;
    // Output is kept as segments of raw characters (1 byte each) and turned into
    // WireChar objects one at a time, so that a long readout fits the 64 KB heap
    // when this meter runs inside the DeviceScript simulator.
    segs = [];
    head = null;
    txEnd = 0;
    state = "idle";
    rxBaud = 300;
    trMin;
    // message being assembled
    rx = [];
    rxStart = 0;
    rxLast = 0;
    // mode C/E
    identEnd = 0;
    ackUntil = 0;
    ackDeadline = NEVER;
    // silence after readout
    silentUntil = 0;
    // wake-up
    awake = false;
    nulRunStart = NEVER;
    nulLastEnd = NEVER;
    awakeUntil = NEVER;
    // push
    pushAt = NEVER;
    pushMs = 0;
    // programming
    progBaud = 300;
    progDeadline = NEVER;
    passwordOk = false;
    lastBlock = [];
    moreBlocks = [];
    blocksSent = 0;
    constructor(profile, startMs = 0) {
        this.profile = profile;
        this.q = profile.quirks;
        this.mode = effectiveMode(profile);
        const third = profile.identification.charCodeAt(3);
        this.trMin = third >= 0x61 && third <= 0x7a ? 20 : 200;
        this.txEnd = startMs;
        if (this.mode === "D") {
            this.state = "push";
            this.pushAt = startMs + this.q.pushOffsetMs;
            this.pushMs = this.pushTelegram(false).length * charMs(profile.maxBaud);
        }
    }
    /** minimum reaction time the meter enforces for the ack (20 or 200 ms) */
    ackMinMs() {
        return this.trMin;
    }
    /** the meter's state, for tests and traces */
    stateName() {
        if (this.q.wakeupRequired && this.state === "idle")
            return this.awake ? "awake" : "asleep";
        return this.state;
    }
    /** time the meter's last queued character ends */
    busyUntil() {
        return this.txEnd;
    }
    /** the next character the meter will put on the line (not yet taken), or null */
    nextOutput() {
        if (this.head === null && this.segs.length > 0) {
            const g = this.segs[0];
            const ms = charMs(g.baud);
            const i = g.pos;
            const start = g.start + i * ms;
            const c = g.chars[i];
            let w = wireOf(c, g.format);
            if (i === g.corruptAt)
                w ^= g.format === "7E1" ? 0x80 : 0x01;
            if (g.garble && i % 3 === 0)
                w ^= 1 << (i % 7);
            this.head = { at: start + ms, start: start, wire: w, char: c, baud: g.baud, format: g.format };
        }
        return this.head;
    }
    /** every queued character whose stop bit has ended by `now`, in order */
    takeOutput(now) {
        const r = [];
        for (;;) {
            const h = this.nextOutput();
            if (h === null || h.at > now)
                break;
            r.push(h);
            this.head = null;
            const g = this.segs[0];
            g.pos++;
            if (g.pos >= g.chars.length)
                this.segs.shift();
        }
        return r;
    }
    /** when the meter's own timers next need tick(), or null */
    nextDeadline() {
        let d = NEVER;
        if (this.state === "ackWait")
            d = this.ackDeadline;
        else if (this.state === "push")
            d = this.pushAt;
        else if (this.state === "prog")
            d = this.progDeadline;
        else if (this.state === "idle" && this.awake)
            d = this.awakeUntil;
        return d === NEVER ? null : d;
    }
    /** run the timers that are due at `now` */
    tick(now) {
        this.advance(now, false);
    }
    /** fire timers due by `now` (strict: only those before `now`, so a character completing at a deadline is heard first) */
    advance(now, strict) {
        // a push meter nobody listened to for a long time: skip the telegrams that ended long before
        // `now` (nobody can hear them) instead of generating each; the phase of the schedule is kept
        if (this.state === "push") {
            const iv = this.q.pushIntervalMs > this.pushMs ? this.q.pushIntervalMs : this.pushMs + 100;
            const n = Math.floor((now - this.pushAt - this.pushMs) / iv) - 1;
            if (n > 0)
                this.pushAt += n * iv;
        }
        for (let guard = 0; guard < 100; guard++) {
            const d = this.nextDeadline();
            if (d === null || d > now || (strict && d === now))
                return;
            this.fire(d);
        }
    }
    note(at, what) {
        this.notes.push({ at: at, what: what });
        if (this.notes.length > 200)
            this.notes = this.notes.slice(100);
    }
    fire(t) {
        if (this.state === "ackWait") {
            if (this.rx.length > 0 && this.rxStart <= this.ackUntil + EPS && this.rx[0] === ACK) {
                // an ack started in time is still arriving: wait for it (or its inter-character timeout)
                this.ackDeadline = this.rxLast + INTER_CHAR_MS;
                if (this.ackDeadline > t)
                    return;
            }
            this.rx = [];
            if (this.q.lateAck === "readout300") {
                this.note(t, "no ack in the window: readout at 300");
                this.sendReadout(t, 300, this.profile.dataBlock);
            }
            else {
                this.note(t, "no ack in the window: silent");
                this.endSession(t);
            }
        }
        else if (this.state === "push") {
            const end = this.sendPush(this.pushAt);
            let next = this.pushAt + this.q.pushIntervalMs;
            if (next < end)
                next = end + 100;
            this.pushAt = next;
        }
        else if (this.state === "prog") {
            this.note(t, "programming mode timed out");
            this.endSession(t);
        }
        else if (this.state === "idle" && this.awake) {
            this.note(t, "wake window passed: asleep");
            this.sleep();
        }
    }
    sleep() {
        this.awake = false;
        this.nulRunStart = NEVER;
        this.nulLastEnd = NEVER;
        this.awakeUntil = NEVER;
    }
    endSession(t) {
        this.state = "idle";
        this.rxBaud = 300;
        this.rx = [];
        if (this.q.wakeupRequired)
            this.sleep();
        const end = this.txEnd > t ? this.txEnd : t;
        this.silentUntil = end + this.q.silentAfterReadoutMs;
    }
    // ---- transmitting ----
    /** queue characters starting no earlier than `from` (and after anything queued); returns the end time */
    emit(from, cs, baud, format, corruptAt, garble) {
        const t = from > this.txEnd ? from : this.txEnd;
        if (cs.length === 0)
            return t;
        const chars = Buffer.alloc(cs.length);
        for (let i = 0; i < cs.length; i++)
            chars[i] = cs[i];
        this.segs.push({ start: t, baud: baud, format: format, chars: chars, pos: 0, corruptAt: corruptAt, garble: garble });
        this.txEnd = t + cs.length * charMs(baud);
        return this.txEnd;
    }
    bccFor(cs, from) {
        let b = xor7(cs, from, cs.length);
        const cb = this.q.corruptBcc;
        if (cb === true || (typeof cb === "number" && this.blocksSent < cb))
            b ^= 0x01;
        this.blocksSent++;
        return b;
    }
    garbles(baud) {
        return this.q.garbleAboveBaud > 0 && baud > this.q.garbleAboveBaud;
    }
    sendIdent(from) {
        const cs = [];
        pushAll(cs, this.q.leadingGarbage);
        pushAll(cs, asciiOf(this.profile.identification));
        cs.push(CR);
        cs.push(LF);
        return this.emit(from, cs, 300, "7E1", -1, false);
    }
    dataMessage(block) {
        const cs = [STX];
        pushAll(cs, asciiOf(blockLines(block, this.q.lfOnly)));
        cs.push(0x21);
        if (!this.q.lfOnly)
            cs.push(CR);
        cs.push(LF);
        cs.push(ETX);
        cs.push(this.bccFor(cs, 1));
        return cs;
    }
    sendReadout(from, baud, block) {
        const end = this.emit(from, this.dataMessage(block), baud, "7E1", this.q.parityErrorAt, this.garbles(baud));
        this.readouts++;
        this.note(from, `readout at ${baud}`);
        this.endSession(end);
    }
    sendPush(from) {
        const cs = this.pushTelegram(true);
        this.pushes++;
        return this.emit(from, cs, this.profile.maxBaud, this.q.pushFormat, this.q.parityErrorAt, this.garbles(this.profile.maxBaud));
    }
    /** the push telegram; `count` = it is really sent (counts towards corruptBcc: N) */
    pushTelegram(count) {
        const p = this.profile;
        const cs = [];
        pushAll(cs, this.q.leadingGarbage);
        pushAll(cs, asciiOf(p.identification));
        cs.push(CR);
        cs.push(LF);
        const body = asciiOf(blockLines(p.dataBlock, this.q.lfOnly));
        if (this.q.frame === "framed") {
            const stx = cs.length;
            cs.push(STX);
            pushAll(cs, body);
            cs.push(0x21);
            if (!this.q.lfOnly)
                cs.push(CR);
            cs.push(LF);
            cs.push(ETX);
            let b = xor7(cs, stx + 1, cs.length);
            if (count) {
                const cb = this.q.corruptBcc;
                if (cb === true || (typeof cb === "number" && this.blocksSent < cb))
                    b ^= 0x01;
                this.blocksSent++;
            }
            cs.push(b);
        }
        else {
            if (!this.q.lfOnly)
                cs.push(CR);
            cs.push(LF);
            pushAll(cs, body);
            cs.push(0x21);
            if (!this.q.lfOnly)
                cs.push(CR);
            cs.push(LF);
        }
        return cs;
    }
    // ---- receiving ----
    /** A reader character completed at `now`, sent as `char` at `baud`/`format` (the link adds the parity). */
    receive(now, char, baud, format) {
        this.receiveWire(now, wireOf(char, format), baud, false);
    }
    /**
     * A reader character completed at `now`: `wire` = the 8 bits between start and stop bit, sent at
     * `baud`; `damaged` = noise hit it. The meter listens at 7E1 at its current baud.
     */
    receiveWire(now, wire, baud, damaged) {
        this.advance(now, true);
        const start = now - charMs(baud);
        if (this.state === "push")
            return;
        if (start < this.txEnd - EPS)
            return; // half duplex: busy transmitting
        let c = -1;
        if (!damaged && baud === this.rxBaud) {
            const d = decode7E1(wire);
            if ((d & RX_ERROR_MASK) === 0)
                c = d;
        }
        if (this.q.wakeupRequired && this.state === "idle" && !this.awake) {
            this.wakeChar(start, now, c);
            return;
        }
        if (c < 0) {
            this.rx = []; // garbage drops the message being assembled
            if (this.q.wakeupRequired)
                this.nulRunStart = NEVER;
            return;
        }
        if (this.awake && c === NUL && this.rx.length === 0) {
            this.wakeChar(start, now, c);
            return;
        }
        if (this.rx.length > 0 && start - this.rxLast > INTER_CHAR_MS)
            this.rx = [];
        if (this.rx.length === 0) {
            if (!this.startsMessage(c))
                return;
            this.rxStart = start;
        }
        this.rx.push(c);
        this.rxLast = now;
        if (this.rx.length > 300) {
            this.rx = [];
            return;
        }
        this.onChar(now);
    }
    wakeChar(start, end, c) {
        if (c !== NUL) {
            if (!this.awake)
                this.nulRunStart = NEVER;
            return;
        }
        if (this.nulRunStart === NEVER || start - this.nulLastEnd >= WAKE_GAP_MS - EPS)
            this.nulRunStart = start;
        this.nulLastEnd = end;
        if (this.awake) {
            this.awakeUntil = end + this.q.wakeWindowMs;
        }
        else if (end - this.nulRunStart >= WAKE_RUN_MS - EPS) {
            this.awake = true;
            this.awakeUntil = end + this.q.wakeWindowMs;
            this.note(end, "woken by NULs");
        }
    }
    startsMessage(c) {
        if (this.state === "idle")
            return c === 0x2f;
        if (this.state === "ackWait")
            return c === ACK || c === 0x2f;
        if (this.state === "prog")
            return c === SOH || c === ACK || c === NAK;
        return false;
    }
    onChar(now) {
        const rx = this.rx;
        const first = rx[0];
        const last = rx[rx.length - 1];
        if (first === 0x2f || (first === ACK && this.state === "ackWait")) {
            if (last !== LF)
                return;
            const msg = rx;
            this.rx = [];
            if (first === 0x2f)
                this.onRequest(now, this.rxStart, msg);
            else
                this.onAck(now, this.rxStart, msg);
            return;
        }
        if (this.state === "prog") {
            if (first === ACK || first === NAK) {
                this.rx = [];
                this.onProgControl(now, first);
                return;
            }
            // SOH C D [STX data] ETX|EOT BCC
            const n = rx.length;
            if (n >= 2 && (rx[n - 2] === ETX || rx[n - 2] === EOT)) {
                const msg = rx;
                this.rx = [];
                this.onCommand(now, msg);
            }
        }
    }
    onRequest(now, start, msg) {
        const p = this.profile;
        // "/" X [address] "!" CR LF
        const n = msg.length;
        if (n < 5 || msg[n - 3] !== 0x21 || msg[n - 2] !== CR) {
            this.note(now, "malformed request ignored");
            return;
        }
        const rc = String.fromCharCode(msg[1]);
        const addr = textOf(msg, 2, n - 3);
        if (p.requestChars.indexOf(rc) < 0) {
            this.note(now, `request char ${rc} not answered`);
            return;
        }
        if (addr === "" ? this.q.addressRequired : addr !== p.address) {
            this.note(now, `address "${addr}" is not mine: silent`);
            return;
        }
        if (this.q.readoutBudget > 0 && this.readouts >= this.q.readoutBudget) {
            this.note(now, "readout budget used up: silent");
            return;
        }
        if (start < this.silentUntil - EPS) {
            this.note(now, "request during silence after readout: ignored");
            return;
        }
        if (this.q.wakeupRequired) {
            if (!this.awake)
                return;
            if (start < this.nulLastEnd + WAKE_QUIET_MS - EPS) {
                this.note(now, "request too soon after the NULs: ignored");
                return;
            }
            // the meter is now in a session; it sleeps again when the session ends
            this.awakeUntil = NEVER;
            this.awake = false;
        }
        const block = p.altDataBlocks[rc] !== undefined ? p.altDataBlocks[rc] : p.dataBlock;
        const identEnd = this.sendIdent(now + this.q.reactionMs);
        this.note(now, "request accepted");
        this.identEnd = identEnd;
        const m = this.mode;
        if (m === "A") {
            this.sendReadout(identEnd + this.q.reactionMs, 300, block);
        }
        else if (m === "B") {
            const b = baudForLetter(p.identification.charAt(4));
            this.sendReadout(identEnd + this.q.reactionMs, b, block);
        }
        else {
            this.state = "ackWait";
            this.rxBaud = 300;
            this.ackUntil = identEnd + this.q.ackWindowMs;
            this.ackDeadline = this.ackUntil + charMs(300);
            this.pendingBlock = block;
        }
    }
    pendingBlock = "";
    onAck(now, start, msg) {
        // ACK V Z Y CR LF
        if (msg.length !== 6 || msg[4] !== CR) {
            this.note(now, "malformed ack ignored");
            return;
        }
        if (start < this.identEnd + this.trMin - EPS) {
            this.note(now, "ack before the minimum reaction time: ignored");
            return;
        }
        if (start > this.ackUntil + EPS) {
            this.note(now, "ack after the window: ignored");
            return;
        }
        const v = String.fromCharCode(msg[1]);
        const z = String.fromCharCode(msg[2]);
        const y = String.fromCharCode(msg[3]);
        const baud = baudForDigit(z);
        if (baud === 0 || baud > this.profile.maxBaud) {
            this.note(now, `ack baud "${z}" not offered: ignored`);
            return;
        }
        if (v === "2" && this.mode === "E") {
            this.note(now, "HDLC requested (not simulated): silent");
            this.endSession(now);
            return;
        }
        if (v !== "0") {
            this.note(now, `ack V="${v}" not supported: ignored`);
            return;
        }
        if (y === "0") {
            this.sendReadout(now + this.q.reactionMs, baud, this.pendingBlock);
        }
        else if (y === "1" && (this.profile.registers !== null || this.profile.password !== null)) {
            this.state = "prog";
            this.rxBaud = baud;
            this.progBaud = baud;
            this.passwordOk = this.profile.password === null;
            this.moreBlocks = [];
            const cs = [SOH, 0x50, 0x30, STX];
            pushAll(cs, asciiOf("(" + this.profile.operand + ")"));
            cs.push(ETX);
            cs.push(this.bccFor(cs, 1));
            this.sendBlock(now, cs);
            this.note(now, `programming mode at ${baud}`);
        }
        else {
            this.note(now, `ack mode "${y}" not supported: ignored`);
        }
    }
    sendBlock(now, cs) {
        this.lastBlock = cs;
        const end = this.emit(now + this.q.reactionMs, cs, this.progBaud, "7E1", -1, this.garbles(this.progBaud));
        this.progDeadline = end + this.q.programmingTimeoutMs;
    }
    onProgControl(now, c) {
        this.progDeadline = now + this.q.programmingTimeoutMs;
        if (c === NAK) {
            if (this.lastBlock.length > 0) {
                this.note(now, "NAK: repeating the last block");
                this.sendBlock(now, this.lastBlock);
            }
            return;
        }
        // ACK: next partial block, if any
        if (this.moreBlocks.length > 0) {
            const b = this.moreBlocks[0];
            this.moreBlocks = this.moreBlocks.slice(1);
            this.sendBlock(now, b);
        }
    }
    answer(now, text) {
        const size = this.q.partialBlockSize;
        const blocks = [];
        let i = 0;
        while (true) {
            const chunk = size > 0 ? text.slice(i, i + size) : text;
            i += size > 0 ? size : text.length;
            const lastOne = i >= text.length;
            const cs = [STX];
            pushAll(cs, asciiOf(chunk));
            cs.push(lastOne ? ETX : EOT);
            cs.push(this.bccFor(cs, 1));
            blocks.push(cs);
            if (lastOne)
                break;
        }
        this.moreBlocks = blocks.slice(1);
        this.sendBlock(now, blocks[0]);
    }
    sendControl(now, c) {
        this.sendBlock(now, [c]);
    }
    onCommand(now, msg) {
        this.progDeadline = now + this.q.programmingTimeoutMs;
        const n = msg.length;
        if (msg[0] !== SOH || n < 5)
            return;
        if (xor7(msg, 1, n - 1) !== msg[n - 1]) {
            this.note(now, "command with a bad BCC: NAK");
            this.sendControl(now, NAK);
            return;
        }
        const cmd = String.fromCharCode(msg[1]) + String.fromCharCode(msg[2]);
        const stx = msg.indexOf(STX);
        const data = stx > 0 ? textOf(msg, stx + 1, n - 2) : "";
        if (cmd === "B0") {
            this.note(now, "B0: session ends");
            this.endSession(now);
            return;
        }
        if (cmd === "P1") {
            const pw = data.length >= 2 && data.charAt(0) === "(" ? data.slice(1, data.length - 1) : data;
            if (this.profile.password === null || pw === this.profile.password) {
                this.passwordOk = true;
                this.sendControl(now, ACK);
            }
            else if (this.q.wrongPassword === "nak") {
                this.note(now, "wrong password: NAK");
                this.sendControl(now, NAK);
            }
            else {
                this.note(now, "wrong password: B0");
                const cs = [SOH, 0x42, 0x30, ETX];
                cs.push(xor7(cs, 1, cs.length));
                this.emit(now + this.q.reactionMs, cs, this.progBaud, "7E1", -1, false);
                this.endSession(now);
            }
            return;
        }
        if (cmd === "R1" || cmd === "R5") {
            const br = data.indexOf("(");
            const addr = br >= 0 ? data.slice(0, br) : data;
            const regs = this.profile.registers;
            if (!this.passwordOk) {
                this.answer(now, "(ERROR)");
            }
            else if (regs !== null && regs[addr] !== undefined) {
                this.answer(now, addr + "(" + regs[addr] + ")");
            }
            else {
                this.answer(now, "(ERROR)");
            }
            return;
        }
        this.note(now, `command ${cmd} not supported`);
        this.answer(now, "(ERROR)");
    }
}
