// The raw line trace: the last characters in both directions, each with its
// time, the UART settings in force and the receive error flags, in one
// preallocated ring (a long readout must not grow the heap on a 64 KB device).
// Formatted as one readable line per burst, e.g.
//   +1234 TX 300 7E1 "/?!<CR><LF>"
// and parsed back from that text, so a trace a user posts reproduces the
// session here (see replay.ts). Portable: runs in Node and under DeviceScript.
import { STANDARD_BAUDS } from "./defaults"
import "./bytes"
import { Format } from "./session-types"
import { RX_FRAMING_ERROR, RX_PARITY_ERROR } from "./types"

// Storage: one byte per character in a ring (at 7E1 bit 7 set = a parity error, as the link marks
// it; at 8N1 the byte as it came), and a ring of as many segments (characters added at one time
// with one direction, UART setting and error flags; 9 bytes: time and number of the first
// character, u32 LE each, then the meta byte). A received run is one segment and one native copy,
// not a write per character. Every segment has a character, so the newest `capacity` segments
// always reach back to the oldest character kept.
const SEG = 9
const DIR_RX = 1
const FORMAT_8N1 = 2
const FRAMING = 4
const PARITY = 8
/** a gap longer than this (beyond the characters' own wire time) starts a new burst line */
const BURST_GAP_MS = 30
/** first line of a formatted trace; the parser accepts any text after the version */
export const TRACE_HEADER = "# opto62056 trace v1"

/**
 * the name a control character is written with, in angle brackets, by code (0..0x15), so writing a
 * character is one lookup (the VM allows ~128K steps between awaits); split from one string, which
 * costs no function code
 */
const NAME_OF: string[] = "NUL,SOH,STX,ETX,EOT,,ACK,,,,LF,,,CR,,,,,,,,NAK".split(",")
const HEX = "0123456789abcdef"

export type Direction = "TX" | "RX"

export interface TraceBurst {
    /** ms since the trace's start mark */
    t: number
    dir: Direction
    baud: number
    format: Format
    /** 7-bit characters (8 bits at 8N1), with RX_* flags on received ones */
    chars: number[]
}

/** Where LineTrace.piece stands in the entries, and the burst it has open. */
export interface TraceCursor {
    i: number
    open: boolean
    done: boolean
    lastT: number
    dir: Direction
    baud: number
    format: Format
}

export function traceCursor(): TraceCursor {
    return { i: 0, open: false, done: false, lastT: 0, dir: "TX", baud: 300, format: "7E1" }
}

export class LineTrace {
    private chars: Buffer
    private seg: Buffer
    /** segments written since the last clear (segment k is at k % capacity) */
    private segs = 0
    /** characters added since the last clear */
    private end = 0
    /** entries overwritten since the last clear: the text says the start is missing */
    lost = 0
    /** time the relative times in the text count from */
    startAt = 0

    constructor(public capacity: number) {
        this.chars = Buffer.alloc(capacity)
        this.seg = Buffer.alloc(capacity * SEG)
    }

    clear(now: number): void {
        this.segs = 0
        this.end = 0
        this.lost = 0
        this.startAt = now
    }

    /** One character on the line at `at` (ms, the same clock as clear), with RX_* flags. */
    add(at: number, dir: Direction, c: number, baud: number, format: Format): void {
        this.chars[this.open(at, dir, baud, format, (c & RX_FRAMING_ERROR ? FRAMING : 0) | (c & RX_PARITY_ERROR ? PARITY : 0), 1)] = c & 0xff
    }

    /** Received bytes, all at `at`: 7-bit characters with bit 7 set for an error at 7E1, bytes as they came at 8N1. */
    addBytes(at: number, b: Buffer, baud: number, format: Format): void {
        const n = b.length
        const cap = this.capacity
        // only the last `capacity` bytes stay; they go in one or two pieces around the ring's end
        let i = n > cap ? n - cap : 0
        let pos = (this.end + i) % cap
        if (n) this.open(at, "RX", baud, format, 0, n)
        while (i < n) {
            const m = Math.min(n - i, cap - pos)
            // (a whole chunk that fits before the ring's end, the usual case, goes without a copy)
            this.chars.set(m === n ? b : b.slice(i, i + m), pos)
            i += m
            pos = 0
        }
    }

    /** Accounts `n` characters in a segment (the newest one when it matches); the ring position of the last of them. */
    private open(at: number, dir: Direction, baud: number, format: Format, flags: number, n: number): number {
        const cap = this.capacity
        const t = Math.max(0, Math.round(at - this.startAt))
        const bi = STANDARD_BAUDS.indexOf(baud)
        const meta = (dir === "RX" ? DIR_RX : 0) | (format === "8N1" ? FORMAT_8N1 : 0) | flags | ((bi < 0 ? 0 : bi) << 4)
        const sb = this.seg
        const last = ((this.segs + cap - 1) % cap) * SEG
        if (this.segs === 0 || sb[last + 8] !== meta || sb.getAt(last, "u32") !== t) {
            const o = (this.segs++ % cap) * SEG
            sb.setAt(o, "u32", t)
            sb.setAt(o + 4, "u32", this.end)
            sb[o + 8] = meta
        }
        this.end += n
        this.lost = this.end > cap ? this.end - cap : 0
        return (this.end - 1) % cap
    }

    /**
     * The text after the header, a piece at a time: at most `max` characters' worth from where
     * `at` stands (it moves on), or null once everything was written. Nothing proportional to the
     * trace is built, so a device writes a full trace with a small heap and between awaits.
     */
    piece(at: TraceCursor, max: number): string | null {
        if (at.done) return null
        const out: string[] = []
        const cap = this.capacity
        const sb = this.seg
        let n = 0
        // the segment of the character at.i: from the oldest one kept, on while the next one starts at or before it
        let k = this.segs > cap ? this.segs - cap : 0
        while (n < max && this.lost + at.i < this.end) {
            const seq = this.lost + at.i
            while (k + 1 < this.segs && sb.getAt(((k + 1) % cap) * SEG + 4, "u32") <= seq) k++
            const o = (k % cap) * SEG
            const t = sb.getAt(o, "u32")
            const m = sb[o + 8]
            const dir: Direction = (m & DIR_RX) !== 0 ? "RX" : "TX"
            const format: Format = (m & FORMAT_8N1) !== 0 ? "8N1" : "7E1"
            const baud = STANDARD_BAUDS[m >> 4]
            if (!at.open || at.dir !== dir || at.baud !== baud || at.format !== format || t - at.lastT - 10000 / baud > BURST_GAP_MS) {
                if (at.open) out.push("\"\n")
                out.push(burstHead({ t: t, dir: dir, baud: baud, format: format, chars: [] }))
                at.open = true
                at.dir = dir
                at.baud = baud
                at.format = format
            }
            let c = this.chars[seq % cap]
            // at 7E1 bit 7 is the link's error mark
            if (format === "7E1" && c > 0x7f) c ^= 0x80 | RX_PARITY_ERROR
            out.push(charText(c | (m & FRAMING ? RX_FRAMING_ERROR : 0) | (m & PARITY ? RX_PARITY_ERROR : 0)))
            at.lastT = t
            at.i++
            n++
        }
        if (this.lost + at.i >= this.end) {
            if (at.open) out.push("\"\n")
            at.done = true
        }
        return out.join("")
    }

    /** The text's first lines: the header, the note, what was overwritten. */
    headerLines(note: string): string[] {
        const lines: string[] = [TRACE_HEADER]
        if (note.length) lines.push("# " + note)
        if (this.lost > 0) lines.push("# " + this.lost + " earlier characters were overwritten")
        return lines
    }
}

/** The readable text: a header, then one line per burst (a free function: the device writes it piece by piece). */
export function traceText(t: LineTrace, note: string): string {
    return t.headerLines(note).join("\n") + "\n" + t.piece(traceCursor(), t.capacity)
}

function hex2(n: number): string {
    return HEX.charAt((n >> 4) & 15) + HEX.charAt(n & 15)
}

/** One character as written in a burst: printable as is, controls by name, others and damaged ones in hex. */
export function charText(c: number): string {
    const v = c & 0xff
    if ((c & RX_FRAMING_ERROR) !== 0) return "<F:" + hex2(v) + ">"
    if ((c & RX_PARITY_ERROR) !== 0) return "<P:" + hex2(v) + ">"
    if (v >= 0x20 && v < 0x7f && v !== 0x3c && v !== 0x22) return String.fromCharCode(v)
    const name = v < NAME_OF.length ? NAME_OF[v] : ""
    return "<" + (name.length ? name : hex2(v)) + ">"
}

/** A burst line's start, up to its opening quote; its characters follow (charText each), then a closing quote. */
export function burstHead(b: TraceBurst): string {
    return "+" + b.t + " " + b.dir + " " + b.baud + " " + b.format + " \""
}

export function burstLine(b: TraceBurst): string {
    const text: string[] = []
    for (let i = 0; i < b.chars.length; i++) text.push(charText(b.chars[i]))
    return burstHead(b) + text.join("") + "\""
}

function hexValue(s: string): number {
    if (s.length !== 2) return -1
    const a = HEX.indexOf(s.charAt(0).toLowerCase())
    const b = HEX.indexOf(s.charAt(1).toLowerCase())
    return a < 0 || b < 0 ? -1 : a * 16 + b
}

/** One `<...>` escape's character (with flags), or -1 when it is not one of ours. */
function escapeValue(name: string): number {
    if (name.startsWith("F:")) {
        const v = hexValue(name.slice(2, name.length))
        return v < 0 ? -1 : v | RX_FRAMING_ERROR
    }
    if (name.startsWith("P:")) {
        const v = hexValue(name.slice(2, name.length))
        return v < 0 ? -1 : v | RX_PARITY_ERROR
    }
    const named = name.length ? NAME_OF.indexOf(name.toUpperCase()) : -1
    return named >= 0 ? named : hexValue(name)
}

export interface ParsedTrace {
    bursts: TraceBurst[]
    /** lines that were not understood, with their numbers (1-based) */
    errors: string[]
}

/** Reads a trace's text back; comment lines (#) and blank lines are skipped, bad lines are reported, never thrown. */
export function parseTrace(text: string): ParsedTrace {
    const bursts: TraceBurst[] = []
    const errors: string[] = []
    const lines = text.split("\n")
    for (let n = 0; n < lines.length; n++) {
        const line = lines[n].trim()
        if (!line.length || line.charAt(0) === "#") continue
        const b = parseBurstLine(line)
        if (b === null) errors.push("line " + (n + 1) + ": not a trace line: " + line.slice(0, 60))
        else bursts.push(b)
    }
    return { bursts: bursts, errors: errors }
}

function parseBurstLine(line: string): TraceBurst | null {
    const q = line.indexOf("\"")
    if (q < 0 || !line.endsWith("\"") || q === line.length - 1) return null
    const head = line.slice(0, q).trim().split(" ").filter(s => s.length > 0)
    if (head.length !== 4 || head[0].charAt(0) !== "+") return null
    const t = parseInt(head[0].slice(1, head[0].length))
    const dir = head[1]
    const baud = parseInt(head[2])
    const format = head[3]
    if (isNaN(t) || (dir !== "TX" && dir !== "RX") || STANDARD_BAUDS.indexOf(baud) < 0 || (format !== "7E1" && format !== "8N1")) return null
    const body = line.slice(q + 1, line.length - 1)
    const chars: number[] = []
    let i = 0
    while (i < body.length) {
        const ch = body.charAt(i)
        if (ch === "<") {
            const end = body.indexOf(">", i)
            if (end < 0) return null
            const v = escapeValue(body.slice(i + 1, end))
            if (v < 0) return null
            chars.push(v)
            i = end + 1
        } else {
            chars.push(body.charCodeAt(i))
            i++
        }
    }
    return { t: t, dir: dir as Direction, baud: baud, format: format as Format, chars: chars }
}
