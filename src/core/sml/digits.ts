// Exact decimal text of SML integers (up to 64 bits) and of integer × 10^scaler,
// without BigInt and without float-to-string: a 64-bit register value exceeds a
// double's 53 bits, and DeviceScript prints doubles with 7 significant digits.
// Integers below 2^32 print exactly on both platforms; larger ones are built
// from two 32-bit halves with digit-string arithmetic.

const TWO32 = 4294967296

// Least significant digit first, so carries append at the end.
function digitsOf(n: number): number[] {
    const s = "" + n
    const out: number[] = []
    for (let i = s.length - 1; i >= 0; i--) out.push(s.charCodeAt(i) - 48)
    return out
}

function mulAdd(d: number[], m: number, add: number): void {
    let carry = add
    for (let i = 0; i < d.length; i++) {
        const v = d[i] * m + carry
        carry = Math.floor(v / 10)
        d[i] = v - carry * 10
    }
    while (carry > 0) {
        const q = Math.floor(carry / 10)
        d.push(carry - q * 10)
        carry = q
    }
}

function addDigits(d: number[], e: number[]): void {
    let carry = 0
    for (let i = 0; i < e.length || carry; i++) {
        if (i === d.length) d.push(0)
        const v = d[i] + (i < e.length ? e[i] : 0) + carry
        carry = v >= 10 ? 1 : 0
        d[i] = v - carry * 10
    }
}

/** Decimal text of hi × 2^32 + lo, where 0 ≤ hi, lo < 2^32 (no sign, no leading zeros). */
export function u64Text(hi: number, lo: number): string {
    if (hi === 0) return "" + lo
    const d = digitsOf(hi)
    // × 2^32 as two × 2^16 steps: digit × 65536 + carry stays far below 2^53
    mulAdd(d, 65536, 0)
    mulAdd(d, 65536, 0)
    addDigits(d, digitsOf(lo))
    let i = d.length - 1
    while (i > 0 && d[i] === 0) i--
    let s = ""
    for (; i >= 0; i--) s += String.fromCharCode(48 + d[i])
    return s
}

/**
 * The value of an SML integer as sign and decimal digits: `bytes[from..from+n)`
 * big-endian, two's complement when `signed`. n is 1..8 (also 3, 5, 6, 7).
 */
export function intText(bytes: Buffer, from: number, n: number, signed: boolean): string {
    const split = n > 4 ? n - 4 : 0
    let hi = 0
    for (let i = 0; i < split; i++) hi = hi * 256 + bytes[from + i]
    let lo = 0
    for (let i = split; i < n; i++) lo = lo * 256 + bytes[from + i]
    if (!signed || bytes[from] < 0x80) return u64Text(hi, lo)
    // |v| = 2^(8n) - v, on the halves (every intermediate is an exact double)
    if (split === 0) return "-" + (Math.pow(2, 8 * n) - lo)
    const hiTop = Math.pow(2, 8 * split)
    if (lo === 0) return "-" + u64Text(hiTop - hi, 0)
    return "-" + u64Text(hiTop - hi - 1, TWO32 - lo)
}

/** `digits` (optional leading "-") × 10^scaler as exact decimal text: ("138", -1) → "13.8", ("-5", -3) → "-0.005", ("12", 3) → "12000". */
export function scaledText(digits: string, scaler: number): string {
    const neg = digits.charCodeAt(0) === 45
    let d = neg ? digits.slice(1, digits.length) : digits
    if (scaler > 0) {
        if (d !== "0") for (let i = 0; i < scaler; i++) d += "0"
    } else if (scaler < 0) {
        const k = -scaler
        while (d.length < k + 1) d = "0" + d
        d = d.slice(0, d.length - k) + "." + d.slice(d.length - k, d.length)
    }
    return neg ? "-" + d : d
}

const HEX = "0123456789abcdef"

/** bytes[from..to) as lower-case hex. */
export function hexText(bytes: Buffer, from: number, to: number): string {
    let s = ""
    for (let i = from; i < to; i++) s += HEX.charAt(bytes[i] >> 4) + HEX.charAt(bytes[i] & 15)
    return s
}
