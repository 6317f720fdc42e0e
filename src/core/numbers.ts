// Meter numbers: parsed once from the meter's text, and written back without
// ever going through a float-to-string conversion.

/** The number in a meter value such as "00132.149", "-1.5", "0,25" (decimal comma); null for anything else (hex, dates, text, empty). */
export function parseNumber(text: string): number | null {
    return null // TODO(data helper)
}

/** The meter's number as a JSON-safe decimal string: leading zeros dropped, every decimal kept ("00132.1490" -> "132.1490", "0,25" -> "0.25", "-000" -> "0"); null when not a number. */
export function canonicalNumber(text: string): string | null {
    return null // TODO(data helper)
}
