// One SML file (the payload of a telegram) → the readings it carries. Reads the
// message list (SML 1.04 §7): each message is a list of 6 ending with its own
// CRC-16/X-25 (low byte first, like the trailer) over everything before the CRC
// field. OpenResponse and GetListResponse are read; every other message, and
// any field this reader does not use, is skipped by its TL structure.
import { parseNumber } from "../numbers"
import { coreError, CoreError, DataSet, Value } from "../types"
import { crcX25 } from "./crc"
import { hexText, intText, scaledText } from "./digits"
import { TlReader } from "./tl"
import { Count, Tag, Tl, unitText } from "./wire"

export interface SmlTelegram {
    /** the meter's server id as hex (GetListResponse, else OpenResponse), or null */
    serverId: string | null
    /** the manufacturer id the meter sends in 129-129:199.130.3*255 ("EMH", "ISK", "HAGER"), or null */
    manufacturer: string | null
    dataSets: DataSet[]
    /** messages skipped because their CRC or structure was bad */
    badMessages: number
}

export interface MessageOptions {
    /** check each message's own CRC (default true) */
    messageCrc: boolean
    /**
     * Server ids (hex prefixes) whose power 1-0:16.7.0 is a positive value sent as
     * a signed 16-bit integer, so above 327.67 W it reads negative: older DZG DVS74
     * meters (libsml-testing DZG_DVS-7412.2_jmberg.bin, "power value 356.24
     * encoded as -299.12"). Other DZG meters send real negative power, so this is
     * per meter, never per manufacturer.
     */
    powerUnsignedFor: string[]
}

export const DEFAULT_MESSAGE_OPTIONS: MessageOptions = { messageCrc: true, powerUnsignedFor: [] }

/** Most data sets kept from one telegram (a 64 KB heap holds a few hundred small objects in all). */
export const MAX_DATASETS = 64

const POWER = "1-0:16.7.0*255"
// EMH/ISKRA/EasyMeter name the manufacturer in 129-129:199.130.3; DZG, Holley,
// ISKRA MT631/691 and Itron in 1-0:96.50.1*1 (libsml-testing captures).
const MANUFACTURER = "129-129:199.130.3*255"
const MANUFACTURER_ALT = "1-0:96.50.1*1"

function obisText(b: Buffer, p: number): string {
    return b[p] + "-" + b[p + 1] + ":" + b[p + 2] + "." + b[p + 3] + "." + b[p + 4] + "*" + b[p + 5]
}

// Octet strings: printable ASCII as text (manufacturer "EMH", serial "02280816"), else hex.
function octetText(b: Buffer, from: number, to: number): string {
    let s = ""
    for (let i = from; i < to; i++) {
        const c = b[i]
        if (c < 0x20 || c > 0x7e) return hexText(b, from, to)
        s += String.fromCharCode(c)
    }
    return s
}

function startsWithAny(s: string, prefixes: string[]): boolean {
    for (let i = 0; i < prefixes.length; i++) if (s.slice(0, prefixes[i].length) === prefixes[i]) return true
    return false
}

/** Parses one telegram payload; never throws: problems are counted and reported through `errors`. */
export function parseSmlFile(buf: Buffer, length: number, opt: MessageOptions, errors: CoreError[]): SmlTelegram {
    const t: SmlTelegram = { serverId: null, manufacturer: null, dataSets: [], badMessages: 0 }
    const r = new TlReader(buf, 0, length)
    while (r.pos < length) {
        // filler zeros between messages and before the end escape
        if (buf[r.pos] === Tl.EndOfMessage) {
            r.pos++
            continue
        }
        const start = r.pos
        const pending: DataSet[] = []
        if (message(r, t, opt, start, pending)) {
            for (let i = 0; i < pending.length && t.dataSets.length < MAX_DATASETS; i++) t.dataSets.push(pending[i])
        } else {
            t.badMessages++
            if (!r.ok) {
                errors.push(coreError("syntax", "SML message at byte " + start + " is malformed; rest of the telegram skipped"))
                break
            }
            errors.push(coreError("bcc", "SML message CRC mismatch at byte " + start))
        }
    }
    return t
}

// false with r.ok = true: CRC mismatch (the next message can still be read);
// false with r.ok = false: structure broken, stop.
function message(r: TlReader, t: SmlTelegram, opt: MessageOptions, start: number, out: DataSet[]): boolean {
    if (!r.list(Count.Message)) return false
    if (!r.skip() || !r.skip() || !r.skip()) return false // transaction id, group, abort-on-error
    if (!r.list(Count.Body)) return false
    const tag = r.smallUnsigned()
    if (!r.ok) return false
    if (tag === Tag.GetListResponse) {
        if (!getList(r, t, opt, out)) return false
    } else if (tag === Tag.OpenResponse) {
        if (!openResponse(r, t)) return false
    } else if (!r.skip()) return false
    const crcEnd = r.pos
    const crc = r.smallUnsigned()
    if (!r.ok) return false
    if (r.peek() !== Tl.EndOfMessage) return r.fail()
    r.pos++
    if (!opt.messageCrc || crc < 0) return true
    // the field holds the CRC's low byte first, like the transport trailer
    const want = crcX25(r.buf, start, crcEnd)
    return crc === (((want & 0xff) << 8) | (want >> 8))
}

function octets(r: TlReader): string | null {
    if (r.peek() === Tl.Absent) {
        r.pos++
        return null
    }
    if (!r.header()) return null
    if (r.kind() !== Tl.OctetString) {
        r.fail()
        return null
    }
    const from = r.pos
    r.pos += r.len
    return hexText(r.buf, from, r.pos)
}

function openResponse(r: TlReader, t: SmlTelegram): boolean {
    if (!r.list(Count.OpenResponse)) return false
    if (!r.skip() || !r.skip() || !r.skip()) return false // codepage, client id, request file id
    const server = octets(r)
    if (!r.ok) return false
    if (server !== null && t.serverId === null) t.serverId = server
    return r.skip() && r.skip() // reference time, SML version
}

function getList(r: TlReader, t: SmlTelegram, opt: MessageOptions, out: DataSet[]): boolean {
    if (!r.list(Count.GetListResponse)) return false
    if (!r.skip()) return false // client id
    const server = octets(r)
    if (!r.ok) return false
    if (server !== null) t.serverId = server
    if (!r.skip() || !r.skip()) return false // list name, sensor time
    if (!r.header() || r.kind() !== Tl.List) return r.fail()
    const n = r.len
    for (let i = 0; i < n; i++) if (!entry(r, t, opt, out)) return false
    return r.skip() && r.skip() // list signature, gateway time
}

// One SML_ListEntry: objName, status, valTime, unit, scaler, value, signature.
function entry(r: TlReader, t: SmlTelegram, opt: MessageOptions, out: DataSet[]): boolean {
    if (!r.list(Count.ListEntry)) return false
    if (!r.header()) return false
    if (r.kind() !== Tl.OctetString) return r.fail()
    const nameAt = r.pos
    const nameLen = r.len
    r.pos += r.len
    if (!r.skip() || !r.skip()) return false // status, valTime (Holley sends a bare time here: any element is skipped)
    const unit = r.smallUnsigned()
    if (!r.ok) return false
    const scalerRaw = r.smallUnsigned()
    if (!r.ok) return false
    // the scaler is an int8: 0xff is -1
    const scaler = scalerRaw < 0 ? 0 : scalerRaw > 127 ? scalerRaw - 256 : scalerRaw
    const b = r.buf
    let text: string | null = null
    let numeric = false
    if (r.peek() === Tl.Absent) r.pos++
    else {
        const valueAt = r.pos
        if (!r.header()) return false
        if (r.kind() === Tl.List) {
            // a structured value (seen: a list as value): not a reading
            r.pos = valueAt
            if (!r.skip()) return false
        } else {
            const from = r.pos
            r.pos += r.len
            if (r.kind() === Tl.Integer || r.kind() === Tl.Unsigned) {
                if (r.len < 1 || r.len > 8) return r.fail()
                let signed = r.kind() === Tl.Integer
                const address = nameLen === 6 ? obisText(b, nameAt) : ""
                if (signed && r.len <= 2 && address === POWER && t.serverId !== null && startsWithAny(t.serverId, opt.powerUnsignedFor)) signed = false
                text = scaledText(intText(b, from, r.len, signed), scaler)
                numeric = true
            } else if (r.kind() === Tl.Boolean) text = r.len === 1 && b[from] !== 0 ? "true" : "false"
            else text = octetText(b, from, r.pos)
        }
    }
    if (!r.skip()) return false // signature
    if (nameLen !== 6 || text === null) return true
    const address = obisText(b, nameAt)
    const v: Value = { text: text, number: numeric ? parseNumber(text) : null, unit: unit < 0 ? null : unitText(unit) }
    if ((address === MANUFACTURER || address === MANUFACTURER_ALT) && !numeric) t.manufacturer = text
    if (out.length < MAX_DATASETS) out.push({ address: address, values: [v] })
    return true
}
