// Reading an SML capture for the decode tool: raw bytes as a reader recorded them
// (`dd if=/dev/ttyUSB0`), or a hex dump in any layout (libsml-testing's one-line
// `hexdump -ve '1/1 "%.2X"'`, spaced bytes, `0x` prefixes). SML is binary, so
// unlike D0 captures no bit is ever stripped. null when there is no SML start
// sequence, so the caller falls back to the D0 reader.
import { looksLikeSml } from "../src/core/sml/decode"

function hexDigits(text: string): string | null {
    let h = ""
    const tokens = text.split(/[\s,]+/).filter(t => t.length > 0)
    for (const t of tokens) {
        const body = t.startsWith("0x") || t.startsWith("0X") ? t.slice(2) : t
        if (!/^[0-9a-fA-F]+$/.test(body) || body.length % 2 !== 0) return null
        h += body
    }
    return h.length ? h : null
}

export function readSmlCapture(bytes: Uint8Array): Buffer | null {
    const raw = Buffer.from(bytes)
    if (looksLikeSml(raw)) return raw
    const printable = raw.every(b => b === 9 || b === 10 || b === 13 || (b >= 0x20 && b < 0x7f))
    if (!printable) return null
    const h = hexDigits(raw.toString("latin1"))
    if (h === null) return null
    const decoded = Buffer.from(h, "hex")
    return looksLikeSml(decoded) ? decoded : null
}
