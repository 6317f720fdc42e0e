// A simulated SML meter: the exact bytes a profile's meter pushes, telegram after
// telegram (transaction ids and energy counters advance), with the line faults
// the D0 simulator knows (dropped and flipped bytes, truncation, noise) injected
// at chosen places or at random from a seed. Portable subset.
import { encodeSmlFile, encodeTelegram, SmlEntrySpec, SmlValueSpec } from "../core/sml/writer"
import { obisBytes, rawDigits, SmlProfile, SmlRegister } from "./sml-profile"

const POWER = "1-0:16.7.0*255"

/** One fault in telegram `telegram` (0-based) at byte `at` of that telegram. */
export interface SmlFault {
    kind: "drop" | "flip" | "truncate" | "noise"
    telegram: number
    at: number
    /** flip: the bit (0..7); noise: how many bytes */
    n: number
}

/** Random faults per byte sent, from a seed (for long runs). */
export interface SmlFaultRates {
    seed: number
    drop: number
    flip: number
}

// decimal digits + a non-negative integer (counters only go up)
function addTo(digits: string, n: number): string {
    if (n === 0 || digits.charAt(0) === "-") return digits
    const out: number[] = []
    let carry = n
    for (let i = digits.length - 1; i >= 0; i--) {
        const v = digits.charCodeAt(i) - 48 + carry
        carry = Math.floor(v / 10)
        out.push(v - carry * 10)
    }
    while (carry > 0) {
        out.push(carry % 10)
        carry = Math.floor(carry / 10)
    }
    let s = ""
    for (let i = out.length - 1; i >= 0; i--) s += String.fromCharCode(48 + out[i])
    return s
}

function asciiHex(s: string): string {
    const h = "0123456789abcdef"
    let out = ""
    for (let i = 0; i < s.length; i++) out += h.charAt((s.charCodeAt(i) >> 4) & 15) + h.charAt(s.charCodeAt(i) & 15)
    return out
}

// bytes with `del` bytes at `at` replaced by `ins` (DeviceScript has no Array concat/splice)
function spliced(bytes: number[], at: number, del: number, ins: number[]): number[] {
    const out: number[] = []
    for (let i = 0; i < at; i++) out.push(bytes[i])
    for (let i = 0; i < ins.length; i++) out.push(ins[i])
    for (let i = at + del; i < bytes.length; i++) out.push(bytes[i])
    return out
}

export class SmlSimMeter {
    /** telegrams produced so far */
    sent = 0
    private rng: number

    constructor(public profile: SmlProfile, public transactionBase: number = 0x00430000, public faults: SmlFault[] = [], public rates: SmlFaultRates | null = null) {
        this.rng = rates ? rates.seed >>> 0 || 1 : 1
    }

    private value(r: SmlRegister, k: number): SmlValueSpec {
        if (r.type === "octets") return { kind: "octets", hex: r.hex ? r.value : asciiHex(r.value) }
        let digits = addTo(rawDigits(r.value, r.scaler) as string, r.step * k)
        if (this.profile.quirks.powerSentSigned && r.obis === POWER) {
            // the DVS74 defect: the register is unsigned, the meter labels it int16
            let raw = parseInt(digits)
            if (raw > 32767 && raw < 65536) raw -= 65536
            return { kind: "int", size: 2, digits: "" + raw }
        }
        return { kind: r.type, size: r.size, digits: digits }
    }

    /** The bytes of telegram k (0-based), without faults. */
    telegram(k: number): number[] {
        const entries: SmlEntrySpec[] = []
        const regs = this.profile.registers
        for (let i = 0; i < regs.length; i++)
            entries.push({ obis: obisBytes(regs[i].obis) as number[], unit: regs[i].unit, scaler: regs[i].scaler, value: this.value(regs[i], k) })
        const file = encodeSmlFile({ serverId: this.profile.serverId, transaction: this.transactionBase + 3 * k, entries: entries })
        return encodeTelegram(file, this.profile.quirks.trailerCrc === "kermit" ? "kermit" : "x25")
    }

    private random(): number {
        // xorshift32: the same faults on every platform for the same seed
        let x = this.rng
        x ^= x << 13
        x ^= x >>> 17
        x ^= x << 5
        this.rng = x >>> 0
        return this.rng / 4294967296
    }

    /** The next telegram as it arrives on the line, faults applied. */
    next(): number[] {
        const k = this.sent++
        let bytes = this.telegram(k)
        for (let i = 0; i < this.faults.length; i++) {
            const f = this.faults[i]
            if (f.telegram !== k) continue
            const at = Math.min(f.at, bytes.length)
            if (f.kind === "drop") bytes = spliced(bytes, at, 1, [])
            else if (f.kind === "flip" && at < bytes.length) bytes[at] = bytes[at] ^ (1 << (f.n & 7))
            else if (f.kind === "truncate") bytes = bytes.slice(0, at)
            else if (f.kind === "noise") {
                const noise: number[] = []
                for (let j = 0; j < f.n; j++) noise.push(Math.floor(this.random() * 256))
                bytes = spliced(bytes, at, 0, noise)
            }
        }
        if (this.rates !== null && (this.rates.drop > 0 || this.rates.flip > 0)) {
            const out: number[] = []
            for (let i = 0; i < bytes.length; i++) {
                if (this.random() < this.rates.drop) continue
                out.push(this.random() < this.rates.flip ? bytes[i] ^ (1 << Math.floor(this.random() * 8)) : bytes[i])
            }
            bytes = out
        }
        return bytes
    }

    /** Milliseconds the telegram takes on the wire at the profile's baud (10 bits per byte, 8N1). */
    wireMs(bytes: number): number {
        return (bytes * 10000) / this.profile.baud
    }
}
