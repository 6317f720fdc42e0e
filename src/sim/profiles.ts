// Meter profiles: what a simulated meter says and how it misbehaves.
// The caller reads and parses the JSON file; this module validates the parsed
// object field by field (every error collected, each naming the field and what
// it accepts) and fills the defaults. Portable subset: runs under DeviceScript.
import { baudForDigit, baudForLetter } from "../core/messages"
import { isStandardBaud, PUSH_ONLY_BAUDS, STANDARD_BAUDS } from "../core/defaults"

/** How a meter deviates from the book. Every field has a default. */
export interface Quirks {
    /** the optical head echoes every byte the reader sends (a property of the line; the line reads it from here) */
    echo: boolean
    /** ms between the end of a message and the meter's answer (request -> ident, ack -> data, ident -> data in A/B) */
    reactionMs: number
    /** latest start of the ack after the end of the identification, ms (1500 by the standard) */
    ackWindowMs: number
    /** battery meter: ignores everything until woken by NULs at 300 baud */
    wakeupRequired: boolean
    /** after a valid wake-up the meter stays awake this long after the last NUL, ms */
    wakeWindowMs: number
    /** mode D: a push every this many ms (start to start) */
    pushIntervalMs: number
    /** mode D: time of the first push, ms after the meter was created */
    pushOffsetMs: number
    /** mode D framing: "bare" = /ident CRLF CRLF data ! CRLF; "framed" = /ident CRLF STX data ! CRLF ETX BCC */
    frame: "bare" | "framed"
    /** mode D character format */
    pushFormat: "7E1" | "8N1"
    /** wrong BCC on blocks: true = always, N = the first N blocks this meter sends, false = never */
    corruptBcc: boolean | number
    /** flip the parity of character N of every data message (0 = STX, or "/" in mode D); -1 = never */
    parityErrorAt: number
    /** mode C/E without a valid ack in the window: "readout300" = send the data at 300 baud, "silent" = go back to idle */
    lateAck: "readout300" | "silent"
    /** data sent above this baud arrives with bit errors (0 = never) */
    garbleAboveBaud: number
    /** after a readout the meter ignores requests this long, ms */
    silentAfterReadoutMs: number
    /** 7-bit characters sent before the identification (ACE3000 sends 0x7F) */
    leadingGarbage: number[]
    /** data lines end in LF only (the identification keeps CR LF) */
    lfOnly: boolean
    /** an addressed meter that does not answer the general request /?! */
    addressRequired: boolean
    /** programming mode: answers longer than this many characters go out as partial blocks (EOT); 0 = never */
    partialBlockSize: number
    /** programming mode: wrong P1 password -> "nak" (NAK, may retry) or "break" (meter sends B0 and ends) */
    wrongPassword: "nak" | "break"
    /** programming mode: the meter ends the session after this much silence, ms */
    programmingTimeoutMs: number
    /** battery budget: after this many readouts the meter answers no more requests (0 = unlimited) */
    readoutBudget: number
    /** the data line is inverted (DSMR P1: open collector); the reader needs RX inversion (simulated head) */
    invertedLine: boolean
    /** DSMR P1 4.x/5.x: a bare push telegram carries a CRC-16/ARC after "!" (four hex digits over "/" … "!"); corruptBcc corrupts it */
    crc: boolean
}

export type ProfileMode = "A" | "B" | "C" | "D" | "E"

export interface Profile {
    name: string
    /** the identification line without CR LF, e.g. "/ISK5\\2MT372-0002" */
    identification: string
    /** declared mode; "E" (or "C" with \2 in the identification) behaves as C and also accepts ACK 2 Z 2 (then goes quiet: HDLC is not simulated) */
    mode: ProfileMode
    /** highest baud the meter offers (must match the identification's baud character in modes B/C/E; push baud in mode D; 300 in mode A) */
    maxBaud: number
    /** device address or null; with an address the meter answers /?ADDR! and (unless addressRequired) /?! */
    address: string | null
    /** request characters the meter answers after "/" (default "?") */
    requestChars: string
    /** data lines (CR LF separated), without STX, "!", ETX, BCC */
    dataBlock: string
    /** other data blocks by request character, e.g. {"#": "..."} for UH50 extended data */
    altDataBlocks: Record<string, string>
    quirks: Quirks
    /** programming mode registers by address, value text as answered inside the brackets */
    registers: Record<string, string> | null
    /** P1 password, or null when the meter does not ask for one */
    password: string | null
    /** P0 operand the meter sends on entering programming mode */
    operand: string
    /** where the real behaviour is documented */
    source: string
    notes: string
}

export interface ProfileResult {
    profile: Profile | null
    errors: string[]
    /** what real meters send although the standard forbids it: accepted, said once */
    warnings: string[]
}



export function defaultQuirks(): Quirks {
    return {
        echo: false,
        reactionMs: 200,
        ackWindowMs: 1500,
        wakeupRequired: false,
        wakeWindowMs: 5000,
        pushIntervalMs: 2000,
        pushOffsetMs: 0,
        frame: "bare",
        pushFormat: "7E1",
        corruptBcc: false,
        parityErrorAt: -1,
        lateAck: "readout300",
        garbleAboveBaud: 0,
        silentAfterReadoutMs: 0,
        leadingGarbage: [],
        lfOnly: false,
        addressRequired: false,
        partialBlockSize: 0,
        wrongPassword: "nak",
        programmingTimeoutMs: 60000,
        readoutBudget: 0,
        crc: false,
        invertedLine: false,
    }
}

export function isBaud(b: number): boolean {
    return isStandardBaud(b)
}

/** Effective behaviour from the identification and the declared mode: "E" when \2 follows Z in a C/E meter. */
export function effectiveMode(p: Profile): ProfileMode {
    if (p.mode === "C" && p.identification.indexOf("\\2") === 5) return "E"
    return p.mode
}

function isInt(v: any): boolean {
    return typeof v === "number" && Math.floor(v) === v
}

function isPrintable(s: string): boolean {
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c < 0x20 || c > 0x7e) return false
    }
    return true
}

function isAscii(s: string): boolean {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
    return true
}

class Checker {
    errors: string[] = []
    constructor(public obj: any, public prefix: string) {}
    err(field: string, msg: string) {
        this.errors.push(`${this.prefix}${field}: ${msg}`)
    }
    has(field: string): boolean {
        return this.obj[field] !== undefined && this.obj[field] !== null
    }
    str(field: string, def: string, required: boolean): string {
        const v = this.obj[field]
        if (v === undefined || v === null) {
            if (required) this.err(field, "required, a string")
            return def
        }
        if (typeof v !== "string") {
            this.err(field, "must be a string")
            return def
        }
        return v
    }
    bool(field: string, def: boolean): boolean {
        const v = this.obj[field]
        if (v === undefined || v === null) return def
        if (typeof v !== "boolean") {
            this.err(field, "must be true or false")
            return def
        }
        return v
    }
    int(field: string, def: number, min: number, max: number): number {
        const v = this.obj[field]
        if (v === undefined || v === null) return def
        if (!isInt(v) || v < min || v > max) {
            this.err(field, `must be a whole number from ${min} to ${max}`)
            return def
        }
        return v
    }
    oneOf(field: string, def: string, allowed: string[]): string {
        const v = this.obj[field]
        if (v === undefined || v === null) return def
        if (typeof v !== "string" || allowed.indexOf(v) < 0) {
            this.err(field, `must be one of ${allowed.map(a => '"' + a + '"').join(", ")}`)
            return def
        }
        return v
    }
    unknown(known: string[]) {
        const keys = Object.keys(this.obj)
        for (let i = 0; i < keys.length; i++) {
            if (known.indexOf(keys[i]) < 0) this.err(keys[i], `unknown field (accepted: ${known.join(", ")})`)
        }
    }
}

const PROFILE_FIELDS: string[] = [
    "name", "identification", "mode", "maxBaud", "address", "requestChars", "dataBlock", "altDataBlocks",
    "quirks", "registers", "password", "operand", "source", "notes", "$comment",
]

const QUIRK_FIELDS: string[] = [
    "echo", "reactionMs", "ackWindowMs", "wakeupRequired", "wakeWindowMs", "pushIntervalMs", "pushOffsetMs",
    "frame", "pushFormat", "corruptBcc", "parityErrorAt", "lateAck", "garbleAboveBaud", "silentAfterReadoutMs",
    "leadingGarbage", "lfOnly", "addressRequired", "partialBlockSize", "wrongPassword", "programmingTimeoutMs",
    "readoutBudget", "crc", "invertedLine",
]

function checkQuirks(obj: any, errors: string[]): Quirks {
    const q = defaultQuirks()
    if (obj === undefined || obj === null) return q
    if (typeof obj !== "object" || Array.isArray(obj)) {
        errors.push("quirks: must be an object")
        return q
    }
    const c = new Checker(obj, "quirks.")
    c.unknown(QUIRK_FIELDS)
    q.echo = c.bool("echo", q.echo)
    q.reactionMs = c.int("reactionMs", q.reactionMs, 0, 1500)
    q.ackWindowMs = c.int("ackWindowMs", q.ackWindowMs, 100, 10000)
    q.wakeupRequired = c.bool("wakeupRequired", q.wakeupRequired)
    q.wakeWindowMs = c.int("wakeWindowMs", q.wakeWindowMs, 1500, 60000)
    q.pushIntervalMs = c.int("pushIntervalMs", q.pushIntervalMs, 100, 3600000)
    q.pushOffsetMs = c.int("pushOffsetMs", q.pushOffsetMs, 0, 3600000)
    q.frame = c.oneOf("frame", q.frame, ["bare", "framed"]) as "bare" | "framed"
    q.pushFormat = c.oneOf("pushFormat", q.pushFormat, ["7E1", "8N1"]) as "7E1" | "8N1"
    const cb = obj.corruptBcc
    if (cb !== undefined && cb !== null) {
        if (typeof cb === "boolean") q.corruptBcc = cb
        else if (isInt(cb) && cb >= 0) q.corruptBcc = cb
        else c.err("corruptBcc", "must be true, false, or a whole number >= 0 (corrupt the first N blocks)")
    }
    q.parityErrorAt = c.int("parityErrorAt", q.parityErrorAt, -1, 1000000)
    q.lateAck = c.oneOf("lateAck", q.lateAck, ["readout300", "silent"]) as "readout300" | "silent"
    const g = obj.garbleAboveBaud
    if (g !== undefined && g !== null && g !== 0 && !(isInt(g) && isBaud(g)))
        c.err("garbleAboveBaud", "must be 0 (off) or one of " + STANDARD_BAUDS.join(", "))
    else if (g) q.garbleAboveBaud = g
    q.silentAfterReadoutMs = c.int("silentAfterReadoutMs", q.silentAfterReadoutMs, 0, 3600000)
    const lg = obj.leadingGarbage
    if (lg !== undefined && lg !== null) {
        let ok = Array.isArray(lg) && lg.length <= 64
        if (ok) for (let i = 0; i < lg.length; i++) if (!isInt(lg[i]) || lg[i] < 0 || lg[i] > 0x7f) ok = false
        if (ok) q.leadingGarbage = lg
        else c.err("leadingGarbage", "must be a list of at most 64 character codes 0..127, e.g. [127, 127]")
    }
    q.lfOnly = c.bool("lfOnly", q.lfOnly)
    q.addressRequired = c.bool("addressRequired", q.addressRequired)
    q.partialBlockSize = c.int("partialBlockSize", q.partialBlockSize, 0, 1024)
    q.wrongPassword = c.oneOf("wrongPassword", q.wrongPassword, ["nak", "break"]) as "nak" | "break"
    q.programmingTimeoutMs = c.int("programmingTimeoutMs", q.programmingTimeoutMs, 1000, 600000)
    q.readoutBudget = c.int("readoutBudget", q.readoutBudget, 0, 1000000)
    q.crc = c.bool("crc", q.crc)
    q.invertedLine = c.bool("invertedLine", q.invertedLine)
    for (let i = 0; i < c.errors.length; i++) errors.push(c.errors[i])
    return q
}

function checkBlock(field: string, v: string, errors: string[]) {
    if (!isAscii(v)) errors.push(`${field}: must be 7-bit ASCII`)
    if (v.indexOf("!") >= 0 || v.indexOf("\x02") >= 0 || v.indexOf("\x03") >= 0)
        errors.push(`${field}: must not contain "!", STX or ETX (the meter adds the frame)`)
}

/** Validate a parsed profile object and fill defaults. Never throws. */
export function checkProfile(obj: any): ProfileResult {
    if (obj === undefined || obj === null || typeof obj !== "object" || Array.isArray(obj)) {
        return { profile: null, errors: ["profile: must be a JSON object"], warnings: [] }
    }
    const c = new Checker(obj, "")
    c.unknown(PROFILE_FIELDS)
    const name = c.str("name", "", true)
    if (name === "" && c.has("name")) c.err("name", "must not be empty")
    const ident = c.str("identification", "", true)
    const modeRaw = c.oneOf("mode", "", ["A", "B", "C", "D", "E"])
    if (!c.has("mode")) c.err("mode", 'required, one of "A", "B", "C", "D", "E"')
    const mode = modeRaw as ProfileMode
    const warnings: string[] = []
    const maxBaud = c.int("maxBaud", 300, 300, 115200)
    const pushOnly = PUSH_ONLY_BAUDS.indexOf(maxBaud) >= 0
    if (c.has("maxBaud") && !isBaud(maxBaud) && !(pushOnly && modeRaw === "D"))
        c.err("maxBaud", "must be one of " + STANDARD_BAUDS.join(", ") + (modeRaw === "D" ? ", " + PUSH_ONLY_BAUDS.join(", ") : ""))
    if (!c.has("maxBaud")) c.err("maxBaud", "required, one of " + STANDARD_BAUDS.join(", "))
    let address: string | null = null
    if (c.has("address")) {
        const a = c.str("address", "", false)
        if (a.length < 1 || a.length > 32 || !isPrintable(a) || a.indexOf("!") >= 0 || a.indexOf("/") >= 0)
            c.err("address", 'must be 1 to 32 printable characters without "!" or "/"')
        else address = a
    }
    const requestChars = c.str("requestChars", "?", false)
    if (requestChars.length < 1 || !isPrintable(requestChars) || requestChars.indexOf("!") >= 0)
        c.err("requestChars", 'must be one or more printable characters (not "!"), e.g. "?" or "?#"')
    const dataBlock = c.str("dataBlock", "", true)
    checkBlock("dataBlock", dataBlock, c.errors)
    const alt: Record<string, string> = {}
    if (c.has("altDataBlocks")) {
        const a = obj.altDataBlocks
        if (typeof a !== "object" || Array.isArray(a)) c.err("altDataBlocks", 'must be an object such as {"#": "lines"}')
        else {
            const keys = Object.keys(a)
            for (let i = 0; i < keys.length; i++) {
                const k = keys[i]
                if (typeof a[k] !== "string") c.err("altDataBlocks." + k, "must be a string of data lines")
                else {
                    if (k.length !== 1 || requestChars.indexOf(k) < 0)
                        c.err("altDataBlocks." + k, "key must be one request character listed in requestChars")
                    checkBlock("altDataBlocks." + k, a[k], c.errors)
                    alt[k] = a[k]
                }
            }
        }
    }
    const quirks = checkQuirks(obj.quirks, c.errors)
    let registers: Record<string, string> | null = null
    if (c.has("registers")) {
        const r = obj.registers
        if (typeof r !== "object" || Array.isArray(r)) c.err("registers", 'must be an object such as {"1.8.0": "00132.149*kWh"}')
        else {
            registers = {}
            const keys = Object.keys(r)
            for (let i = 0; i < keys.length; i++) {
                const k = keys[i]
                if (typeof r[k] !== "string" || !isPrintable(r[k]) || r[k].indexOf("(") >= 0 || r[k].indexOf(")") >= 0)
                    c.err("registers." + k, "must be a printable string without brackets (the value, e.g. \"00132.149*kWh\")")
                else registers[k] = r[k]
            }
        }
    }
    let password: string | null = null
    if (c.has("password")) {
        const p = c.str("password", "", false)
        if (!isPrintable(p) || p.indexOf("(") >= 0 || p.indexOf(")") >= 0) c.err("password", "must be printable, without brackets")
        else password = p
    }
    const operand = c.str("operand", "00000000", false)
    const source = c.str("source", "", true)
    const notes = c.str("notes", "", false)

    // identification: "/" XXX Z [\W] ident, printable, <= 16 chars of ident
    if (ident !== "") {
        if (!isPrintable(ident)) c.err("identification", "must be printable ASCII (no CR LF: the meter adds them)")
        else if (ident.charAt(0) !== "/" || ident.length < 5)
            c.err("identification", 'must start with "/", three letters and the baud character, e.g. "/ISK5MT174-0001"')
        else {
            const z = ident.charAt(4)
            const hasW = ident.charAt(5) === "\\"
            if (hasW && ident.length < 7) c.err("identification", 'a "\\" must be followed by the capability character W')
            const rest = ident.slice(hasW ? 7 : 5)
            // the standard allows 16; a Kamstrup 162 sends 17 and readers cope
            if (rest.length > 16) warnings.push(`identification: ${rest.length} characters after Z (and \\W), the standard allows 16`)
            if (modeRaw === "A" && (baudForDigit(z) || baudForLetter(z)))
                c.err("identification", `mode A needs a baud character other than 0-6 and A-F (got "${z}")`)
            if (modeRaw === "B" && baudForLetter(z) === 0) c.err("identification", `mode B needs a baud letter A-F (got "${z}")`)
            if ((modeRaw === "C" || modeRaw === "E") && baudForDigit(z) === 0)
                c.err("identification", `mode ${modeRaw} needs a baud digit 0-6 (got "${z}")`)
            if (modeRaw === "E" && !(hasW && ident.charAt(6) === "2"))
                c.err("identification", 'mode E needs "\\2" right after the baud character')
            if (modeRaw === "A" && c.has("maxBaud") && maxBaud !== 300) c.err("maxBaud", "must be 300 in mode A")
            if (modeRaw === "B" && baudForLetter(z) && baudForLetter(z) !== maxBaud)
                c.err("maxBaud", `must be ${baudForLetter(z)}, the baud of the identification's letter "${z}"`)
            if ((modeRaw === "C" || modeRaw === "E") && baudForDigit(z) && baudForDigit(z) !== maxBaud)
                c.err("maxBaud", `must be ${baudForDigit(z)}, the baud of the identification's digit "${z}"`)
        }
    }
    if (quirks.addressRequired && address === null) c.err("quirks.addressRequired", "needs an address")
    if ((registers !== null || password !== null) && modeRaw !== "C" && modeRaw !== "E")
        c.err("registers", "programming mode needs mode C or E")

    if (quirks.crc && (modeRaw !== "D" || quirks.frame !== "bare")) c.err("quirks.crc", "a CRC follows \"!\" only in a bare push telegram (mode D, frame \"bare\")")
    if (c.errors.length > 0) return { profile: null, errors: c.errors, warnings: warnings }
    return {
        profile: {
            name: name,
            identification: ident,
            mode: mode,
            maxBaud: maxBaud,
            address: address,
            requestChars: requestChars,
            dataBlock: dataBlock,
            altDataBlocks: alt,
            quirks: quirks,
            registers: registers,
            password: password,
            operand: operand,
            source: source,
            notes: notes,
        },
        errors: [],
        warnings: warnings,
    }
}

/** Validate and fill defaults, or throw an Error listing every problem. */
export function parseProfile(obj: any): Profile {
    const r = checkProfile(obj)
    if (r.profile === null) {
        const n = obj && typeof obj === "object" && typeof obj.name === "string" ? obj.name : "?"
        throw new Error(`profile ${n}: ${r.errors.join("; ")}`)
    }
    return r.profile
}
