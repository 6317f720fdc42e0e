// Reading SML's TL (type-length) encoding from a telegram payload (SML 1.04
// §6.3). The reader never reads outside [pos, end): any field that would is
// reported as `ok = false` and the caller drops the message, so a damaged or
// hostile telegram can neither throw nor loop.
import { Tl } from "./wire"

/** Nesting depth of lists skipped; real telegrams go 5 deep. */
const MAX_DEPTH = 12

export class TlReader {
    /** type nibble (Tl.OctetString … Tl.List) of the last header read */
    type = 0
    /** content bytes of a scalar, element count of a list */
    len = 0
    ok = true

    constructor(public buf: Buffer, public pos: number, public end: number) {}

    /** The type of the last header read (a method, so TypeScript does not narrow it across header() calls). */
    kind(): number {
        return this.type
    }

    /** The byte at pos without consuming it, or -1 at the end. */
    peek(): number {
        return this.pos < this.end ? this.buf[this.pos] : -1
    }

    /** Reads a TL header; false (and ok = false) when it runs past the end or is malformed. */
    header(): boolean {
        if (this.pos >= this.end) return this.fail()
        let b = this.buf[this.pos++]
        this.type = b & Tl.TypeMask
        let len = b & Tl.LenMask
        let n = 1
        while (b & Tl.More) {
            if (this.pos >= this.end || n >= 4) return this.fail()
            b = this.buf[this.pos++]
            // continuation bytes carry only length bits (their type nibble is 0)
            if (b & Tl.TypeMask) return this.fail()
            len = len * 16 + (b & Tl.LenMask)
            n++
        }
        if (this.type === Tl.List) this.len = len
        else {
            // a scalar's length counts its TL bytes; 00 (end of message) is the only length 0
            if (len < n && !(len === 0 && n === 1)) return this.fail()
            this.len = len === 0 ? 0 : len - n
            if (this.pos + this.len > this.end) return this.fail()
        }
        return true
    }

    fail(): boolean {
        this.ok = false
        return false
    }

    /** Skips one element of any type (lists recursively). */
    skip(depth: number = 0): boolean {
        if (!this.header()) return false
        if (this.type !== Tl.List) {
            this.pos += this.len
            return true
        }
        if (depth >= MAX_DEPTH) return this.fail()
        const n = this.len
        for (let i = 0; i < n; i++) if (!this.skip(depth + 1)) return false
        return true
    }

    /** Expects a list of exactly `n` elements. */
    list(n: number): boolean {
        if (!this.header()) return false
        return this.type === Tl.List && this.len === n ? true : this.fail()
    }

    /** An unsigned or signed integer of up to 4 bytes as a number, or -1 (and ok unchanged) for an absent optional. */
    smallUnsigned(): number {
        if (this.peek() === Tl.Absent) {
            this.pos++
            return -1
        }
        if (!this.header()) return -1
        if ((this.type !== Tl.Unsigned && this.type !== Tl.Integer) || this.len < 1 || this.len > 4) {
            this.fail()
            return -1
        }
        let v = 0
        for (let i = 0; i < this.len; i++) v = v * 256 + this.buf[this.pos + i]
        this.pos += this.len
        return v
    }
}
