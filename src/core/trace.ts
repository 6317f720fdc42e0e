// The raw line trace: the last characters in both directions, each with its
// time, the UART settings in force and the receive error flags, in one
// preallocated ring (a long readout must not grow the heap on a 64 KB device).
// Formatted as one readable line per burst, e.g.
//   +1234 TX 300 7E1 "/?!<CR><LF>"
// and parsed back from that text, so a trace a user posts reproduces the
// session here (see replay.ts). Portable: runs in Node and under DeviceScript.
import { STANDARD_BAUDS } from "./defaults"
import { Format } from "./session-types"
import { RX_FRAMING_ERROR, RX_PARITY_ERROR } from "./types"

/** bytes per entry: time (4), character with flags (2), direction + format (1), baud index (1) */
const ENTRY = 8
const DIR_RX = 1
const FORMAT_8N1 = 2
/** a gap longer than this (beyond the characters' own wire time) starts a new burst line */
const BURST_GAP_MS = 30
/** first line of a formatted trace; the parser accepts any text after the version */
export const TRACE_HEADER = "# opto62056 trace v1"

/** the name a control character is written with, in angle brackets */
const CONTROL_NAMES: Record<string, number> = { NUL: 0, SOH: 1, STX: 2, ETX: 3, EOT: 4, ACK: 6, NAK: 0x15, CR: 13, LF: 10 }
/** the names by code (0..0x15), so writing a character is one lookup: the VM allows ~128K steps between awaits */
const NAME_OF: string[] = ["NUL", "SOH", "STX", "ETX", "EOT", "", "ACK", "", "", "", "LF", "", "", "CR", "", "", "", "", "", "", "", "NAK"]
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

export class LineTrace {
    private buf: Buffer
    private head = 0
    private count = 0
    /** entries overwritten since the last clear: the text says the start is missing */
    lost = 0
    /** time the relative times in the text count from */
    startAt = 0

    constructor(public capacity: number) {
        this.buf = Buffer.alloc(capacity * ENTRY)
    }

    clear(now: number): void {
        this.head = 0
        this.count = 0
        this.lost = 0
        this.startAt = now
    }

    size(): number {
        return this.count
    }

    /** One character on the line at `at` (ms, the same clock as clear). */
    add(at: number, dir: Direction, c: number, baud: number, format: Format): void {
        if (this.capacity <= 0) return
        let slot = this.head + this.count
        if (this.count >= this.capacity) {
            slot = this.head
            this.head = (this.head + 1) % this.capacity
            this.lost++
        } else this.count++
        const o = (slot % this.capacity) * ENTRY
        const t = Math.max(0, Math.round(at - this.startAt))
        const b = this.buf
        b[o] = t & 0xff
        b[o + 1] = (t >> 8) & 0xff
        b[o + 2] = (t >> 16) & 0xff
        b[o + 3] = (t >> 24) & 0xff
        b[o + 4] = c & 0xff
        b[o + 5] = (c >> 8) & 0xff
        b[o + 6] = (dir === "RX" ? DIR_RX : 0) | (format === "8N1" ? FORMAT_8N1 : 0)
        const bi = STANDARD_BAUDS.indexOf(baud)
        b[o + 7] = bi < 0 ? 0 : bi
    }

    /** The entries as bursts (consecutive characters of one direction and UART setting without a long gap), oldest first. */
    bursts(): TraceBurst[] {
        const out: TraceBurst[] = []
        let cur: TraceBurst | null = null
        let lastT = 0
        for (let i = 0; i < this.count; i++) {
            const o = ((this.head + i) % this.capacity) * ENTRY
            const b = this.buf
            const t = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
            const c = b[o + 4] | (b[o + 5] << 8)
            const dir: Direction = (b[o + 6] & DIR_RX) !== 0 ? "RX" : "TX"
            const format: Format = (b[o + 6] & FORMAT_8N1) !== 0 ? "8N1" : "7E1"
            const baud = STANDARD_BAUDS[b[o + 7]]
            const gap = t - lastT - 10000 / baud
            if (cur === null || cur.dir !== dir || cur.baud !== baud || cur.format !== format || gap > BURST_GAP_MS) {
                cur = { t: t, dir: dir, baud: baud, format: format, chars: [] }
                out.push(cur)
            }
            cur.chars.push(c)
            lastT = t
        }
        return out
    }

    /** The text's first lines: the header, the note, what was overwritten. */
    headerLines(note: string): string[] {
        const lines: string[] = [TRACE_HEADER]
        if (note.length) lines.push("# " + note)
        if (this.lost > 0) lines.push("# " + this.lost + " earlier characters were overwritten")
        return lines
    }

    /** The readable text: a header, then one line per burst. */
    text(note: string): string {
        const lines = this.headerLines(note)
        const bs = this.bursts()
        for (let i = 0; i < bs.length; i++) lines.push(burstLine(bs[i]))
        return lines.join("\n") + "\n"
    }
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

export function burstLine(b: TraceBurst): string {
    const parts: string[] = ["+" + b.t, b.dir, "" + b.baud, b.format]
    let s = ""
    for (let i = 0; i < b.chars.length; i++) s += charText(b.chars[i])
    parts.push("\"" + s + "\"")
    return parts.join(" ")
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
    const named = CONTROL_NAMES[name.toUpperCase()]
    if (named !== undefined) return named
    return hexValue(name)
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
