// Reading a capture file into 7-bit characters: raw bytes (7-bit, or 8N1 with the
// parity bit in bit 7) or a hex dump (`2F 3F 21 0D 0A`, `<STX>`/`<0D><0A>` escapes).
import { decode7E1, parityBit } from "../src/core/bytes"

export type CaptureFormat = "raw7" | "raw8n1-parity" | "hex" | "escaped"

export class CaptureError extends Error {}

const NAMES: Record<string, number> = {
    NUL: 0, SOH: 1, STX: 2, ETX: 3, EOT: 4, ACK: 6, LF: 10, CR: 13, NAK: 0x15,
}

function isHexDump(s: string): boolean {
    const tokens = s.split(/[\s,]+/).filter(t => t.length > 0)
    return tokens.length > 0 && tokens.every(t => /^(0x)?[0-9a-fA-F]{2}$/.test(t))
}

/** Parses a capture; throws CaptureError naming what is unreadable. */
export function readCapture(bytes: Uint8Array): { chars: number[]; format: CaptureFormat } {
    if (bytes.length === 0) throw new CaptureError("the capture is empty")
    const asText = Buffer.from(bytes).toString("latin1")
    const printable = bytes.every(b => b === 9 || b === 10 || b === 13 || (b >= 0x20 && b < 0x7f))
    if (printable && isHexDump(asText)) {
        const tokens = asText.split(/[\s,]+/).filter(t => t.length > 0)
        const values = tokens.map(t => parseInt(t.replace(/^0x/, ""), 16))
        return { chars: values.map(decodeByte(values)), format: "hex" }
    }
    if (printable && /<(STX|ETX|SOH|EOT|ACK|NAK|CR|LF|NUL|[0-9A-Fa-f]{2})>/.test(asText)) {
        const chars: number[] = []
        const re = /<([A-Z]{2,3}|[0-9A-Fa-f]{2})>|([\s\S])/g
        let m: RegExpExecArray | null
        while ((m = re.exec(asText))) {
            if (m[1] !== undefined) {
                const v = NAMES[m[1]] ?? parseInt(m[1], 16)
                if (Number.isNaN(v)) throw new CaptureError(`unknown escape <${m[1]}> at offset ${m.index}`)
                chars.push(v)
            } else if (m[2] !== "\n" && m[2] !== "\r") chars.push(m[2].charCodeAt(0)) // layout line breaks are not data
        }
        return { chars: chars.map(decodeByte(chars)), format: "escaped" }
    }
    const arr = Array.from(bytes)
    return { chars: arr.map(decodeByte(arr)), format: carriesParity(arr) ? "raw8n1-parity" : "raw7" }
}

/**
 * Whether a capture carries 7E1 parity bits in bit 7 (an 8N1 port on a 7E1 line).
 * A 7E1 line sets bit 7 exactly on the characters whose low 7 bits have an odd
 * number of ones, so on such a capture nearly every one of those characters has
 * it set; on a 7-bit capture nearly none has. One stray high byte (a gateway's
 * `FF FF FF FF` fill, line noise) must not flip a 7-bit capture into parity mode,
 * so the decision is a majority over the characters that would need the bit.
 * Fill bytes (0xFF, 0x00) say nothing: both have even parity at 8 bits.
 */
export function carriesParity(all: number[]): boolean {
    let needBit = 0
    let haveBit = 0
    for (const b of all) {
        if (b === 0xff || b === 0x00) continue
        if (parityBit(b)) {
            needBit++
            if (b & 0x80) haveBit++
        }
    }
    return needBit > 0 && haveBit * 2 > needBit
}

function decodeByte(all: number[]): (b: number) => number {
    // A 7-bit capture keeps the low 7 bits of a stray high byte: 0xFF becomes DEL,
    // which the framer drops between messages and rejects inside one.
    return carriesParity(all) ? decode7E1 : (b: number) => b & 0x7f
}
