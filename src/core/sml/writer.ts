// Writing SML: the telegrams a meter sends (Open, GetList, Close responses in
// transport v1). The simulator's meters and the round-trip tests use it; it is
// portable so the same bytes come out in Node and in the DeviceScript VM.
import { crcKermit, crcX25 } from "./crc"
import { Esc, Tag, Tl } from "./wire"

export type SmlValueSpec =
    /** an integer of `size` bytes (1..8), given as decimal text so 64-bit values stay exact */
    | { kind: "int" | "uint"; size: number; digits: string }
    | { kind: "octets"; hex: string }
    | { kind: "bool"; value: boolean }

export interface SmlEntrySpec {
    /** the six OBIS bytes A, B, C, D, E, F */
    obis: number[]
    /** DLMS unit code, or null to leave the field absent */
    unit: number | null
    /** power of ten, -128..127 (0 is still sent) */
    scaler: number
    value: SmlValueSpec
}

export interface SmlFileSpec {
    /** server id as hex, e.g. "0a01445a4700039e2054" */
    serverId: string
    /** first transaction id; the three messages use it and the next two */
    transaction: number
    entries: SmlEntrySpec[]
}

export type TrailerCrc = "x25" | "kermit" | "wrong"

function hexBytes(hex: string): number[] {
    const out: number[] = []
    for (let i = 0; i + 1 < hex.length; i += 2) out.push(parseInt("0x" + hex.slice(i, i + 2)))
    return out
}

// A TL header for `type` whose length field is `n` (element count for lists,
// content length for scalars, to which the header's own bytes are added).
function tl(out: number[], type: number, n: number): void {
    let h = 1
    if (type === Tl.List) {
        while (n >= Math.pow(16, h)) h++
    } else {
        while (n + h >= Math.pow(16, h)) h++
        n += h
    }
    for (let i = h - 1; i >= 0; i--) {
        const nib = Math.floor(n / Math.pow(16, i)) % 16
        out.push((i === h - 1 ? type : 0) | (i > 0 ? Tl.More : 0) | nib)
    }
}

function octets(out: number[], bytes: number[]): void {
    tl(out, Tl.OctetString, bytes.length)
    for (let i = 0; i < bytes.length; i++) out.push(bytes[i])
}

function uint(out: number[], v: number, size: number): void {
    tl(out, Tl.Unsigned, size)
    for (let i = size - 1; i >= 0; i--) out.push(Math.floor(v / Math.pow(256, i)) % 256)
}

/** Decimal text (optional "-") → `size` bytes, big-endian two's complement; exact for 64 bits. */
export function digitsToBytes(digits: string, size: number): number[] {
    const neg = digits.charCodeAt(0) === 45
    const d: number[] = []
    for (let i = neg ? 1 : 0; i < digits.length; i++) d.push(digits.charCodeAt(i) - 48)
    const out: number[] = []
    for (let k = 0; k < size; k++) out.push(0)
    // repeated division by 256 of the decimal digits, most significant first
    for (let k = size - 1; k >= 0; k--) {
        let rem = 0
        for (let i = 0; i < d.length; i++) {
            const v = rem * 10 + d[i]
            d[i] = Math.floor(v / 256)
            rem = v - d[i] * 256
        }
        out[k] = rem
    }
    if (neg) {
        let carry = 1
        for (let k = size - 1; k >= 0; k--) {
            const v = (out[k] ^ 0xff) + carry
            out[k] = v & 0xff
            carry = v > 0xff ? 1 : 0
        }
    }
    return out
}

function value(out: number[], v: SmlValueSpec): void {
    if (v.kind === "octets") octets(out, hexBytes(v.hex))
    else if (v.kind === "bool") {
        tl(out, Tl.Boolean, 1)
        out.push(v.value ? 1 : 0)
    } else {
        tl(out, v.kind === "int" ? Tl.Integer : Tl.Unsigned, v.size)
        const b = digitsToBytes(v.digits, v.size)
        for (let i = 0; i < b.length; i++) out.push(b[i])
    }
}

// One message around `body`: transaction id, group 0, abort-on-error 0, the
// body choice, and the message CRC (X-25, low byte first) over all before it.
function message(out: number[], transaction: number, tag: number, body: number[]): void {
    const start = out.length
    tl(out, Tl.List, 6)
    octets(out, hexBytes(u32hex(transaction)))
    uint(out, 0, 1)
    uint(out, 0, 1)
    tl(out, Tl.List, 2)
    uint(out, tag, 2)
    for (let i = 0; i < body.length; i++) out.push(body[i])
    const crc = crcX25(Buffer.from(out.slice(start, out.length)), 0, out.length - start)
    tl(out, Tl.Unsigned, 2)
    out.push(crc & 0xff)
    out.push(crc >> 8)
    out.push(Tl.EndOfMessage)
}

function u32hex(n: number): string {
    const h = "0123456789abcdef"
    let s = ""
    for (let i = 7; i >= 0; i--) s += h.charAt(Math.floor(n / Math.pow(16, i)) % 16)
    return s
}

/** The SML file (telegram payload, unpadded) a meter sends: OpenResponse, GetListResponse, CloseResponse. */
export function encodeSmlFile(spec: SmlFileSpec): number[] {
    const server = hexBytes(spec.serverId)
    const out: number[] = []
    const open: number[] = []
    tl(open, Tl.List, 6)
    open.push(Tl.Absent) // codepage
    open.push(Tl.Absent) // client id
    octets(open, hexBytes(u32hex(spec.transaction)))
    octets(open, server)
    open.push(Tl.Absent) // reference time
    open.push(Tl.Absent) // SML version
    message(out, spec.transaction, Tag.OpenResponse, open)
    const list: number[] = []
    tl(list, Tl.List, 7)
    list.push(Tl.Absent) // client id
    octets(list, server)
    octets(list, [1, 0, 98, 10, 255, 255]) // list name 1-0:98.10.255*255 as ISKRA/EMH send it
    list.push(Tl.Absent) // sensor time
    tl(list, Tl.List, spec.entries.length)
    for (let i = 0; i < spec.entries.length; i++) {
        const e = spec.entries[i]
        tl(list, Tl.List, 7)
        octets(list, e.obis)
        list.push(Tl.Absent) // status
        list.push(Tl.Absent) // value time
        if (e.unit === null) list.push(Tl.Absent)
        else uint(list, e.unit, 1)
        tl(list, Tl.Integer, 1)
        list.push(e.scaler & 0xff)
        value(list, e.value)
        list.push(Tl.Absent) // signature
    }
    list.push(Tl.Absent) // list signature
    list.push(Tl.Absent) // gateway time
    message(out, spec.transaction + 1, Tag.GetListResponse, list)
    const close: number[] = []
    tl(close, Tl.List, 1)
    close.push(Tl.Absent) // signature
    message(out, spec.transaction + 2, Tag.CloseResponse, close)
    return out
}

/** Wraps a payload in transport v1: escapes, padding to 4 bytes, end escape and CRC (`wrong` flips it, `kermit` as early Holley firmware). */
export function encodeTelegram(payload: number[], crc: TrailerCrc = "x25"): number[] {
    const out: number[] = [Esc.Byte, Esc.Byte, Esc.Byte, Esc.Byte, Esc.Start, Esc.Start, Esc.Start, Esc.Start]
    const body = payload.slice(0, payload.length)
    const pad = (4 - (body.length % 4)) % 4
    for (let i = 0; i < pad; i++) body.push(0)
    for (let i = 0; i < body.length; i += 4) {
        const esc = body[i] === Esc.Byte && body[i + 1] === Esc.Byte && body[i + 2] === Esc.Byte && body[i + 3] === Esc.Byte
        if (esc) for (let k = 0; k < 4; k++) out.push(Esc.Byte)
        for (let k = 0; k < 4; k++) out.push(body[i + k])
    }
    for (let k = 0; k < 4; k++) out.push(Esc.Byte)
    out.push(Esc.End)
    out.push(pad)
    const b = Buffer.from(out)
    if (crc === "kermit") {
        const k = crcKermit(b, 0, out.length)
        out.push(k >> 8)
        out.push(k & 0xff)
    } else {
        const x = crcX25(b, 0, out.length) ^ (crc === "wrong" ? 0x0001 : 0)
        out.push(x & 0xff)
        out.push(x >> 8)
    }
    return out
}
