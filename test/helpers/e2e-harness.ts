// Shared by the firmware end-to-end tests: the device firmware in the DeviceScript
// VM with a simulated head and meter (tools/vm-host/sim-profile.ts
// startSimulation), against a broker; records what reaches the broker and what a
// real MQTT client (mqtt.js) sees.
//
// Every scenario has a broker of its own (an embedded aedes, or with
// OPTO_BROKER=mosquitto a private Mosquitto on a free loopback port), so the
// scenarios of a file run side by side: most of a scenario's time is the
// firmware's own timeouts in real time, not CPU. OPTO_MQTT_URL instead points
// every scenario at one broker the tests do not own; they then run one at a time.
import mqtt from "mqtt"
import { spawn, spawnSync, ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { connect, createServer, AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TestContext } from "node:test"
import { readEnvSettings, settingValue } from "../../tools/vm-host/devs-host"
import { startBroker, EmbeddedBroker } from "../../tools/vm-host/broker"
import { DEFAULT_PROFILE, SimProfile, Simulation, startSimulation } from "../../tools/vm-host/sim-profile"

export interface Msg {
    topic: string
    payload: string
    retain: boolean
}

/**
 * How much faster than the line the end-to-end scenarios run their simulated head: they check what
 * is published, not timing (which the engine's tests check in virtual time), so characters need not
 * take their real time. The meter's reaction times and the firmware's timeouts stay real.
 */
export const E2E_SPEED = 4

/** The default line, with parts of the meter profile (quirks merged), the head, or a generator replaced. */
export function simProfile(over: { meter?: Record<string, unknown>; quirks?: Record<string, unknown>; head?: Partial<SimProfile["head"]>; generated?: number }): SimProfile {
    return {
        name: "test",
        meter: { ...DEFAULT_PROFILE.meter, ...(over.meter ?? {}), quirks: { ...DEFAULT_PROFILE.meter.quirks, ...(over.quirks ?? {}) } },
        head: { ...DEFAULT_PROFILE.head, speed: E2E_SPEED, ...(over.head ?? {}) },
        generated: over.generated ?? 0,
    }
}

export async function waitFor(what: string, pred: () => boolean, timeoutMs: number, log?: () => string) {
    const t0 = Date.now()
    while (!pred()) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${log ? log() : ""}`)
        await new Promise(r => setTimeout(r, 50))
    }
}

/** Scenarios of one file that may run at once: each is mostly waiting, but two cores also run the other test files. */
export const E2E_CONCURRENCY = process.env.OPTO_MQTT_URL ? 1 : 4

/** The Mosquitto binary, when installed. */
export function mosquittoBinary(): string | undefined {
    return ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find(p => spawnSync(p, ["-h"]).status !== null)
}

/** The private brokers still running: killed when this process exits, however it ends, so none outlives the tests. */
const liveBrokers = new Set<ChildProcess>()
process.on("exit", () => {
    for (const b of liveBrokers) b.kill()
})

/** A private Mosquitto on a free loopback port, no persistence; resolves once it accepts connections. */
export async function startMosquitto(bin: string): Promise<{ url: string; stop(): Promise<void> }> {
    const port = await new Promise<number>(res => {
        const srv = createServer().listen(0, "127.0.0.1", () => {
            const p = (srv.address() as AddressInfo).port
            srv.close(() => res(p))
        })
    })
    const dir = mkdtempSync(join(tmpdir(), "opto-mosquitto-"))
    const conf = join(dir, "mosquitto.conf")
    writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`)
    const broker: ChildProcess = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] })
    liveBrokers.add(broker)
    let log = ""
    broker.stderr!.on("data", d => (log += d))
    const exited = new Promise<void>(res => broker.once("exit", () => (liveBrokers.delete(broker), res())))
    const stop = async () => {
        broker.kill()
        await exited
        rmSync(dir, { recursive: true, force: true })
    }
    for (let i = 0; ; i++) {
        const ok = await new Promise<boolean>(res => {
            const c = connect(port, "127.0.0.1", () => (c.end(), res(true)))
            c.on("error", () => res(false))
        })
        if (ok) break
        if (i > 100) {
            await stop()
            throw new Error(`mosquitto did not start on port ${port}:\n${log}`)
        }
        await new Promise(r => setTimeout(r, 50))
    }
    return { url: `mqtt://127.0.0.1:${port}`, stop }
}

/** A scenario stopped when the test `t` ends, passed or failed (so tests that run side by side stop only their own). */
export function scenario(t: TestContext): Scenario {
    const s = new Scenario()
    t.after(() => s.stop())
    return s
}

let seq = 0

export class Scenario {
    broker: EmbeddedBroker | null = null
    /** the scenario's own Mosquitto (OPTO_BROKER=mosquitto) */
    mosquitto: { url: string; stop(): Promise<void> } | null = null
    url = ""
    /** every PUBLISH the broker received from the firmware, retain as sent (embedded broker only) */
    received: Msg[] = []
    /** what a subscriber to "#" got */
    seen: Msg[] = []
    lines: string[] = []
    sub: mqtt.MqttClient | null = null
    run: Simulation | null = null
    deviceName = ""
    /** the passwords this run was given (MQTT_PASS, PROG_PASS) */
    secrets: string[] = []
    /** every log line, topic or payload that contained one of them: stop() fails the test when there is one */
    leaks: string[] = []
    /** called with the embedded broker before the firmware starts (e.g. to require a password) */
    onBroker: ((b: EmbeddedBroker) => void) | null = null

    async start(p: SimProfile, settings: Record<string, string>) {
        const external = !!(process.env.OPTO_MQTT_URL || process.env.OPTO_BROKER)
        if (process.env.OPTO_MQTT_URL) this.url = process.env.OPTO_MQTT_URL
        else if (process.env.OPTO_BROKER) {
            const bin = process.env.OPTO_BROKER === "mosquitto" ? mosquittoBinary() : undefined
            if (!bin) throw new Error(`OPTO_BROKER=${process.env.OPTO_BROKER}: only "mosquitto" is known, and it must be installed`)
            this.mosquitto = await startMosquitto(bin)
            this.url = this.mosquitto.url
        } else {
            this.broker = await startBroker()
            this.url = this.broker.url
            this.onBroker?.(this.broker)
            this.broker.aedes.on("publish", (packet, client) => {
                if (client) this.received.push({ topic: packet.topic, payload: packet.payload.toString(), retain: !!packet.retain })
            })
        }
        const n = ++seq // this scenario's number (others may start while this one awaits)
        this.deviceName = `e2e-${process.pid}-${n}`
        // on another broker (MQTT 5): retain as published, and none of the retained messages of earlier runs
        this.sub = mqtt.connect(this.url, {
            clientId: `e2e-sub-${process.pid}-${n}`, reconnectPeriod: 100, protocolVersion: external ? 5 : 4,
        })
        await new Promise<void>((res, rej) => {
            this.sub!.once("connect", () => res())
            this.sub!.once("error", rej)
        })
        this.sub.on("message", (topic, payload, packet) => this.seen.push({ topic, payload: payload.toString(), retain: !!packet.retain }))
        await this.sub.subscribeAsync("#", external ? { qos: 1, rap: true, rh: 2 } : { qos: 1 })
        const s = readEnvSettings(undefined, false) // hermetic: no developer .env.local
        s.set("MQTT_URL", settingValue(JSON.stringify(this.url))!)
        s.set("DEVICE_NAME", settingValue(JSON.stringify(this.deviceName))!)
        for (const [k, v] of Object.entries(settings)) {
            const b = settingValue(v)
            if (b) s.set(k, b)
            else s.delete(k)
            if (b && (k === "MQTT_PASS" || k === "PROG_PASS")) this.secrets.push(String(JSON.parse(b.toString())))
        }
        this.run = await startSimulation(p, {
            settings: s,
            deviceId: "0ff06205" + n.toString(16).padStart(8, "0"),
            onLine: l => {
                for (const x of this.secrets) if (l.includes(x)) this.leaks.push("log: " + l)
                this.lines.push(l)
                if (this.lines.length > 400) this.lines.splice(0, 200)
            },
        })
    }

    /** messages as the broker got them (embedded) or as the subscriber saw them (another broker) */
    msgs(): Msg[] {
        return embeddedBroker() ? this.received : this.seen
    }

    log(): string {
        return "last firmware log lines:\n" + this.lines.slice(-40).map(l => "  " + l).join("\n")
    }

    states(base = "opto62056"): Msg[] {
        return this.msgs().filter(m => m.topic.startsWith(base + "/") && m.topic.endsWith("/state") && m.topic.split("/").length === 3)
    }

    /** Stops everything; throws when a password appeared in the log, a topic or a payload. */
    async stop() {
        const run = this.run, sub = this.sub, broker = this.broker, mosquitto = this.mosquitto
        this.run = null
        this.sub = null
        this.broker = null
        this.mosquitto = null
        await run?.stop()
        sub?.end(true)
        await broker?.close()
        await mosquitto?.stop()
        for (const m of [...this.received, ...this.seen])
            for (const x of this.secrets) if (m.topic.includes(x) || m.payload.includes(x)) this.leaks.push(`mqtt: ${m.topic} ${m.payload}`)
        if (this.leaks.length) throw new Error(`a password appeared:\n${this.leaks.slice(0, 5).join("\n")}`)
    }
}

/** The scenarios run against the embedded aedes (which the tests can restart or configure). */
export function embeddedBroker(): boolean {
    return !process.env.OPTO_MQTT_URL && !process.env.OPTO_BROKER
}

/**
 * Retained messages under a topic filter, as a fresh subscriber gets them (flagged retained; a live
 * publish the firmware makes meanwhile is not): waits (up to 10 s) until `expect` have come, then
 * 300 ms more for any beyond them (a fixed wait alone came short on a loaded machine).
 */
export async function retained(url: string, filter: string, expect: number): Promise<Msg[]> {
    const c = mqtt.connect(url, { clientId: `e2e-ret-${process.pid}-${++seq}` })
    const got: Msg[] = []
    await new Promise<void>((res, rej) => {
        c.once("connect", () => res())
        c.once("error", rej)
    })
    c.on("message", (topic, payload, packet) => packet.retain && got.push({ topic, payload: payload.toString(), retain: true }))
    await c.subscribeAsync(filter, { qos: 1 })
    const t0 = Date.now()
    while (got.length < expect && Date.now() - t0 < 10000) await new Promise(r => setTimeout(r, 50))
    await new Promise(r => setTimeout(r, 300))
    c.end(true)
    return got
}
