// SML transport v1, streaming: finds telegrams in a byte stream one byte at a
// time and hands out each payload whose CRC matches. Start 1b1b1b1b 01010101,
// end 1b1b1b1b 1a NN C1 C2 (NN padding bytes, CRC-16/X-25 low byte first, over
// everything from the first 1b through NN). Inside a telegram the sender aligns
// escapes to 4-byte groups, so groups are read as the sender wrote them; but a
// start sequence at any alignment restarts, because a byte lost on the line
// shifts every group after it and only a byte-wise hunt finds the next telegram.
// Memory is one preallocated buffer of `maxTelegram` bytes.
import { coreError, CoreError, ErrorKind } from "../types"
import { crcStep, KERMIT_INIT, X25_INIT, x25Final } from "./crc"
import { Esc } from "./wire"

/** Which trailer CRCs are accepted. */
export type TransportCrc =
    /** CRC-16/X-25, low byte first, as the specification and libsml define it */
    | "x25"
    /** also CRC-16/KERMIT high byte first: early Holley DTZ541 firmware (volkszaehler/libsml issue 75) */
    | "x25-or-kermit"

export interface TransportSink {
    /** a complete telegram: payload bytes [0, length) of `buf` (escapes removed, padding stripped) */
    telegram(buf: Buffer, length: number, kermit: boolean): void
    error(e: CoreError): void
}

/** Largest telegram payload accepted by default: the largest real one seen (DZG DVS7420, 1.2 KB) with room. */
export const DEFAULT_MAX_TELEGRAM = 2048

const enum St {
    Hunt,
    In,
}

/** Longest start sequence progress: four escape bytes then four 01. */
const START_LEN = 8

export class SmlTransport {
    private st: St = St.Hunt
    private buf: Buffer
    private len = 0
    /** raw bytes of the current 4-byte group */
    private grp: Buffer = Buffer.alloc(4)
    private gl = 0
    /** the previous group was 1b1b1b1b: this one says what it meant */
    private esc = false
    private x25 = X25_INIT
    private kermit = KERMIT_INIT
    /** byte-wise start matcher: escape bytes seen in a row, then 01 bytes */
    private escRun = 0
    private oneRun = 0
    /** raw bytes since the start sequence ended (for the alignment of a start found by the matcher) */
    private raw = 0
    /** telegrams delivered, and telegrams dropped for a CRC mismatch, cut or overlength */
    good = 0
    bad = 0

    constructor(public sink: TransportSink, public maxTelegram: number = DEFAULT_MAX_TELEGRAM, public crcMode: TransportCrc = "x25", buffer?: Buffer) {
        this.buf = buffer ? buffer : Buffer.alloc(maxTelegram)
        this.maxTelegram = this.buf.length
    }

    /** Forget any telegram in progress (line change, new baud). */
    reset(): void {
        this.st = St.Hunt
        this.escRun = 0
        this.oneRun = 0
    }

    /** True while inside a telegram. */
    inTelegram(): boolean {
        return this.st === St.In
    }

    push(b: number): void {
        b = b & 0xff
        // the start sequence: 4 escapes, then 4 times 0x01
        let started = false
        if (b === Esc.Byte) {
            this.escRun++
            this.oneRun = 0
        } else if (b === Esc.Start && this.escRun >= 4) {
            if (++this.oneRun === 4) {
                this.escRun = 0
                this.oneRun = 0
                started = true
            }
        } else {
            this.escRun = 0
            this.oneRun = 0
        }
        if (this.st === St.Hunt) {
            if (started) this.begin()
            return
        }
        this.raw++
        if (started && (this.raw & 3) !== 0) {
            // a start sequence off the group grid: bytes were lost in this telegram
            this.fail("timeout", "SML telegram cut short by the next start sequence")
            this.begin()
            return
        }
        this.grp[this.gl++] = b
        if (this.gl < 4) return
        this.gl = 0
        // a whole group (folded in here: its own method cost image bytes)
        const g = this.grp
        const allEsc = g[0] === Esc.Byte && g[1] === Esc.Byte && g[2] === Esc.Byte && g[3] === Esc.Byte
        if (this.esc) {
            this.esc = false
            if (allEsc) {
                this.crcGroup()
                this.append()
                return
            }
            if (g[0] === Esc.Start && g[1] === Esc.Start && g[2] === Esc.Start && g[3] === Esc.Start) {
                // the matcher already restarted for this one (it is on the grid)
                this.fail("timeout", "SML telegram cut short by the next start sequence")
                this.begin()
                return
            }
            if (g[0] === Esc.End) {
                this.crc(g[0])
                this.crc(g[1])
                this.finish(g[1], g[2], g[3])
                return
            }
            this.fail("syntax", "SML escape sequence with an unknown command")
            return
        }
        this.crcGroup()
        if (allEsc) this.esc = true
        else this.append()
    }

    private begin(): void {
        this.st = St.In
        this.len = 0
        this.gl = 0
        this.raw = 0
        this.esc = false
        let x = X25_INIT
        let k = KERMIT_INIT
        for (let i = 0; i < START_LEN; i++) {
            const s = i < 4 ? Esc.Byte : Esc.Start
            x = crcStep(x, s)
            k = crcStep(k, s)
        }
        this.x25 = x
        this.kermit = k
    }

    private fail(kind: ErrorKind, message: string): void {
        this.bad++
        this.st = St.Hunt
        this.sink.error(coreError(kind, message))
    }

    private crc(b: number): void {
        this.x25 = crcStep(this.x25, b)
        if (this.crcMode === "x25-or-kermit") this.kermit = crcStep(this.kermit, b)
    }

    private crcGroup(): void {
        for (let i = 0; i < 4; i++) this.crc(this.grp[i])
    }

    private append(): void {
        if (this.len + 4 > this.maxTelegram) {
            this.fail("overlength", "SML telegram longer than " + this.maxTelegram + " bytes")
            return
        }
        for (let i = 0; i < 4; i++) this.buf[this.len + i] = this.grp[i]
        this.len += 4
    }

    private finish(pad: number, c1: number, c2: number): void {
        this.st = St.Hunt
        const got = c1 | (c2 << 8)
        let kermit = false
        if (x25Final(this.x25) !== got) {
            if (this.crcMode === "x25-or-kermit" && (this.kermit & 0xffff) === ((c1 << 8) | c2)) kermit = true
            else {
                this.fail("bcc", "SML transport CRC mismatch")
                return
            }
        }
        // the padding count says how many zero bytes before the end escape are filler;
        // a count larger than the payload is damage the CRC did not catch
        if (pad > 4 || pad > this.len) {
            this.fail("syntax", "SML padding count " + pad + " is impossible")
            return
        }
        this.good++
        this.sink.telegram(this.buf, this.len - pad, kermit)
    }
}

// For the tools and tests only: the firmware feeds one byte at a time, and DeviceScript compiles a
// prototype assignment in only where its name is called (a class's methods are always in the image).
export interface SmlTransport {
    /** Feeds every byte. */
    pushAll(bytes: Buffer | number[]): void
}

SmlTransport.prototype.pushAll = function (this: SmlTransport, bytes: Buffer | number[]) {
    for (let i = 0; i < bytes.length; i++) this.push(bytes[i])
}
