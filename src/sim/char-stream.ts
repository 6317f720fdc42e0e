// A message the simulated meter sends, produced one character at a time from the
// profile's text, so nothing proportional to the readout is held: inside the
// DeviceScript VM (64 KB heap) a telegram built as an array of numbers costs
// 8+ bytes a character and one contiguous block, and a real 1 KB DSMR telegram
// ran the simulator out of memory. The parts are literal characters, the
// profile's data lines (line ends normalised while streaming, as blockLines
// does), and check characters computed over what went out before them: the
// IEC 62056-21 BCC and the DSMR P1 CRC-16/ARC.
import { crc16Arc, crcHex } from "../core/crc16"

const enum Part {
    Chars,
    Lines,
    BccStart,
    Bcc,
    CrcStart,
    Crc,
}

const CR = 13
const LF = 10

interface Item {
    kind: Part
    chars: number[] | null
    text: string
    lfOnly: boolean
    /** Bcc: flip bit 0 (a meter with a broken BCC) */
    corrupt: boolean
}

/** Bounds of one data line inside a profile's text (its CR before LF dropped). */
class LineCursor {
    a = 0
    e = 0
    next = 0
    constructor(public text: string) {}
    /** moves to the next line; false when there is none (a final empty line is none) */
    advance(): boolean {
        const t = this.text
        if (this.next > t.length) return false
        let b = t.indexOf("\n", this.next)
        const last = b < 0
        if (last) b = t.length
        let e = b
        if (e > this.next && t.charCodeAt(e - 1) === CR) e--
        if (last && e === this.next) return false
        this.a = this.next
        this.e = e
        this.next = last ? t.length + 1 : b + 1
        return true
    }
}

/** Characters of `text` as data lines ending CR LF (or LF), without building them. */
export function linesLength(text: string, lfOnly: boolean): number {
    const c = new LineCursor(text)
    let n = 0
    while (c.advance()) n += c.e - c.a + (lfOnly ? 1 : 2)
    return n
}

export class CharStream {
    /** characters this stream yields in all */
    length = 0
    private items: Item[] = []
    private ii = 0
    private pos = 0
    private cursor: LineCursor | null = null
    private inLine = false
    private eol = 0 // characters of the current line end already given
    private bccOn = false
    private bcc = 0
    private crcOn = false
    private crc = 0
    private crcText = ""

    private add(kind: Part, chars: number[] | null, text: string, lfOnly: boolean, corrupt: boolean): CharStream {
        this.items.push({ kind: kind, chars: chars, text: text, lfOnly: lfOnly, corrupt: corrupt })
        return this
    }

    /** literal characters (small: an identification, a frame character) */
    chars(cs: number[]): CharStream {
        this.length += cs.length
        return this.add(Part.Chars, cs, "", false, false)
    }

    /** the data lines of a profile text, each ending CR LF (LF when lfOnly) */
    lines(text: string, lfOnly: boolean): CharStream {
        this.length += linesLength(text, lfOnly)
        return this.add(Part.Lines, null, text, lfOnly, false)
    }

    /** the BCC covers the characters after this point */
    bccStart(): CharStream {
        return this.add(Part.BccStart, null, "", false, false)
    }

    /** one character: the 7-bit XOR since bccStart (bit 0 flipped when corrupt) */
    bccChar(corrupt: boolean): CharStream {
        this.length += 1
        return this.add(Part.Bcc, null, "", false, corrupt)
    }

    /** the CRC covers the characters after this point */
    crcStart(): CharStream {
        return this.add(Part.CrcStart, null, "", false, false)
    }

    /** four upper-case hex digits: the CRC-16/ARC since crcStart (DSMR P1 4.x/5.x); bit 0 flipped when corrupt */
    crcChars(corrupt: boolean): CharStream {
        this.length += 4
        return this.add(Part.Crc, null, "", false, corrupt)
    }

    /** the next character; call it exactly `length` times */
    next(): number {
        const c = this.produce()
        if (this.bccOn) this.bcc ^= c
        if (this.crcOn) this.crc = crc16Arc(this.crc, c)
        return c
    }

    private produce(): number {
        for (;;) {
            const it = this.items[this.ii]
            switch (it.kind) {
                case Part.Chars:
                    if (this.pos < (it.chars as number[]).length) return (it.chars as number[])[this.pos++]
                    break
                case Part.Lines: {
                    const c = this.lineChar(it)
                    if (c >= 0) return c
                    break
                }
                case Part.BccStart:
                    this.bccOn = true
                    this.bcc = 0
                    break
                case Part.Bcc:
                    if (this.pos === 0) {
                        this.pos = 1
                        this.bccOn = false
                        return (this.bcc & 0x7f) ^ (it.corrupt ? 1 : 0)
                    }
                    break
                case Part.CrcStart:
                    this.crcOn = true
                    this.crc = 0
                    break
                case Part.Crc:
                    if (this.pos === 0) {
                        this.crcOn = false
                        this.crcText = crcHex(this.crc ^ (it.corrupt ? 1 : 0))
                    }
                    if (this.pos < 4) return this.crcText.charCodeAt(this.pos++)
                    break
            }
            this.ii++
            this.pos = 0
        }
    }

    // The next character of a Lines part, -1 when it is used up.
    private lineChar(it: Item): number {
        if (this.cursor === null) {
            this.cursor = new LineCursor(it.text)
            this.inLine = false
        }
        const cur = this.cursor
        for (;;) {
            if (!this.inLine) {
                if (!cur.advance()) {
                    this.cursor = null
                    return -1
                }
                this.inLine = true
                this.pos = cur.a
                this.eol = 0
            }
            if (this.pos < cur.e) return it.text.charCodeAt(this.pos++) & 0x7f
            if (this.eol === 0 && !it.lfOnly) {
                this.eol = 1
                return CR
            }
            this.inLine = false
            return LF
        }
    }
}
