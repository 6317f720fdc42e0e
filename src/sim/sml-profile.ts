// SML meter profiles (profiles/sml/*.json): what a simulated SML meter pushes and
// how it deviates from the book. Validated field by field like the D0 profiles
// (src/sim/profiles.ts): every error collected, naming the field and what it
// accepts; unknown fields rejected. Portable subset.
import { SmlOptions } from "../core/sml/reader"

export interface SmlRegister {
    /** "A-B:C.D.E*F", all six parts decimal 0..255 */
    obis: string
    /** integer registers: "int" | "uint" and the byte size 1..8; octet strings: "octets" */
    type: "int" | "uint" | "octets"
    size: number
    scaler: number
    /** DLMS unit code, or null */
    unit: number | null
    /** int/uint: the value as the reader must show it, with exactly -scaler decimals ("14798112.9"); octets: ASCII text or, with hex: true, hex */
    value: string
    hex: boolean
    /** raw units added per telegram (energy counters advance; 0 = constant) */
    step: number
}

export interface SmlQuirks {
    /** trailer CRC: "x25" as specified, "kermit" as early Holley DTZ541 firmware (volkszaehler/libsml#75) */
    trailerCrc: "x25" | "kermit"
    /** positive 1-0:16.7.0 sent as a signed 16-bit integer, so above 327.67 W it reads negative (older DZG DVS74) */
    powerSentSigned: boolean
}

export interface SmlProfile {
    name: string
    protocol: "sml"
    serverId: string
    baud: number
    pushIntervalMs: number
    registers: SmlRegister[]
    quirks: SmlQuirks
    /** reader options this meter needs (what a user would set for it) */
    reader: Partial<SmlOptions>
    source: string
    notes: string
}

export interface SmlProfileResult {
    profile: SmlProfile | null
    errors: string[]
}

const FIELDS = ["name", "protocol", "serverId", "baud", "pushIntervalMs", "registers", "quirks", "reader", "source", "notes", "$comment"]
const REGISTER_FIELDS = ["obis", "type", "size", "scaler", "unit", "value", "hex", "step"]
const QUIRK_FIELDS = ["trailerCrc", "powerSentSigned"]
const READER_FIELDS = ["transportCrc", "powerUnsignedFor"]

function isInt(v: any): boolean {
    return typeof v === "number" && Math.floor(v) === v
}

function isHex(s: string): boolean {
    if (s.length === 0 || s.length % 2 !== 0) return false
    for (let i = 0; i < s.length; i++) if ("0123456789abcdef".indexOf(s.charAt(i)) < 0) return false
    return true
}

function unknown(obj: any, known: string[], prefix: string, errors: string[]): void {
    const keys = Object.keys(obj)
    for (let i = 0; i < keys.length; i++) if (known.indexOf(keys[i]) < 0) errors.push(`${prefix}${keys[i]}: unknown field (accepted: ${known.join(", ")})`)
}

/** The six bytes of "A-B:C.D.E*F", or null. */
export function obisBytes(s: string): number[] | null {
    const dash = s.indexOf("-")
    const colon = s.indexOf(":")
    const star = s.indexOf("*")
    if (dash < 1 || colon < dash || star < colon) return null
    const cde = s.slice(colon + 1, star).split(".")
    if (cde.length !== 3) return null
    const parts = [s.slice(0, dash), s.slice(dash + 1, colon), cde[0], cde[1], cde[2], s.slice(star + 1, s.length)]
    const out: number[] = []
    for (let i = 0; i < 6; i++) {
        const p = parts[i]
        if (p.length < 1 || p.length > 3) return null
        let n = 0
        for (let k = 0; k < p.length; k++) {
            const c = p.charCodeAt(k)
            if (c < 48 || c > 57) return null
            n = n * 10 + c - 48
        }
        if (n > 255) return null
        out.push(n)
    }
    return out
}

/** The raw integer digits of a register value with exactly -scaler decimals ("14798112.9", -1 → "147981129"), or null. */
export function rawDigits(value: string, scaler: number): string | null {
    const neg = value.charAt(0) === "-"
    const v = neg ? value.slice(1, value.length) : value
    const point = v.indexOf(".")
    const decimals = point < 0 ? 0 : v.length - point - 1
    if (decimals !== (scaler < 0 ? -scaler : 0)) return null
    let d = point < 0 ? v : v.slice(0, point) + v.slice(point + 1, v.length)
    if (d.length === 0) return null
    for (let i = 0; i < d.length; i++) if (d.charCodeAt(i) < 48 || d.charCodeAt(i) > 57) return null
    if (scaler > 0 && d === "0") return "0"
    if (scaler > 0) {
        // "2043000" with scaler 3 is raw "2043": the value must end in that many zeros
        for (let i = 0; i < scaler; i++) if (d.charAt(d.length - 1 - i) !== "0") return null
        d = d.slice(0, d.length - scaler)
    }
    while (d.length > 1 && d.charAt(0) === "0") d = d.slice(1, d.length)
    return neg && d !== "0" ? "-" + d : d
}

function checkRegister(r: any, at: string, errors: string[]): SmlRegister | null {
    if (r === null || typeof r !== "object" || Array.isArray(r)) {
        errors.push(`${at}: must be an object`)
        return null
    }
    const n = errors.length
    unknown(r, REGISTER_FIELDS, at + ".", errors)
    if (typeof r.obis !== "string" || obisBytes(r.obis) === null) errors.push(`${at}.obis: must be "A-B:C.D.E*F" with parts 0..255, e.g. "1-0:1.8.0*255"`)
    const type = r.type
    if (type !== "int" && type !== "uint" && type !== "octets") errors.push(`${at}.type: must be one of "int", "uint", "octets"`)
    const size = r.size === undefined ? 0 : r.size
    if (type !== "octets" && (!isInt(size) || size < 1 || size > 8)) errors.push(`${at}.size: must be a whole number from 1 to 8`)
    const scaler = r.scaler === undefined ? 0 : r.scaler
    if (!isInt(scaler) || scaler < -10 || scaler > 10) errors.push(`${at}.scaler: must be a whole number from -10 to 10`)
    const unit = r.unit === undefined ? null : r.unit
    if (unit !== null && (!isInt(unit) || unit < 0 || unit > 255)) errors.push(`${at}.unit: must be a DLMS unit code 0..255 or null`)
    const hex = r.hex === true
    const step = r.step === undefined ? 0 : r.step
    if (!isInt(step) || step < 0) errors.push(`${at}.step: must be a whole number >= 0`)
    if (typeof r.value !== "string") errors.push(`${at}.value: must be a string`)
    else if (type === "octets" && hex && !isHex(r.value)) errors.push(`${at}.value: must be lower-case hex`)
    else if (type !== "octets" && isInt(scaler) && rawDigits(r.value, scaler) === null)
        errors.push(`${at}.value: must be a decimal number with exactly ${scaler < 0 ? -scaler : 0} decimals${scaler > 0 ? " ending in " + scaler + " zeros" : ""}`)
    if (errors.length > n) return null
    return { obis: r.obis, type: type, size: type === "octets" ? 0 : size, scaler: scaler, unit: unit, value: r.value, hex: hex, step: step }
}

/** Validate a parsed SML profile object. Never throws. */
export function checkSmlProfile(obj: any): SmlProfileResult {
    if (obj === undefined || obj === null || typeof obj !== "object" || Array.isArray(obj)) return { profile: null, errors: ["profile: must be a JSON object"] }
    const errors: string[] = []
    unknown(obj, FIELDS, "", errors)
    if (obj.protocol !== "sml") errors.push('protocol: must be "sml"')
    if (typeof obj.name !== "string" || obj.name === "") errors.push("name: required, a non-empty string")
    if (typeof obj.serverId !== "string" || !isHex(obj.serverId)) errors.push('serverId: required, lower-case hex, e.g. "0a01445a4700039e2054"')
    const baud = obj.baud === undefined ? 9600 : obj.baud
    if (baud !== 9600) errors.push("baud: SML meters push at 9600 (8N1)")
    const interval = obj.pushIntervalMs === undefined ? 2000 : obj.pushIntervalMs
    if (!isInt(interval) || interval < 500 || interval > 60000) errors.push("pushIntervalMs: must be a whole number from 500 to 60000")
    const registers: SmlRegister[] = []
    if (!Array.isArray(obj.registers) || obj.registers.length === 0) errors.push("registers: required, a non-empty list")
    else for (let i = 0; i < obj.registers.length; i++) {
        const r = checkRegister(obj.registers[i], "registers[" + i + "]", errors)
        if (r !== null) registers.push(r)
    }
    const quirks: SmlQuirks = { trailerCrc: "x25", powerSentSigned: false }
    const q = obj.quirks
    if (q !== undefined) {
        if (q === null || typeof q !== "object" || Array.isArray(q)) errors.push("quirks: must be an object")
        else {
            unknown(q, QUIRK_FIELDS, "quirks.", errors)
            if (q.trailerCrc !== undefined) {
                if (q.trailerCrc !== "x25" && q.trailerCrc !== "kermit") errors.push('quirks.trailerCrc: must be "x25" or "kermit"')
                else quirks.trailerCrc = q.trailerCrc
            }
            if (q.powerSentSigned !== undefined) {
                if (typeof q.powerSentSigned !== "boolean") errors.push("quirks.powerSentSigned: must be true or false")
                else quirks.powerSentSigned = q.powerSentSigned
            }
        }
    }
    const reader: Partial<SmlOptions> = {}
    const rd = obj.reader
    if (rd !== undefined) {
        if (rd === null || typeof rd !== "object" || Array.isArray(rd)) errors.push("reader: must be an object")
        else {
            unknown(rd, READER_FIELDS, "reader.", errors)
            if (rd.transportCrc !== undefined) {
                if (rd.transportCrc !== "x25" && rd.transportCrc !== "x25-or-kermit") errors.push('reader.transportCrc: must be "x25" or "x25-or-kermit"')
                else reader.transportCrc = rd.transportCrc
            }
            if (rd.powerUnsignedFor !== undefined) {
                let ok = Array.isArray(rd.powerUnsignedFor)
                if (ok) for (let i = 0; i < rd.powerUnsignedFor.length; i++) if (typeof rd.powerUnsignedFor[i] !== "string" || !isHex(rd.powerUnsignedFor[i])) ok = false
                if (!ok) errors.push("reader.powerUnsignedFor: must be a list of server id hex prefixes")
                else reader.powerUnsignedFor = rd.powerUnsignedFor
            }
        }
    }
    if (typeof obj.source !== "string" || obj.source === "") errors.push("source: required, where the real meter's behaviour is documented")
    if (errors.length > 0) return { profile: null, errors: errors }
    return {
        profile: {
            name: obj.name,
            protocol: "sml",
            serverId: obj.serverId,
            baud: baud,
            pushIntervalMs: interval,
            registers: registers,
            quirks: quirks,
            reader: reader,
            source: obj.source,
            notes: typeof obj.notes === "string" ? obj.notes : "",
        },
        errors: [],
    }
}

/** Validate, or throw an Error listing every problem. */
export function parseSmlProfile(obj: any): SmlProfile {
    const r = checkSmlProfile(obj)
    if (r.profile === null) throw new Error(`profile ${obj && typeof obj.name === "string" ? obj.name : "?"}: ${r.errors.join("; ")}`)
    return r.profile
}
