// Hand-built JSON and topic names. DeviceScript formats numbers with 7
// significant digits (and prints garbage on a carry), so no number that came
// from a meter ever goes through JSON.stringify or "" + x: it is written from
// the meter's own digits by canonicalNumber. Integers we count ourselves
// (milliseconds, counters) print exactly and are written with intText.
import { canonicalNumber } from "../core/numbers"

const HEX = "0123456789ABCDEF"

/** A JSON string literal (quotes included) for any text. */
export function jsonString(s: string): string {
    let plain = true
    for (let i = 0; i < s.length && plain; i++) {
        const c = s.charCodeAt(i)
        if (c < 32 || c === 34 || c === 92) plain = false
    }
    if (plain) return "\"" + s + "\""
    let out = "\""
    let from = 0
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        let esc: string = null
        if (c === 34) esc = "\\\""
        else if (c === 92) esc = "\\\\"
        else if (c === 10) esc = "\\n"
        else if (c === 13) esc = "\\r"
        else if (c === 9) esc = "\\t"
        else if (c < 32) esc = "\\u00" + HEX[c >> 4] + HEX[c & 15]
        if (esc !== null) {
            out += s.slice(from, i) + esc
            from = i + 1
        }
    }
    return out + s.slice(from, s.length) + "\""
}

/** A non-negative or negative integer as decimal text (exact for |x| < 2^53). */
export function intText(x: number): string {
    const n = Math.round(x)
    if (n < 0) return "-" + intText(-n)
    if (n < 1000000000) return "" + n
    // split so that no part is formatted with more than 9 digits
    const hi = Math.floor(n / 1000000000)
    let lo = "" + (n - hi * 1000000000)
    while (lo.length < 9) lo = "0" + lo
    return intText(hi) + lo
}

/** The JSON value for a meter value: its canonical number, else its text as a string. */
export function valueJson(text: string): string {
    const n = canonicalNumber(text)
    return n !== null ? n : jsonString(text)
}

/** Payload of `<base>/<meter>/<address>`: the number as text, else the meter's text. */
export function valueText(text: string): string {
    const n = canonicalNumber(text)
    return n !== null ? n : text
}

/** the characters topicSegment keeps ("." first: haId escapes it too) */
const SAFE = ".-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// every byte of s whose character is not among SAFE from `keep` on becomes "_" + two hex digits
function escaped(s: string, keep: number): string {
    let out = ""
    const b = Buffer.from(s)
    for (let i = 0; i < b.length; i++) {
        const c = b[i]
        // a byte of 128 or more is one character outside SAFE (a string lookup costs less code than the ranges)
        const ch = String.fromCharCode(c)
        out += SAFE.indexOf(ch) >= keep ? ch : "_" + HEX[c >> 4] + HEX[c & 15]
    }
    return out.length ? out : "_"
}

/**
 * Topic-safe form of an address or meter name: every character other than
 * A-Z a-z 0-9 "." "-" becomes "_" + two hex digits (its byte), so "/", "+", "#",
 * "*", ":", " ", "_" and anything non-ASCII are escaped and the form is
 * reversible: "1-0:1.8.0*255" -> "1-0_3A1.8.0_2A255".
 */
export function topicSegment(s: string): string {
    return escaped(s, 0)
}

/** An id for Home Assistant (object ids allow only [a-zA-Z0-9_-]): like topicSegment, "." escaped too. */
export function haId(s: string): string {
    return escaped(s, 1)
}
