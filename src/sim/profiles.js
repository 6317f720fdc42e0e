// Meter profiles: what a simulated meter says and how it misbehaves.
// The caller reads and parses the JSON file; this module validates the parsed
// object field by field (every error collected, each naming the field and what
// it accepts) and fills the defaults. Portable subset: runs under DeviceScript.
import { baudForDigit, baudForLetter } from "../core/messages";
const BAUDS = [300, 600, 1200, 2400, 4800, 9600, 19200];
export function defaultQuirks() {
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
    };
}
export function isBaud(b) {
    return BAUDS.indexOf(b) >= 0;
}
/** Effective behaviour from the identification and the declared mode: "E" when \2 follows Z in a C/E meter. */
export function effectiveMode(p) {
    if (p.mode === "C" && p.identification.indexOf("\\2") === 5)
        return "E";
    return p.mode;
}
function isInt(v) {
    return typeof v === "number" && Math.floor(v) === v;
}
function isPrintable(s) {
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}
function isAscii(s) {
    for (let i = 0; i < s.length; i++)
        if (s.charCodeAt(i) > 0x7f)
            return false;
    return true;
}
class Checker {
    obj;
    prefix;
    errors = [];
    constructor(obj, prefix) {
        this.obj = obj;
        this.prefix = prefix;
    }
    err(field, msg) {
        this.errors.push(`${this.prefix}${field}: ${msg}`);
    }
    has(field) {
        return this.obj[field] !== undefined && this.obj[field] !== null;
    }
    str(field, def, required) {
        const v = this.obj[field];
        if (v === undefined || v === null) {
            if (required)
                this.err(field, "required, a string");
            return def;
        }
        if (typeof v !== "string") {
            this.err(field, "must be a string");
            return def;
        }
        return v;
    }
    bool(field, def) {
        const v = this.obj[field];
        if (v === undefined || v === null)
            return def;
        if (typeof v !== "boolean") {
            this.err(field, "must be true or false");
            return def;
        }
        return v;
    }
    int(field, def, min, max) {
        const v = this.obj[field];
        if (v === undefined || v === null)
            return def;
        if (!isInt(v) || v < min || v > max) {
            this.err(field, `must be a whole number from ${min} to ${max}`);
            return def;
        }
        return v;
    }
    oneOf(field, def, allowed) {
        const v = this.obj[field];
        if (v === undefined || v === null)
            return def;
        if (typeof v !== "string" || allowed.indexOf(v) < 0) {
            this.err(field, `must be one of ${allowed.map(a => '"' + a + '"').join(", ")}`);
            return def;
        }
        return v;
    }
    unknown(known) {
        const keys = Object.keys(this.obj);
        for (let i = 0; i < keys.length; i++) {
            if (known.indexOf(keys[i]) < 0)
                this.err(keys[i], `unknown field (accepted: ${known.join(", ")})`);
        }
    }
}
const PROFILE_FIELDS = [
    "name", "identification", "mode", "maxBaud", "address", "requestChars", "dataBlock", "altDataBlocks",
    "quirks", "registers", "password", "operand", "source", "notes", "$comment",
];
const QUIRK_FIELDS = [
    "echo", "reactionMs", "ackWindowMs", "wakeupRequired", "wakeWindowMs", "pushIntervalMs", "pushOffsetMs",
    "frame", "pushFormat", "corruptBcc", "parityErrorAt", "lateAck", "garbleAboveBaud", "silentAfterReadoutMs",
    "leadingGarbage", "lfOnly", "addressRequired", "partialBlockSize", "wrongPassword", "programmingTimeoutMs",
    "readoutBudget",
];
function checkQuirks(obj, errors) {
    const q = defaultQuirks();
    if (obj === undefined || obj === null)
        return q;
    if (typeof obj !== "object" || Array.isArray(obj)) {
        errors.push("quirks: must be an object");
        return q;
    }
    const c = new Checker(obj, "quirks.");
    c.unknown(QUIRK_FIELDS);
    q.echo = c.bool("echo", q.echo);
    q.reactionMs = c.int("reactionMs", q.reactionMs, 0, 1500);
    q.ackWindowMs = c.int("ackWindowMs", q.ackWindowMs, 100, 10000);
    q.wakeupRequired = c.bool("wakeupRequired", q.wakeupRequired);
    q.wakeWindowMs = c.int("wakeWindowMs", q.wakeWindowMs, 1500, 60000);
    q.pushIntervalMs = c.int("pushIntervalMs", q.pushIntervalMs, 100, 3600000);
    q.pushOffsetMs = c.int("pushOffsetMs", q.pushOffsetMs, 0, 3600000);
    q.frame = c.oneOf("frame", q.frame, ["bare", "framed"]);
    q.pushFormat = c.oneOf("pushFormat", q.pushFormat, ["7E1", "8N1"]);
    const cb = obj.corruptBcc;
    if (cb !== undefined && cb !== null) {
        if (typeof cb === "boolean")
            q.corruptBcc = cb;
        else if (isInt(cb) && cb >= 0)
            q.corruptBcc = cb;
        else
            c.err("corruptBcc", "must be true, false, or a whole number >= 0 (corrupt the first N blocks)");
    }
    q.parityErrorAt = c.int("parityErrorAt", q.parityErrorAt, -1, 1000000);
    q.lateAck = c.oneOf("lateAck", q.lateAck, ["readout300", "silent"]);
    const g = obj.garbleAboveBaud;
    if (g !== undefined && g !== null && g !== 0 && !(isInt(g) && isBaud(g)))
        c.err("garbleAboveBaud", "must be 0 (off) or one of " + BAUDS.join(", "));
    else if (g)
        q.garbleAboveBaud = g;
    q.silentAfterReadoutMs = c.int("silentAfterReadoutMs", q.silentAfterReadoutMs, 0, 3600000);
    const lg = obj.leadingGarbage;
    if (lg !== undefined && lg !== null) {
        let ok = Array.isArray(lg) && lg.length <= 64;
        if (ok)
            for (let i = 0; i < lg.length; i++)
                if (!isInt(lg[i]) || lg[i] < 0 || lg[i] > 0x7f)
                    ok = false;
        if (ok)
            q.leadingGarbage = lg;
        else
            c.err("leadingGarbage", "must be a list of at most 64 character codes 0..127, e.g. [127, 127]");
    }
    q.lfOnly = c.bool("lfOnly", q.lfOnly);
    q.addressRequired = c.bool("addressRequired", q.addressRequired);
    q.partialBlockSize = c.int("partialBlockSize", q.partialBlockSize, 0, 1024);
    q.wrongPassword = c.oneOf("wrongPassword", q.wrongPassword, ["nak", "break"]);
    q.programmingTimeoutMs = c.int("programmingTimeoutMs", q.programmingTimeoutMs, 1000, 600000);
    q.readoutBudget = c.int("readoutBudget", q.readoutBudget, 0, 1000000);
    for (let i = 0; i < c.errors.length; i++)
        errors.push(c.errors[i]);
    return q;
}
function checkBlock(field, v, errors) {
    if (!isAscii(v))
        errors.push(`${field}: must be 7-bit ASCII`);
    if (v.indexOf("!") >= 0 || v.indexOf("\x02") >= 0 || v.indexOf("\x03") >= 0)
        errors.push(`${field}: must not contain "!", STX or ETX (the meter adds the frame)`);
}
/** Validate a parsed profile object and fill defaults. Never throws. */
export function checkProfile(obj) {
    if (obj === undefined || obj === null || typeof obj !== "object" || Array.isArray(obj)) {
        return { profile: null, errors: ["profile: must be a JSON object"] };
    }
    const c = new Checker(obj, "");
    c.unknown(PROFILE_FIELDS);
    const name = c.str("name", "", true);
    if (name === "" && c.has("name"))
        c.err("name", "must not be empty");
    const ident = c.str("identification", "", true);
    const modeRaw = c.oneOf("mode", "", ["A", "B", "C", "D", "E"]);
    if (!c.has("mode"))
        c.err("mode", 'required, one of "A", "B", "C", "D", "E"');
    const mode = modeRaw;
    const maxBaud = c.int("maxBaud", 300, 300, 19200);
    if (c.has("maxBaud") && !isBaud(maxBaud))
        c.err("maxBaud", "must be one of " + BAUDS.join(", "));
    if (!c.has("maxBaud"))
        c.err("maxBaud", "required, one of " + BAUDS.join(", "));
    let address = null;
    if (c.has("address")) {
        const a = c.str("address", "", false);
        if (a.length < 1 || a.length > 32 || !isPrintable(a) || a.indexOf("!") >= 0 || a.indexOf("/") >= 0)
            c.err("address", 'must be 1 to 32 printable characters without "!" or "/"');
        else
            address = a;
    }
    const requestChars = c.str("requestChars", "?", false);
    if (requestChars.length < 1 || !isPrintable(requestChars) || requestChars.indexOf("!") >= 0)
        c.err("requestChars", 'must be one or more printable characters (not "!"), e.g. "?" or "?#"');
    const dataBlock = c.str("dataBlock", "", true);
    checkBlock("dataBlock", dataBlock, c.errors);
    const alt = {};
    if (c.has("altDataBlocks")) {
        const a = obj.altDataBlocks;
        if (typeof a !== "object" || Array.isArray(a))
            c.err("altDataBlocks", 'must be an object such as {"#": "lines"}');
        else {
            const keys = Object.keys(a);
            for (let i = 0; i < keys.length; i++) {
                const k = keys[i];
                if (typeof a[k] !== "string")
                    c.err("altDataBlocks." + k, "must be a string of data lines");
                else {
                    if (k.length !== 1 || requestChars.indexOf(k) < 0)
                        c.err("altDataBlocks." + k, "key must be one request character listed in requestChars");
                    checkBlock("altDataBlocks." + k, a[k], c.errors);
                    alt[k] = a[k];
                }
            }
        }
    }
    const quirks = checkQuirks(obj.quirks, c.errors);
    let registers = null;
    if (c.has("registers")) {
        const r = obj.registers;
        if (typeof r !== "object" || Array.isArray(r))
            c.err("registers", 'must be an object such as {"1.8.0": "00132.149*kWh"}');
        else {
            registers = {};
            const keys = Object.keys(r);
            for (let i = 0; i < keys.length; i++) {
                const k = keys[i];
                if (typeof r[k] !== "string" || !isPrintable(r[k]) || r[k].indexOf("(") >= 0 || r[k].indexOf(")") >= 0)
                    c.err("registers." + k, "must be a printable string without brackets (the value, e.g. \"00132.149*kWh\")");
                else
                    registers[k] = r[k];
            }
        }
    }
    let password = null;
    if (c.has("password")) {
        const p = c.str("password", "", false);
        if (!isPrintable(p) || p.indexOf("(") >= 0 || p.indexOf(")") >= 0)
            c.err("password", "must be printable, without brackets");
        else
            password = p;
    }
    const operand = c.str("operand", "00000000", false);
    const source = c.str("source", "", true);
    const notes = c.str("notes", "", false);
    // identification: "/" XXX Z [\W] ident, printable, <= 16 chars of ident
    if (ident !== "") {
        if (!isPrintable(ident))
            c.err("identification", "must be printable ASCII (no CR LF: the meter adds them)");
        else if (ident.charAt(0) !== "/" || ident.length < 5)
            c.err("identification", 'must start with "/", three letters and the baud character, e.g. "/ISK5MT174-0001"');
        else {
            const z = ident.charAt(4);
            const hasW = ident.charAt(5) === "\\";
            if (hasW && ident.length < 7)
                c.err("identification", 'a "\\" must be followed by the capability character W');
            const rest = ident.slice(hasW ? 7 : 5);
            if (rest.length > 16)
                c.err("identification", "the part after Z (and \\W) must be at most 16 characters");
            if (modeRaw === "A" && (baudForDigit(z) || baudForLetter(z)))
                c.err("identification", `mode A needs a baud character other than 0-6 and A-F (got "${z}")`);
            if (modeRaw === "B" && baudForLetter(z) === 0)
                c.err("identification", `mode B needs a baud letter A-F (got "${z}")`);
            if ((modeRaw === "C" || modeRaw === "E") && baudForDigit(z) === 0)
                c.err("identification", `mode ${modeRaw} needs a baud digit 0-6 (got "${z}")`);
            if (modeRaw === "E" && !(hasW && ident.charAt(6) === "2"))
                c.err("identification", 'mode E needs "\\2" right after the baud character');
            if (modeRaw === "A" && c.has("maxBaud") && maxBaud !== 300)
                c.err("maxBaud", "must be 300 in mode A");
            if (modeRaw === "B" && baudForLetter(z) && baudForLetter(z) !== maxBaud)
                c.err("maxBaud", `must be ${baudForLetter(z)}, the baud of the identification's letter "${z}"`);
            if ((modeRaw === "C" || modeRaw === "E") && baudForDigit(z) && baudForDigit(z) !== maxBaud)
                c.err("maxBaud", `must be ${baudForDigit(z)}, the baud of the identification's digit "${z}"`);
        }
    }
    if (quirks.addressRequired && address === null)
        c.err("quirks.addressRequired", "needs an address");
    if ((registers !== null || password !== null) && modeRaw !== "C" && modeRaw !== "E")
        c.err("registers", "programming mode needs mode C or E");
    if (c.errors.length > 0)
        return { profile: null, errors: c.errors };
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
    };
}
/** Validate and fill defaults, or throw an Error listing every problem. */
export function parseProfile(obj) {
    const r = checkProfile(obj);
    if (r.profile === null) {
        const n = obj && typeof obj === "object" && typeof obj.name === "string" ? obj.name : "?";
        throw new Error(`profile ${n}: ${r.errors.join("; ")}`);
    }
    return r.profile;
}
