// Shared by the firmware end-to-end tests: the device firmware in the DeviceScript
// VM with a simulated head and meter (tools/vm-host/sim-profile.ts
// startSimulation), against a broker; records what reaches the broker and what a
// real MQTT client (mqtt.js) sees.
import mqtt from "mqtt"
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

let seq = 0

export class Scenario {
    broker: EmbeddedBroker | null = null
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
        const external = process.env.OPTO_MQTT_URL
        if (external) this.url = external
        else {
            this.broker = await startBroker()
            this.url = this.broker.url
            this.onBroker?.(this.broker)
            this.broker.aedes.on("publish", (packet, client) => {
                if (client) this.received.push({ topic: packet.topic, payload: packet.payload.toString(), retain: !!packet.retain })
            })
        }
        seq++
        this.deviceName = `e2e-${process.pid}-${seq}`
        // on another broker (MQTT 5): retain as published, and none of the retained messages of earlier runs
        this.sub = mqtt.connect(this.url, {
            clientId: `e2e-sub-${process.pid}-${seq}`, reconnectPeriod: 100, protocolVersion: external ? 5 : 4,
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
            deviceId: "0ff06205" + seq.toString(16).padStart(8, "0"),
            onLine: l => {
                for (const x of this.secrets) if (l.includes(x)) this.leaks.push("log: " + l)
                this.lines.push(l)
                if (this.lines.length > 400) this.lines.splice(0, 200)
            },
        })
    }

    /** messages as the broker got them (embedded) or as the subscriber saw them (external broker) */
    msgs(): Msg[] {
        return process.env.OPTO_MQTT_URL ? this.seen : this.received
    }

    log(): string {
        return "last firmware log lines:\n" + this.lines.slice(-40).map(l => "  " + l).join("\n")
    }

    states(base = "opto62056"): Msg[] {
        return this.msgs().filter(m => m.topic.startsWith(base + "/") && m.topic.endsWith("/state") && m.topic.split("/").length === 3)
    }

    /** Stops everything; throws when a password appeared in the log, a topic or a payload. */
    async stop() {
        const run = this.run, sub = this.sub, broker = this.broker
        this.run = null
        this.sub = null
        this.broker = null
        await run?.stop()
        sub?.end(true)
        await broker?.close()
        for (const m of [...this.received, ...this.seen])
            for (const x of this.secrets) if (m.topic.includes(x) || m.payload.includes(x)) this.leaks.push(`mqtt: ${m.topic} ${m.payload}`)
        if (this.leaks.length) throw new Error(`a password appeared:\n${this.leaks.slice(0, 5).join("\n")}`)
    }
}

/** Retained messages under a topic filter, as a fresh subscriber gets them. */
export async function retained(url: string, filter: string): Promise<Msg[]> {
    const c = mqtt.connect(url, { clientId: `e2e-ret-${process.pid}-${Date.now()}` })
    const got: Msg[] = []
    await new Promise<void>((res, rej) => {
        c.once("connect", () => res())
        c.once("error", rej)
    })
    c.on("message", (topic, payload, packet) => got.push({ topic, payload: payload.toString(), retain: !!packet.retain }))
    await c.subscribeAsync(filter, { qos: 1 })
    await new Promise(r => setTimeout(r, 300))
    c.end(true)
    return got
}
