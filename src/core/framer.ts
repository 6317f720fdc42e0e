// Splits what a meter sends into messages: identification lines, data blocks
// (`STX … ! CR LF ETX BCC`, partial blocks ending EOT, bare push frames ending
// with a "!" line), SOH commands and lone ACK/NAK. Streaming, bounded memory;
// integrity errors are reported, never thrown. Inside a data block it takes a
// line at a time (runEnd/pushRun) with the same outcome as one character at a
// time: the per-character work is what keeps a slow chip behind the line.
import { ACK, CR, EOT, ETX, LF, NAK, SOH, STX } from "./bytes"
import { DataSetParser } from "./datasets"
import { isError, isRequestLine, MAX_IDENT_LINE, parseIdentification } from "./identification"
import { crc16Arc } from "./crc16"
import { coreError, CoreError, DataSet, Identification, RX_ERROR_MASK, RX_PARITY_ERROR } from "./types"

export type BlockEnd = "etx" | "eot" | "bare"

export interface FrameSink {
    identification(id: Identification): void
    /** provisional: only good once blockEnd says ok */
    dataSet(d: DataSet): void
    /** a data block ended; ok = no BCC mismatch and no character error in it */
    blockEnd(end: BlockEnd, ok: boolean): void
    /** `SOH C D [STX data] ETX|EOT BCC`, e.g. the meter's P0 operand or B0 */
    command(c: string, d: string, data: string | null, ok: boolean): void
    /** a lone ACK or NAK from the meter */
    control(c: number): void
    error(e: CoreError): void
}

const enum St {
    Hunt, // between messages
    Line, // in a "/" line
    AckLine, // in an option select (ACK V Z Y CR LF), echoed
    Block, // after STX, before ETX/EOT
    BlockEnd, // "!" line seen, waiting for ETX
    Bcc, // ETX/EOT seen, next char is the BCC
    Bare, // bare push frame data lines
    Cmd, // after SOH
    CmdBcc, // ETX/EOT of a command seen, next char is the BCC
    BareCrc, // "!" of a bare push frame seen: DSMR's CRC digits (or nothing) up to CR LF
}

/** Characters of the DSMR P1 CRC after "!": four hex digits (a Warmtelink heat meter drops a leading zero). */
const MAX_CRC_DIGITS = 4

/** Max characters of a SOH command kept as text (the P0 operand and the like). */
const MAX_CMD = 140
/** Max characters of a block kept as text: one programming-mode answer (address 16 + value 128 + unit 16 + brackets). */
export const MAX_BLOCK_TEXT = 200

export class Framer {
    private st: St = St.Hunt
    private line = ""
    private bccAcc = 0
    /** the message in progress had a bad or lost character: it is not taken (the session sets it when the serial path lost characters) */
    damaged = false
    private atLineStart = true
    private blockEndKind: BlockEnd = "etx"
    private cmd = ""
    private ackLen = 0
    private continued = false
    private badSkipped = 0
    private huntDamaged = false
    /** set by an identification, cleared by a SOH command: a readout block must end with the "!" line */
    private expectEnd = false
    private sawEnd = false
    private afterIdent = false
    private parser: DataSetParser
    /** the character before this one closed a value: "!" right after ")" ends a block too (issue 12 item 4) */
    private afterClose = false
    /** CRC-16/ARC over "/" … so far, for a DSMR push frame's check after "!" */
    private crc = 0
    private crcDigits = ""
    /** the current/last data block's text (between STX and ETX/EOT), up to MAX_BLOCK_TEXT characters, for programming-mode answers */
    blockText = ""

    constructor(public sink: FrameSink) {
        // the parser's data sets and errors go straight to our sink (a FrameSink is a DataSetSink)
        this.parser = new DataSetParser(sink)
    }

    /** Forget any message in progress (new session, baud change). */
    reset(): void {
        this.continued = false
        this.badSkipped = 0
        this.huntDamaged = false
        this.st = St.Hunt
        this.line = ""
        this.afterIdent = false
        this.parser.reset()
    }

    /** True while inside a message (for inter-character timeouts). */
    inMessage(): boolean {
        return this.st !== St.Hunt
    }

    /** The input ended (capture over, or the line went silent): report a message left unfinished. */
    end(): void {
        if (this.badSkipped > 0) this.flushBadSkipped()
        if (this.st === St.BareCrc) this.endBareCrc()
        if (this.st === St.Block || this.st === St.BlockEnd || this.st === St.Bcc || this.st === St.Bare) {
            if (this.damaged) this.sink.error(coreError("parity", "the data block had a character error and ended before its end marker"))
            else this.sink.error(coreError("timeout", "the data block ended before its end marker"))
            this.parser.reset()
            this.sink.blockEnd(this.st === St.Bare ? "bare" : "etx", false)
        } else if (this.st === St.Line) this.sink.error(coreError("timeout", `identification "${this.line}" ended before CR LF`))
        else if (this.st === St.Cmd || this.st === St.CmdBcc) this.sink.error(coreError("timeout", "a command ended before its block check character"))
        else if (this.continued) {
            this.sink.error(coreError("timeout", "a partial block (EOT) was never followed by the rest"))
            this.parser.reset()
        }
        this.continued = false
        this.st = St.Hunt
        this.line = ""
    }

    pushAll(chars: number[]): void {
        this.pushBytes(toBytes(chars))
    }

    /** Characters as bytes (7-bit, bit 7 set = parity or framing error), runs at a time where it can. */
    pushBytes(buf: Buffer): void {
        let i = 0
        while (i < buf.length) {
            const j = this.runEnd(buf, i, buf.length)
            if (j > i + 1) this.pushRun(buf, i, j)
            else this.push(fromByte(buf[i]))
            i = j
        }
    }

    /**
     * Where the run of characters starting at buf[from] that pushRun takes at once ends: inside a
     * data block, up to and including the next LF, when every character is intact and the line's
     * text printable (an ETX or EOT is not: the run stops before it). Otherwise from + 1: the caller
     * pushes that one character. Per character this costs a share of a 4-byte word read (BCC and
     * checks); the rest is native indexOf and slice.
     */
    runEnd(buf: Buffer, from: number, to: number): number {
        // a "!" that ends the block (at a line's start or right after a value) goes one by one, and so
        // does a line with a "!" in it: one right after ")" ends the block too (issue 12 item 4)
        if ((this.st !== St.Block && this.st !== St.BlockEnd) || ((this.atLineStart || this.afterClose) && buf[from] === 0x21)) return from + 1
        // the rest of a line that failed the checks goes one by one without scanning it again
        if (buf === this.slowBuf && from < this.slowEnd) return from + 1
        const lf = buf.indexOf(LF, from)
        const end = lf >= 0 && lf < to ? lf + 1 : to
        // the line's text: without the LF and a CR before it
        let text = end
        if (lf >= 0 && lf < to) text = lf > from && buf[lf - 1] === CR ? lf - 1 : lf
        // (indexOf's -1 is above any index as unsigned)
        // XOR of buf[from, text) and whether every byte is printable (0x20..0x7E: no control
        // character, none with an error): bit 7 of each byte of `ok` stays set while every byte b seen
        // there has b + 0x60 >= 0x80 (b >= 0x20) and b + 1 < 0x80 (b < 0x7F)
        let x = 0
        let ok = -1
        let i = from
        while (i < text - 3) {
            const w = buf.getAt(i, "u32")
            x ^= w
            ok &= (w + 0x60606060) & ~(w + 0x01010101)
            i += 4
        }
        x ^= x >>> 16
        x ^= x >>> 8
        let plain = (ok & PLAIN_WORD) === PLAIN_WORD
        while (i < text) {
            const c = buf[i++]
            x ^= c
            if (c < 0x20 || c > 0x7e) plain = false
        }
        if (!plain || buf.indexOf(0x21, from) >>> 0 < text) {
            this.slowBuf = buf
            this.slowEnd = end
            return from + 1
        }
        // the line end's CR LF too: the BCC of the whole run
        while (i < end) x ^= buf[i++]
        this.runXor = x & 0xff
        this.runText = text
        return end
    }

    /** BCC of the last run that runEnd found (all of it), and where its text ended. */
    private runXor = 0
    private runText = 0
    private slowBuf: Buffer | null = null
    private slowEnd = 0

    /** Takes buf[from, to), a run that runEnd returned, as push() one by one would. */
    pushRun(buf: Buffer, from: number, to: number): void {
        this.bccAcc ^= this.runXor
        if (this.st === St.BlockEnd) return // after the "!" line only CR LF come before ETX
        const text = this.runText
        if (text > from) {
            const s = buf.slice(from, text).toString()
            const room = MAX_BLOCK_TEXT - this.blockText.length
            if (room > 0) this.blockText += s.length <= room ? s : s.slice(0, room)
            this.atLineStart = false
            this.parser.pushPlain(s)
        }
        this.afterClose = buf[to - 1] === 0x29
        for (let i = text; i < to; i++) {
            const c = buf[i]
            this.atLineStart = c === LF
            if (this.blockText.length < MAX_BLOCK_TEXT) this.blockText += String.fromCharCode(c)
            this.parser.push(c)
        }
    }

    push(raw: number): void {
        const bad = (raw & RX_ERROR_MASK) !== 0
        const c = raw & 0x7f
        switch (this.st) {
            case St.Hunt:
                this.hunt(c, bad)
                break
            case St.Line:
                this.inLine(c, bad)
                break
            case St.AckLine:
                // An option select is 5 characters and CR LF; anything else means it was a lone ACK.
                if (c === LF) this.st = St.Hunt
                else if (++this.ackLen > 5 || (c < 0x20 && c !== CR) || c === 0x2f) {
                    this.st = St.Hunt
                    this.hunt(c, bad)
                }
                break
            case St.Block:
            case St.BlockEnd:
                this.inBlock(c, bad)
                break
            case St.Bcc:
                this.endBlock(c, bad)
                break
            case St.Bare:
                this.inBare(c, bad)
                break
            case St.Cmd: {
                // a command frame (SOH … ETX/EOT) up to its BCC
                this.bccAcc ^= c
                if (bad) this.damaged = true
                if (c === ETX || c === EOT) {
                    this.st = St.CmdBcc
                    return
                }
                if (this.cmd.length < MAX_CMD) this.cmd += String.fromCharCode(c)
                break
            }
            case St.CmdBcc: {
                this.st = St.Hunt
                const cmd = this.cmd
                let ok = !this.damaged && !bad
                if (!ok) this.sink.error(coreError("parity", `command "${printable(cmd)}" arrived with a parity or framing error`))
                else if ((this.bccAcc & 0x7f) !== c) {
                    ok = false
                    this.sink.error(coreError("bcc", `command "${printable(cmd)}": block check character is ${hex2(c)}, the command's is ${hex2(this.bccAcc & 0x7f)}`))
                }
                const stx = cmd.indexOf(String.fromCharCode(STX))
                this.sink.command(cmd.charAt(0), cmd.charAt(1), stx < 0 ? null : cmd.slice(stx + 1, cmd.length), ok)
                break
            }
            case St.BareCrc: {
                // after a push frame's "!": up to four hex digits of DSMR's CRC-16/ARC, then CR LF
                if (bad) this.damaged = true
                if (c > 0x20 && c < 0x7f && this.crcDigits.length < MAX_CRC_DIGITS) {
                    this.crcDigits += String.fromCharCode(c)
                    return
                }
                this.endBareCrc()
                if (c !== CR && c !== LF) this.hunt(c, bad)
                break
            }
        }
    }

    private hunt(c: number, bad: boolean): void {
        if (bad) {
            this.badSkipped++
            // it may have been the STX of a block: data that follows cannot be trusted as a bare frame
            this.huntDamaged = true
            return
        }
        if (this.badSkipped > 0 && (c === 0x2f || c === STX || c === SOH)) this.flushBadSkipped()
        // DSMR's CRC runs from "/" over the line ends before the data (a printable character
        // after the identification starts the frame and is counted by inBare)
        if (c === 0x2f) this.crc = crc16Arc(0, c)
        else if (this.afterIdent && !(c > 0x20 && c < 0x7f)) this.crc = crc16Arc(this.crc, c)
        if (c === 0x2f) {
            this.st = St.Line
            this.line = "/"
            this.damaged = false
            this.huntDamaged = false
        } else if (c === STX) {
            this.huntDamaged = false
            this.startBlock()
        } else if (c === SOH) {
            this.st = St.Cmd
            this.expectEnd = false
            this.cmd = ""
            this.bccAcc = 0
            this.damaged = false
        } else if (c === ACK || c === NAK) {
            // A lone ACK/NAK is a control answer; an ACK followed by V Z Y CR LF is an echoed option select.
            this.sink.control(c)
            if (c === ACK) {
                this.st = St.AckLine
                this.ackLen = 0
            }
        } else if (this.afterIdent && c > 0x20 && c < 0x7f) {
            // Printable data right after an identification: a bare push frame (no STX/ETX/BCC).
            this.st = St.Bare
            this.damaged = this.huntDamaged
            this.atLineStart = true
            this.afterClose = false
            this.parser.reset()
            this.inBare(c, false)
        }
        // anything else between messages is line noise: dropped
    }

    private flushBadSkipped(): void {
        const n = this.badSkipped
        this.badSkipped = 0
        this.sink.error(coreError("parity", `${n} character${n === 1 ? "" : "s"} with parity or framing errors between messages skipped`))
    }

    private inLine(c: number, bad: boolean): void {
        if (bad) this.damaged = true
        if (c === LF) {
            this.crc = crc16Arc(this.crc, c)
            let line = this.line
            if (line.charAt(line.length - 1) === "\r") line = line.slice(0, line.length - 1)
            this.st = St.Hunt
            this.line = ""
            if (this.damaged) {
                this.sink.error(coreError("parity", `identification "${printable(line)}" arrived with a character error`))
                return
            }
            if (isRequestLine(line)) return // an echoed request
            const id = parseIdentification(line)
            if (isError(id)) this.sink.error(id)
            else {
                this.afterIdent = true
                this.expectEnd = true
                this.sink.identification(id)
            }
            return
        }
        if (c === STX && !bad) {
            // An identification cut off by a data block: report and follow the block.
            if (this.damaged) this.sink.error(coreError("parity", `identification "${printable(this.line)}" arrived with a character error`))
            else this.sink.error(coreError("syntax", `identification "${printable(this.line)}" ended without CR LF`))
            this.startBlock()
            return
        }
        if (this.line.length >= MAX_IDENT_LINE) {
            this.sink.error(coreError("overlength", `identification line longer than ${MAX_IDENT_LINE} characters`))
            this.st = St.Hunt
            this.line = ""
            return
        }
        this.crc = crc16Arc(this.crc, c)
        this.line += String.fromCharCode(c)
    }

    private startBlock(): void {
        this.blockText = ""
        this.sawEnd = false
        this.st = St.Block
        this.bccAcc = 0
        this.damaged = false
        this.afterIdent = false
        // after an intact partial block (EOT) the next block continues its data
        this.afterClose = false
        if (!this.continued) {
            this.atLineStart = true
            this.parser.reset()
        }
        this.continued = false
    }

    private inBlock(c: number, bad: boolean): void {
        this.bccAcc ^= c
        if (bad) this.damaged = true
        if (c === ETX || c === EOT) {
            this.blockEndKind = c === ETX ? "etx" : "eot"
            this.st = St.Bcc
            return
        }
        if (this.st === St.BlockEnd) return // after the "!" line only CR LF come before ETX
        if (c === 0x21 && (this.atLineStart || this.afterClose)) {
            this.st = St.BlockEnd
            this.sawEnd = true
            return
        }
        this.atLineStart = c === LF
        this.afterClose = c === 0x29
        if (this.blockText.length < MAX_BLOCK_TEXT) this.blockText += String.fromCharCode(c)
        this.parser.push(c)
    }

    private endBlock(c: number, bad: boolean): void {
        this.st = St.Hunt
        let ok = !this.damaged && !bad
        if (this.damaged || bad) this.sink.error(coreError("parity", "a character of the data block arrived with a parity or framing error"))
        else if ((this.bccAcc & 0x7f) !== c) {
            ok = false
            this.sink.error(coreError("bcc", `block check character is ${hex2(c)}, the block's is ${hex2(this.bccAcc & 0x7f)}`))
        } else if (this.expectEnd && !this.sawEnd && this.blockEndKind === "etx") {
            // A readout ends with a "!" line; an ETX before it is a damaged character whose BCC matched by chance.
            ok = false
            this.sink.error(coreError("syntax", "the data block ended (ETX) before its \"!\" end line"))
        }
        this.continued = ok && this.blockEndKind === "eot"
        if (!ok) this.parser.reset()
        else if (!this.continued) this.parser.end()
        this.sink.blockEnd(this.blockEndKind, ok)
    }

    private inBare(c: number, bad: boolean): void {
        if (bad) this.damaged = true
        this.crc = crc16Arc(this.crc, c)
        if ((this.atLineStart || this.afterClose) && c === 0x21 && !bad) {
            // "!" line (or "!" right after a value): the data is complete; DSMR's CRC may follow
            this.st = St.BareCrc
            this.crcDigits = ""
            this.afterIdent = false
            return
        }
        if (this.atLineStart && c === 0x2f && !bad) {
            // A new identification before the "!" line: this frame was cut off.
            this.sink.error(coreError("syntax", "push frame cut off by a new identification"))
            this.parser.reset()
            this.sink.blockEnd("bare", false)
            this.st = St.Line
            this.line = "/"
            this.damaged = false
            return
        }
        if (c === STX && this.atLineStart) {
            // Framed after all (data after an empty line): restart as a block.
            this.parser.reset()
            this.startBlock()
            return
        }
        this.atLineStart = c === LF
        this.afterClose = c === 0x29
        this.parser.push(c)
    }


    /** The push frame is over: verified against its CRC when it carried one, then handed on. */
    private endBareCrc(): void {
        this.st = St.Hunt
        let ok = !this.damaged
        if (this.damaged) this.sink.error(coreError("parity", "a character of the push frame arrived with a parity or framing error"))
        else if (this.crcDigits.length && parseInt("0x" + this.crcDigits) !== this.crc) {
            // (not hex digits: NaN, a mismatch too)
            ok = false
            this.sink.error(coreError("bcc", "CRC after \"!\" is " + this.crcDigits + ", not the telegram's"))
        }
        if (ok) this.parser.end()
        else this.parser.reset()
        this.sink.blockEnd("bare", ok)
    }


}

const PLAIN_WORD = 0x80808080 | 0

/** Characters (7-bit with RX_* flags) as bytes: bit 7 set = the character arrived with an error (so did a byte with bit 7 set: at 8N1 no character has it). */
export function toBytes(chars: number[]): Buffer {
    const b = Buffer.alloc(chars.length)
    for (let i = 0; i < chars.length; i++) {
        const c = chars[i]
        b[i] = c > 0x7f ? 0x80 | (c & 0x7f) : c
    }
    return b
}

/** A byte of pushBytes as push() takes it. */
export function fromByte(b: number): number {
    return b > 0x7f ? (b & 0x7f) | RX_PARITY_ERROR : b
}

/** The characters of a byte run (fromByte each), for engines that take characters. */
export function fromBytes(b: Buffer): number[] {
    const out: number[] = []
    for (let i = 0; i < b.length; i++) out.push(fromByte(b[i]))
    return out
}

function printable(s: string): string {
    let out = ""
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        out += c < 0x20 ? "<" + hex2(c).slice(2, 4) + ">" : s.charAt(i)
    }
    return out
}

function hex2(n: number): string {
    const h = "0123456789ABCDEF"
    return "0x" + h.charAt((n >> 4) & 15) + h.charAt(n & 15)
}
