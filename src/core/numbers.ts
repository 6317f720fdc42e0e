// Meter numbers: parsed once from the meter's text, and written back without
// ever going through a float-to-string conversion (DeviceScript prints doubles
// with 7 significant digits, so a float must never be the source of a published value).
//
// Accepted syntax: optional spaces, optional sign (+ or -), digits with at most one
// decimal point or comma, at least one digit, optional spaces. Nothing else: hex
// ("1A2F"), dates ("22:48"), exponents ("1e5") and error texts ("ER11") are not numbers.
// Spaces are allowed only around the number because some meters pad inside the
// brackets ("( 12.5*kWh)"); the value text itself keeps them.

/** Where the digits sit in a valid number text, found by `scan`. */
interface Span {
    neg: boolean
    intStart: number // first digit of the integer part (may equal intEnd: ".5")
    intEnd: number
    fracStart: number // first digit after the point (equals fracEnd when none)
    fracEnd: number
}

function isDigit(c: number): boolean {
    return c >= 48 && c <= 57
}

// Validates the whole text by hand (same syntax as parseNumber's loop) and
// locates the digits, for canonicalNumber and for the long-number fallback:
// DeviceScript's parseFloat accepts "0x10" and trailing junk ("3.5kWh" -> 3.5),
// so it is only ever given text checked here.
function scan(text: string): Span | null {
    let i = 0
    let end = text.length
    while (i < end && text.charCodeAt(i) === 32) i++
    while (end > i && text.charCodeAt(end - 1) === 32) end--
    let neg = false
    const s = text.charCodeAt(i)
    if (s === 45 || s === 43) {
        neg = s === 45
        i++
    }
    const intStart = i
    while (i < end && isDigit(text.charCodeAt(i))) i++
    const intEnd = i
    let fracStart = i
    let fracEnd = i
    if (i < end) {
        const p = text.charCodeAt(i)
        if (p !== 46 && p !== 44) return null // only "." or ","
        i++
        fracStart = i
        while (i < end && isDigit(text.charCodeAt(i))) i++
        fracEnd = i
    }
    if (i !== end) return null
    if (intEnd === intStart && fracEnd === fracStart) return null // no digit at all
    return { neg: neg, intStart: intStart, intEnd: intEnd, fracStart: fracStart, fracEnd: fracEnd }
}

/**
 * More significant digits than this and a value is text, not a number: a double
 * holds 15 decimal digits exactly, and a 34-digit equipment id made only of digits
 * (DSMR 0-0:96.1.1) would otherwise become a lossy number that looks like a reading.
 */
export const MAX_SIGNIFICANT = 15

/** 10^MAX_SIGNIFICANT: the digits of a number text make an integer below this */
const MAX_NUMBER = 1e15
// Exact powers of ten (10^22 is the largest exact one), by table: a loop would
// cost DeviceScript steps on every value.
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

/** The number in a meter value such as "00132.149", "-1.5", "0,25" (decimal comma); null for anything else (hex, dates, text, empty, more than MAX_SIGNIFICANT significant digits). */
export function parseNumber(text: string): number | null {
    // One pass that validates and collects every digit into the integer m (the point's
    // position p says how many of them are decimals, k). m has as many digits as the text has
    // significant ones, so at most MAX_SIGNIFICANT of them means m < 10^15 < 2^53; with k <= 22
    // both m and 10^k are exact doubles and the one division is correctly rounded: the result
    // equals JS Number(text) bit for bit. (This runs for every value on the device, so the loop
    // does as little per character as it can: digits, sig and k follow from the positions.)
    let i = 0
    let end = text.length
    while (i < end && text.charCodeAt(i) === 32) i++
    while (end > i && text.charCodeAt(end - 1) === 32) end--
    if (i === end) return null
    let c = text.charCodeAt(i)
    const neg = c === 45
    if (neg || c === 43) i++
    const first = i
    let m = 0
    let p = -1
    while (i < end) {
        c = text.charCodeAt(i)
        if (c >= 48 && c <= 57) m = m * 10 + c - 48
        else if ((c === 46 || c === 44) && p < 0) p = i
        else return null
        i++
    }
    // no digit at all ("", "-", "."), or more than MAX_SIGNIFICANT significant digits
    if (end - first === (p < 0 ? 0 : 1) || m >= MAX_NUMBER) return null
    const k = p < 0 ? 0 : end - p - 1
    let r: number
    if (k <= 22) r = k ? m / POW10[k] : m
    // More than 22 decimals (with at most 15 significant digits): the characters
    // are validated, so the platform's decimal conversion is safe to use.
    else {
        // "  -0012,50 " -> "0012.50" (no sign: it is applied below)
        const sp = scan(text) as Span
        r = parseFloat((sp.intEnd > sp.intStart ? text.slice(sp.intStart, sp.intEnd) : "0") + (sp.fracEnd > sp.fracStart ? "." + text.slice(sp.fracStart, sp.fracEnd) : ""))
    }
    if (r === 0) return 0 // "-0" is 0: a meter has no negative zero
    return neg ? -r : r
}

/** The meter's number as a JSON-safe decimal string: leading zeros dropped, every decimal kept ("00132.1490" -> "132.1490", "0,25" -> "0.25", "-000" -> "0"); null when not a number. */
export function canonicalNumber(text: string): string | null {
    if (parseNumber(text) === null) return null // more than MAX_SIGNIFICANT digits: text, as parseNumber says
    const sp = scan(text)
    if (!sp) return null
    let i = sp.intStart
    while (i < sp.intEnd - 1 && text.charCodeAt(i) === 48) i++ // keep one digit before the point
    let s = i < sp.intEnd ? text.slice(i, sp.intEnd) : "0"
    let zero = s === "0"
    if (sp.fracEnd > sp.fracStart) {
        const f = text.slice(sp.fracStart, sp.fracEnd)
        s += "." + f
        for (let j = 0; j < f.length && zero; j++) if (f.charCodeAt(j) !== 48) zero = false
    }
    // A trailing point ("5.") is dropped, and a zero never carries a sign ("-0.00" -> "0.00").
    return sp.neg && !zero ? "-" + s : s
}
