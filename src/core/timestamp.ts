// Timestamps inside meter values, as ISO 8601 text for the published "at": DSMR's
// `YYMMDDhhmmssX` (DSMR 5.0.2 P1 companion standard, "TST": X = W winter time, S
// summer time, Central European: +01:00 / +02:00) and IEC 62056-21's `YY-MM-DD hh:mm`
// (local time, no zone said). Two-digit years are 20YY: no meter that speaks
// either format was made before 2000.

// The two shapes: "9" stands for a digit, "X" for W or S, anything else for itself.
const DSMR_TST = "999999999999X"
const IEC_TIME = "99-99-99 99:99"

function fits(t: string, shape: string): boolean {
    if (t.length !== shape.length) return false
    for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i)
        const s = shape.charCodeAt(i)
        if (s === 57 ? c < 48 || c > 57 : s === 88 ? c !== 87 && c !== 83 : c !== s) return false
    }
    return true
}

/** The ISO 8601 text of a meter timestamp, or null when the text is none. */
export function isoTimestamp(t: string): string | null {
    if (fits(t, DSMR_TST))
        return "20" + t.slice(0, 2) + "-" + t.slice(2, 4) + "-" + t.slice(4, 6) + "T" + t.slice(6, 8) + ":" + t.slice(8, 10) + ":" + t.slice(10, 12) + (t.charAt(12) === "W" ? "+01:00" : "+02:00")
    return fits(t, IEC_TIME) ? "20" + t.slice(0, 8) + "T" + t.slice(9, 14) : null
}
