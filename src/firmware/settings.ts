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

    constructor(public get: (key: string) => any) {}

    fail(key: string, accepted: string, shown: string, def: string) {
        this.errors.push({ key: key, message: `${key}: ${shown} is not accepted (${accepted}); using ${def}` })
    }

    /** the key's value as trimmed text */
    trimmed(key: string): string {
        return settingText(this.get(key)).trim()
    }

    int(key: string, def: number, min: number, max: number): number {
        const s = this.trimmed(key)
        if (!s.length) return def
        const n = parseInt(s)
        if (!isDigits(s) || s.length > 9 || n < min || n > max) {
            this.fail(key, `a whole number from ${min} to ${max}`, `'${s}'`, "" + def)
            return def
        }
        return n
    }

    /** options: the accepted values, separated by ", " */
    oneOf(key: string, def: string, options: string): string {
        const s = this.trimmed(key)
        if (!s.length) return def
        if (options.split(", ").indexOf(s) < 0) {
            this.fail(key, "one of " + options, `'${s}'`, def)
            return def
        }
        return s
    }

    bool(key: string, def: boolean): boolean {
        const s = this.trimmed(key).toLowerCase()
        if (!s.length) return def
        if (s === "true" || s === "1" || s === "yes") return true
        if (s === "false" || s === "0" || s === "no") return false
        this.fail(key, "true or false", `'${s}'`, def ? "true" : "false")
        return def
    }

    /** printable ASCII without the characters the protocol reserves; an empty value gives def, so the result is empty only when def is */
    text(key: string, def: string, maxLen: number, forbidden: string, secret?: boolean): string {
        const s = settingText(this.get(key))
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

    /** PUSH_UART: "300".."19200" or 38400/57600/115200, + "/7E1" or "/8N1", e.g. "2400/7E1", "115200/8N1" (DSMR 4/5); "auto" hunts; "" = not a push meter */
    uart(): { uart: UartSettings | null } | null {
        const s = this.trimmed("PUSH_UART")
        if (!s.length) return null
        if (s === "auto") return { uart: null }
        const slash = s.indexOf("/")
        const b = slash < 0 ? s : s.slice(0, slash)
        const f = slash < 0 ? "7E1" : s.slice(slash + 1)
        if (PUSH_BAUDS.split(", ").indexOf(b) < 0 || (f !== "7E1" && f !== "8N1")) {
            this.fail("PUSH_UART", `empty, auto, or a baud (${PUSH_BAUDS}) with /7E1 or /8N1`, `'${s}'`, "no push")
            return null
        }
        return { uart: { baud: parseInt(b), format: f as Format } }
    }
}

/** the standard bauds as setting texts, separated by ", " */
const BAUDS = STANDARD_BAUDS.join(", ")
/** a push meter may also send at a baud the sign-on cannot ask for (DSMR P1: 115200) */
const PUSH_BAUDS = BAUDS + ", " + PUSH_ONLY_BAUDS.join(", ")

/** Pure: turns raw setting values into a Config. `get(key)` returns what readSetting gave (or undefined). */
export function parseConfig(get: (key: string) => any): { config: Config; errors: ConfigError[] } {
    const p = new SettingsParser(get)
    const url = p.trimmed("MQTT_URL")
    let mqttUrl = "mqtt://127.0.0.1:1883"
    if (url.length) {
        if (parseBrokerUrl(url)) mqttUrl = url
        else p.fail("MQTT_URL", "mqtt://host[:port] or mqtts://host[:port]", `'${url}'`, mqttUrl)
    }
    const regs = p.text("PROG_REGS", "", 200, "()!/")
    const registers: string[] = []
    if (regs.length) {
        const parts = regs.split(",")
        for (let i = 0; i < parts.length; i++) {
            const r = parts[i].trim()
            if (r.length) registers.push(r)
        }
    }
    const progPass = p.text("PROG_PASS", "", 32, "()", true)
    const forceMode = p.oneOf("FORCE_MODE", "", "A, B, C, D, E")
    const d = defaultSessionConfig()
    const session: SessionConfig = {
        requestChar: p.text("REQUEST_CHAR", d.requestChar, 1, "!/"),
        address: p.text("METER_ADDRESS", d.address, 32, "!/?"),
        maxBaud: parseInt(p.oneOf("MAX_BAUD", "" + d.maxBaud, BAUDS)),
        forceBaud: d.forceBaud,
        forceMode: forceMode.length ? (forceMode as Mode) : null,
        wakeup: p.oneOf("WAKEUP", d.wakeup, "auto, always, never") as "auto" | "always" | "never",
        fallback: p.bool("BAUD_FALLBACK", d.fallback),
        push: p.uart(),
        programming: d.programming,
        maxRetries: p.int("MAX_RETRIES", d.maxRetries, 0, 10),
    }
    const fb = p.oneOf("FORCE_BAUD", "", BAUDS)
    if (fb.length) session.forceBaud = parseInt(fb)
    if (registers.length)
        session.programming = {
            password: progPass.length ? progPass : null,
            registers: registers,
            command: p.oneOf("PROG_CMD", "R1", "R1, R5") as "R1" | "R5",
        }
    // an empty value never reaches the device (the compiler drops it), so "off" disables discovery
    const haPrefix = p.text("HA_PREFIX", "homeassistant", 64, "+#")
    const poll = defaultPollConfig()
    const pollMs = p.int("POLL_MS", poll.intervalMs, 1000, 86400000)
    const config: Config = {
        mqttUrl: mqttUrl,
        mqttUser: p.text("MQTT_USER", "", 64, ""),
        mqttPass: p.text("MQTT_PASS", "", 64, "", true),
        baseTopic: p.text("MQTT_BASE", "opto62056", 64, "+#"),
        haPrefix: haPrefix === "off" ? "" : haPrefix,
        deviceName: p.text("DEVICE_NAME", "", 32, "/+#"),
        meterId: p.text("METER_ID", "", 32, "/+#"),
        pollMs: pollMs,
        backoffMs: p.int("BACKOFF_MS", poll.backoffMs, 100, 86400000),
        backoffMaxMs: p.int("BACKOFF_MAX", poll.maxBackoffMs, 100, 86400000),
        framing: p.oneOf("FRAMING", "auto", "auto, hardware, software") as Framing,
        // what the 64 KB heap holds (measured: 64 values after a 1000-line readout with a 12 KB queue;
        // a 16 KB queue ran out at the next session's start): README "Firmware settings"
        maxValues: p.int("MAX_VALUES", 64, 1, 64),
        // at least one readout of a few values with its diagnostics
        queueBytes: p.int("QUEUE_BYTES", 8192, 4096, 12288),
        protocol: p.oneOf("PROTOCOL", "auto", "auto, d0, sml") as Protocol,
        trace: p.oneOf("TRACE", "on-fail", "off, on-fail, always") as TraceMode,
        session: session,
    }
    return { config: config, errors: p.errors }
}

/** Every key the firmware reads (WIFI_SSID/WIFI_PWD are the runtime's own). */
export const SETTING_KEYS = "MQTT_URL,MQTT_USER,MQTT_PASS,MQTT_BASE,HA_PREFIX,DEVICE_NAME,METER_ID,POLL_MS,BACKOFF_MS,BACKOFF_MAX,REQUEST_CHAR,METER_ADDRESS,MAX_BAUD,FORCE_BAUD,FORCE_MODE,WAKEUP,BAUD_FALLBACK,PUSH_UART,FRAMING,PROG_REGS,PROG_PASS,PROG_CMD,MAX_RETRIES,MAX_VALUES,QUEUE_BYTES,PROTOCOL,TRACE"

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
    const keys = SETTING_KEYS.split(",")
    for (let i = 0; i < keys.length; i++) {
        const k = keys[i]
        raw[k] = await readSetting(k, undefined)
    }
    return parseConfig(k => raw[k])
}
