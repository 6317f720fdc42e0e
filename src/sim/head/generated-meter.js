// STAND-IN for the simulated meter (src/sim/meter.ts, written separately): a
// meter that answers a request with a fixed identification and replays a fixed
// readout (mode C when its baud character is 0..6, else mode A), optionally
// followed by generated lines (for readouts far larger than the heap) and
// optionally with a wrong BCC. It streams: nothing larger than one chunk of
// characters is held. It implements the sim head's LineMeter, which is the seam
// the real meter model plugs into.
import { decode7E1, encode7E1 } from "../../core/bytes";
const BAUD_C = [300, 600, 1200, 2400, 4800, 9600, 19200];
const CHUNK = 64;
export class ReplayMeter {
    p;
    state = 0; // 0 listen, 1 ident queued, 2 waiting for ack, 3 data
    rx = [];
    baud = 300;
    dataBaud = 300;
    identEnd = 0;
    dueAt = 0;
    // data streaming cursor
    lineIdx = 0;
    charIdx = -1; // -1: STX not sent yet
    bcc = 0;
    finished = false;
    cur = null;
    readouts = 0;
    constructor(p) {
        this.p = p;
    }
    tick(now) { }
    receiveWire(now, wire, baud) {
        if (this.state === 3 || this.state === 1)
            return; // busy talking (half duplex: ignore)
        if (baud !== this.baud)
            return; // garbage at another baud
        const ch = decode7E1(wire);
        if (ch > 0x7f) {
            this.rx = []; // a parity error drops the message being assembled
            return;
        }
        if (ch === 0x2f)
            this.rx = [];
        if (this.rx.length < 64)
            this.rx.push(ch);
        if (ch !== 10)
            return;
        let s = "";
        for (let i = 0; i < this.rx.length; i++)
            s += String.fromCharCode(this.rx[i]);
        this.rx = [];
        if (this.state === 0 && s.startsWith("/") && s.endsWith("!\r\n")) {
            const addr = s.slice(2, s.length - 3);
            if (addr.length && addr !== this.p.address)
                return;
            this.state = 1;
            this.dueAt = now + this.p.reactionMs;
        }
        else if (this.state === 2 && s.charCodeAt(0) === 6 && s.length >= 6) {
            const zi = "0123456".indexOf(s.charAt(2));
            this.dataBaud = zi >= 0 ? BAUD_C[zi] : 300;
            this.baud = this.dataBaud;
            this.startData(now);
        }
    }
    startData(now) {
        this.state = 3;
        this.dueAt = now + this.p.reactionMs;
        this.lineIdx = 0;
        this.charIdx = -1;
        this.bcc = 0;
        this.finished = false;
        this.cur = null;
    }
    lineChars(i) {
        let s;
        if (i < this.p.lines.length)
            s = this.p.lines[i];
        else if (i < this.p.lines.length + this.p.generated) {
            const n = i - this.p.lines.length;
            s = "1.8." + n + "(" + n + ".000*kWh)";
        }
        else if (i === this.p.lines.length + this.p.generated)
            s = "!";
        else
            return null;
        const out = [];
        for (let k = 0; k < s.length; k++)
            out.push(s.charCodeAt(k));
        out.push(13, 10);
        return out;
    }
    chunkOf(cs, baud, at) {
        const b = Buffer.alloc(cs.length);
        for (let i = 0; i < cs.length; i++)
            b[i] = encode7E1(cs[i]);
        return { wire: b, baud: baud, at: at };
    }
    transmit(now) {
        if (this.state === 1 && now >= this.dueAt) {
            const id = this.p.identification;
            const cs = [];
            for (let i = 0; i < id.length; i++)
                cs.push(id.charCodeAt(i));
            cs.push(13, 10);
            this.identEnd = now + (cs.length * 10000) / 300;
            const zi = "0123456".indexOf(id.charAt(4));
            if (zi >= 0)
                this.state = 2;
            else
                this.startData(this.identEnd);
            return this.chunkOf(cs, 300, this.dueAt);
        }
        if (this.state === 2 && now > this.identEnd + 1500) {
            this.startData(now); // no ack: the data readout follows at 300 baud
            this.dataBaud = 300;
        }
        if (this.state !== 3 || now < this.dueAt)
            return null;
        const at = this.charIdx < 0 ? this.dueAt : 0;
        const out = [];
        while (out.length < CHUNK && !this.finished) {
            if (this.charIdx < 0) {
                out.push(2);
                this.charIdx = 0;
                this.cur = this.lineChars(0);
                continue;
            }
            if (this.cur === null) {
                // ETX and BCC
                this.bcc ^= 3;
                out.push(3);
                out.push(this.p.damage ? this.bcc ^ 0x55 : this.bcc);
                this.finished = true;
                this.readouts++;
                break;
            }
            const c = this.cur[this.charIdx++];
            this.bcc ^= c;
            out.push(c);
            if (this.charIdx >= this.cur.length) {
                this.lineIdx++;
                this.charIdx = 0;
                this.cur = this.lineChars(this.lineIdx);
            }
        }
        const chunk = this.chunkOf(out, this.dataBaud, at);
        if (this.finished) {
            this.state = 0;
            this.baud = 300;
        }
        return chunk;
    }
}
