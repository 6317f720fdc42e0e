// Firmware settings: every key, its default and what it accepts, in one table.
// Values come from DeviceScript's settings store (`.env.defaults`, `.env.local`,
// written at deploy). A bad value never stops the firmware: it is reported
// (log + diagnostics topic) naming the key and what is accepted, and the
// default is used. Passwords are never logged or published.
import { readSetting } from "@devicescript/settings"
import { Mode } from "../core/types"
import { Format, SessionConfig, UartSettings } from "../core/session-types"
import { defaultPollConfig, defaultSessionConfig, PUSH_ONLY_BAUDS, STANDARD_BAUDS } from "../core/defaults"

export type Framing = "auto" | "hardware" | "software"
/** TRACE: keep no line trace, publish it after a failed session, or after every session */
export type TraceMode = "off" | "on-fail" | "always"

export interface Config {
    mqttUrl: string
    mqttUser: string
    mqttPass: string
    baseTopic: string
    haPrefix: string
    deviceName: string
    meterId: string
    pollMs: number
    backoffMs: number
    backoffMaxMs: number
    framing: Framing
    maxValues: number
    queueBytes: number
    /** push protocol: "auto" tries SML then D0 when PUSH_UART=auto; "sml" reads SML only; "d0" IEC 62056-21 only */
    protocol: Protocol
    trace: TraceMode
    session: SessionConfig
}

export type Protocol = "auto" | "d0" | "sml"

export interface ConfigError {
    key: string
    message: string
}

/** A setting value as text (readSetting gives numbers for numeric-looking values). */
export function settingText(v: any): string {
    if (v === undefined || v === null) return ""
    if (typeof v === "string") return v
    if (typeof v === "boolean") return v ? "true" : "false"
    return "" + v
}

function isDigits(s: string): boolean {
    if (!s.length) return false
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c < 48 || c > 57) return false
    }
    return true
}

/** Collects errors while parsing; each parser returns the default on a bad value. */
export class SettingsParser {
    errors: ConfigError[] = []

    fail(key: string, accepted: string, shown: string, def: string) {
        this.errors.push({ key: key, message: `${key}: ${shown} is not accepted (${accepted}); using ${def}` })
    }

    int(key: string, v: any, def: number, min: number, max: number): number {
        const s = settingText(v).trim()
        if (!s.length) return def
        if (!isDigits(s) || s.length > 9 || parseInt(s) < min || parseInt(s) > max) {
            this.fail(key, `a whole number from ${min} to ${max}`, `'${s}'`, "" + def)
            return def
        }
        return parseInt(s)
    }

    oneOf(key: string, v: any, def: string, options: string[]): string {
        const s = settingText(v).trim()
        if (!s.length) return def
        if (options.indexOf(s) < 0) {
            this.fail(key, `one of ${options.join(", ")}`, `'${s}'`, def)
            return def
        }
        return s
    }

    bool(key: string, v: any, def: boolean): boolean {
        const s = settingText(v).trim().toLowerCase()
        if (!s.length) return def
        if (s === "true" || s === "1" || s === "yes") return true
        if (s === "false" || s === "0" || s === "no") return false
        this.fail(key, "true or false", `'${s}'`, def ? "true" : "false")
        return def
    }

    /** printable ASCII without the characters the protocol reserves */
    text(key: string, v: any, def: string, maxLen: number, forbidden: string, secret: boolean): string {
        const s = settingText(v)
        if (!s.length) return def
        let bad = s.length > maxLen
        for (let i = 0; i < s.length && !bad; i++) {
            const c = s.charCodeAt(i)
            if (c < 32 || c > 126 || forbidden.indexOf(s[i]) >= 0) bad = true
        }
        if (bad) {
            const what = `at most ${maxLen} printable ASCII characters` + (forbidden.length ? `, none of ${forbidden}` : "")
            this.fail(key, what, secret ? "the value (not shown)" : `'${s}'`, secret ? "none" : `'${def}'`)
            return def
        }
        return s
    }

    /** "300".."19200" or 38400/57600/115200, + "/7E1" or "/8N1", e.g. "2400/7E1", "115200/8N1" (DSMR 4/5); "auto" hunts; "" = not a push meter */
    uart(key: string, v: any): { uart: UartSettings | null } | null {
        const s = settingText(v).trim()
        if (!s.length) return null
        if (s === "auto") return { uart: null }
        const slash = s.indexOf("/")
        const b = slash < 0 ? s : s.slice(0, slash)
        const f = slash < 0 ? "7E1" : s.slice(slash + 1)
        if (PUSH_BAUDS.indexOf(b) < 0 || (f !== "7E1" && f !== "8N1")) {
            this.fail(key, `empty, auto, or a baud (${PUSH_BAUDS.join(", ")}) with /7E1 or /8N1`, `'${s}'`, "no push")
            return null
        }
        return { uart: { baud: parseInt(b), format: f as Format } }
    }
}

/** the standard bauds as setting texts */
const BAUDS = STANDARD_BAUDS.map(b => "" + b)
/** a push meter may also send at a baud the sign-on cannot ask for (DSMR P1: 115200) */
const PUSH_BAUDS = STANDARD_BAUDS.map(b => "" + b)
PUSH_ONLY_BAUDS.forEach(b => PUSH_BAUDS.push("" + b)) // no Array.concat in DeviceScript

/** Mode letter or null. */
function modeOf(s: string): Mode | null {
    if (s === "A" || s === "B" || s === "C" || s === "D" || s === "E") return s
    return null
}

/** Pure: turns raw setting values into a Config. `get(key)` returns what readSetting gave (or undefined). */
export function parseConfig(get: (key: string) => any): { config: Config; errors: ConfigError[] } {
    const p = new SettingsParser()
    const url = settingText(get("MQTT_URL")).trim()
    let mqttUrl = "mqtt://127.0.0.1:1883"
    if (url.length) {
        if (parseBrokerUrl(url)) mqttUrl = url
        else p.fail("MQTT_URL", "mqtt://host[:port] or mqtts://host[:port]", `'${url}'`, mqttUrl)
    }
    const regs = p.text("PROG_REGS", get("PROG_REGS"), "", 200, "()!/", false)
    const registers: string[] = []
    if (regs.length) {
        const parts = regs.split(",")
        for (let i = 0; i < parts.length; i++) {
            const r = parts[i].trim()
            if (r.length) registers.push(r)
        }
    }
    const progPass = p.text("PROG_PASS", get("PROG_PASS"), "", 32, "()", true)
    const forceMode = p.oneOf("FORCE_MODE", get("FORCE_MODE"), "", ["A", "B", "C", "D", "E"])
    const d = defaultSessionConfig()
    const session: SessionConfig = {
        requestChar: p.text("REQUEST_CHAR", get("REQUEST_CHAR"), d.requestChar, 1, "!/", false) || d.requestChar,
        address: p.text("METER_ADDRESS", get("METER_ADDRESS"), d.address, 32, "!/?", false),
        maxBaud: parseInt(p.oneOf("MAX_BAUD", get("MAX_BAUD"), "" + d.maxBaud, BAUDS)),
        forceBaud: d.forceBaud,
        forceMode: modeOf(forceMode),
        wakeup: p.oneOf("WAKEUP", get("WAKEUP"), d.wakeup, ["auto", "always", "never"]) as "auto" | "always" | "never",
        fallback: p.bool("BAUD_FALLBACK", get("BAUD_FALLBACK"), d.fallback),
        push: p.uart("PUSH_UART", get("PUSH_UART")),
        programming: d.programming,
        maxRetries: p.int("MAX_RETRIES", get("MAX_RETRIES"), d.maxRetries, 0, 10),
    }
    const fb = p.oneOf("FORCE_BAUD", get("FORCE_BAUD"), "", BAUDS)
    if (fb.length) session.forceBaud = parseInt(fb)
    if (registers.length)
        session.programming = {
            password: progPass.length ? progPass : null,
            registers: registers,
            command: p.oneOf("PROG_CMD", get("PROG_CMD"), "R1", ["R1", "R5"]) as "R1" | "R5",
        }
    // an empty value never reaches the device (the compiler drops it), so "off" disables discovery
    const haPrefix = p.text("HA_PREFIX", get("HA_PREFIX"), "homeassistant", 64, "+#", false)
    const poll = defaultPollConfig()
    const pollMs = p.int("POLL_MS", get("POLL_MS"), poll.intervalMs, 1000, 86400000)
    const config: Config = {
        mqttUrl: mqttUrl,
        mqttUser: p.text("MQTT_USER", get("MQTT_USER"), "", 64, "", false),
        mqttPass: p.text("MQTT_PASS", get("MQTT_PASS"), "", 64, "", true),
        baseTopic: p.text("MQTT_BASE", get("MQTT_BASE"), "opto62056", 64, "+#", false) || "opto62056",
        haPrefix: haPrefix === "off" ? "" : haPrefix,
        deviceName: p.text("DEVICE_NAME", get("DEVICE_NAME"), "", 32, "/+#", false),
        meterId: p.text("METER_ID", get("METER_ID"), "", 32, "/+#", false),
        pollMs: pollMs,
        backoffMs: p.int("BACKOFF_MS", get("BACKOFF_MS"), poll.backoffMs, 100, 86400000),
        backoffMaxMs: p.int("BACKOFF_MAX", get("BACKOFF_MAX"), poll.maxBackoffMs, 100, 86400000),
        framing: p.oneOf("FRAMING", get("FRAMING"), "auto", ["auto", "hardware", "software"]) as Framing,
        maxValues: p.int("MAX_VALUES", get("MAX_VALUES"), 64, 1, 1000),
        queueBytes: p.int("QUEUE_BYTES", get("QUEUE_BYTES"), 8192, 1024, 32768),
        protocol: p.oneOf("PROTOCOL", get("PROTOCOL"), "auto", ["auto", "d0", "sml"]) as Protocol,
        trace: p.oneOf("TRACE", get("TRACE"), "on-fail", ["off", "on-fail", "always"]) as TraceMode,
        session: session,
    }
    return { config: config, errors: p.errors }
}

/** Every key the firmware reads (WIFI_SSID/WIFI_PWD are the runtime's own). */
export const SETTING_KEYS = [
    "MQTT_URL", "MQTT_USER", "MQTT_PASS", "MQTT_BASE", "HA_PREFIX", "DEVICE_NAME", "METER_ID",
    "POLL_MS", "BACKOFF_MS", "BACKOFF_MAX", "REQUEST_CHAR", "METER_ADDRESS", "MAX_BAUD", "FORCE_BAUD",
    "FORCE_MODE", "WAKEUP", "BAUD_FALLBACK", "PUSH_UART", "FRAMING", "PROG_REGS", "PROG_PASS", "PROG_CMD",
    "MAX_RETRIES", "MAX_VALUES", "QUEUE_BYTES", "PROTOCOL", "TRACE",
]

export interface BrokerUrl {
    tls: boolean
    host: string
    port: number
}

/** mqtt://host[:port] or mqtts://host[:port] (a trailing "/" is allowed); null when not accepted. */
export function parseBrokerUrl(url: string): BrokerUrl | null {
    let tls = false
    let rest = ""
    if (url.startsWith("mqtt://")) rest = url.slice(7)
    else if (url.startsWith("mqtts://")) {
        tls = true
        rest = url.slice(8)
    } else return null
    if (rest.endsWith("/")) rest = rest.slice(0, rest.length - 1)
    if (!rest.length || rest.indexOf("/") >= 0 || rest.indexOf("@") >= 0) return null
    const colon = rest.indexOf(":")
    let port = tls ? 8883 : 1883
    let host = rest
    if (colon >= 0) {
        host = rest.slice(0, colon)
        const ps = rest.slice(colon + 1)
        if (!isDigits(ps) || ps.length > 5 || parseInt(ps) < 1 || parseInt(ps) > 65535) return null
        port = parseInt(ps)
    }
    if (!host.length) return null
    return { tls: tls, host: host, port: port }
}

/** Reads every key from the settings store. */
export async function loadConfig(): Promise<{ config: Config; errors: ConfigError[] }> {
    const raw: Record<string, any> = {}
    for (let i = 0; i < SETTING_KEYS.length; i++) {
        const k = SETTING_KEYS[i]
        raw[k] = await readSetting(k, undefined)
    }
    return parseConfig(k => raw[k])
}
