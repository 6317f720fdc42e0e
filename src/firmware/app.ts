// The firmware: settings -> serial link -> session engine (poll loop) -> publisher.
// Protocol logic stays in the core; this file only moves bytes, time and events.
import * as ds from "@devicescript/core"
import { ByteEngine, Output, SessionEvent } from "../core/session-types"
import { DataSet } from "../core/types"
import { newMemory } from "../core/memory"
import { PollSchedule, SessionKind } from "../core/schedule"
import { SerialLink } from "./link"
import { MqttConnection } from "./mqtt"
import { Publisher } from "./publisher"
import { Config, loadConfig, parseBrokerUrl } from "./settings"
import { Doctor } from "./doctor"
import { CommandQueue } from "./command-queue"
import { newEngine } from "./engine"

/**
 * characters handed to the engine per call, far below the VM's step budget: a character that takes
 * the slow path (a bare push frame, a damaged one) costs a few hundred VM steps through the line
 * watch, trace, session, framer and data-set parser, and 256 of them from a 115200 Bd DSMR meter
 * ran past the budget (PANIC 60001)
 */
const CHUNK = 96
/** characters taken without an await in between before the loop yields anyway: one chunk */
const YIELD_CHARS = CHUNK

/** Whoever takes a session's events (the publisher; nobody for the self-test). */
export interface EventSink {
    onEvent(ev: SessionEvent): Promise<void>
    /** data sets come one per line: taken without the cost of an async call where the sink can */
    hold?: (d: DataSet) => void
}

/** One session: start, feed characters and deadlines until the engine says finished. */
export async function runSession(engine: ByteEngine, link: SerialLink, pub: EventSink): Promise<boolean> {
    // every session signs on at 300 baud 7E1, whatever the last one ended with
    await link.apply({ baud: 300, format: "7E1" })
    link.clear() // stale characters from before the session
    let overruns = link.overruns
    let unyielded = 0
    let out: Output = engine.start(ds.millis())
    while (true) {
        if (out.send.length) await link.send(out.send)
        if (out.uart) await link.apply(out.uart)
        let done = false
        let ok = false
        for (let i = 0; i < out.events.length; i++) {
            const ev = out.events[i]
            if (ev.type === "dataSet" && pub.hold) pub.hold(ev.dataSet)
            else await pub.onEvent(ev)
            if (ev.type === "finished") {
                done = true
                ok = ev.ok
            } else if (ev.type === "readout") console.log(`session: readout ${ev.ok ? "ok" : "damaged"}`)
            else if (ev.type === "error") console.log(`session: ${ev.error.kind}: ${ev.error.message}`)
        }
        if (done) return ok
        while (!link.count) {
            const now = ds.millis()
            if (out.deadline !== null && now >= out.deadline) break
            await ds.wait(link.rx, out.deadline === null ? 1000 : out.deadline - now)
            unyielded = 0
        }
        // a reader that never finds the link empty must still leave the fiber now and then (VM step budget)
        if (unyielded >= YIELD_CHARS) {
            await ds.sleep(0)
            unyielded = 0
        }
        const now = ds.millis()
        if (link.count) {
            // how far behind the line the reader is (how long characters have waited): the engine reports it and caps the baud
            const waited = now - link.waitingSince
            const lost = link.overruns - overruns
            overruns = link.overruns
            const chars = link.take(CHUNK)
            unyielded += chars.length
            out = engine.receiveBytes(now, chars, waited, lost)
        } else out = engine.tick(now)
    }
}

// The image's function code must stay below 64 KB (DeviceScript's verifier,
// verify.c check 1051): test/firmware-size.test.ts watches the headroom.
export async function runFirmware() {
    const { config, errors } = await loadConfig()
    for (let i = 0; i < errors.length; i++) console.log(`settings: ${errors[i].message}`)
    const id = ds.deviceIdentifier("self")
    const device = config.deviceName.length ? config.deviceName : "opto62056-" + id.slice(id.length - 8, id.length)
    const pub = new Publisher(config, device)
    pub.configErrors = errors
    pub.diagnostics(null)
    const url = parseBrokerUrl(config.mqttUrl)
    const conn = new MqttConnection({
        host: url.host, port: url.port, tls: url.tls, clientId: device,
        username: config.mqttUser, password: config.mqttPass, keepAliveSec: 30,
        willTopic: pub.topics.base + "/" + device + "/availability", willPayload: "offline", willRetain: true,
    })
    console.log(`mqtt: ${url.tls ? "mqtts" : "mqtt"}://${url.host}:${url.port} as ${device}`)
    // subscribes to the command topic: before the first connect, which sends the subscriptions
    const commands = new CommandQueue(conn, pub)
    pub.run.start(conn)

    const link = new SerialLink(new ds.Serial("meter"), config.framing)
    console.log("link: waiting for the serial service (role 'meter')")
    await link.init()
    const schedule = new PollSchedule({ intervalMs: config.pollMs, backoffMs: config.backoffMs, maxBackoffMs: config.backoffMaxMs })
    // SML meters push on their own, like D0 mode D meters
    const kind = config.protocol === "sml" || config.session.push !== null ? SessionKind.Push : SessionKind.Polled
    const memory = newMemory() // what the engine learns about the meter, kept across sessions
    const doctor = new Doctor(config.trace, config.session)
    pub.doctor = doctor
    await commands.selfTest(doctor, link) // at boot: a head problem shows before the first session fails
    while (true) {
        const t0 = ds.millis()
        const ok = await runSession(doctor.watch(newEngine(config, memory)), link, pub)
        // TRACE: published after a failed session (on-fail) or after every one (always)
        if (doctor.trace !== null && (config.trace !== "on-fail" || !ok)) await pub.publishTrace(doctor.writeTrace)
        const now = ds.millis()
        // at least a scheduler turn between sessions, so the publisher's fiber runs
        const wait = Math.max(schedule.next(t0, now, ok, kind) - now, 10)
        console.log(`session: ${ok ? "ok" : "failed"}; next in ${wait} ms`)
        await commands.serveUntil(ds.millis() + wait, doctor, link)
        // A push meter sends again at once (DSMR 5: every second, 40 values): listening
        // again before the last readout has left would let each readout push the previous
        // one's state out of the queue, so nothing whole is ever published. Wait for the
        // queue to drain, up to POLL_MS (a broker outage still drops the oldest, as designed).
        if (kind === SessionKind.Push && ok) {
            const until = ds.millis() + config.pollMs
            while (pub.outbox.count() > 0 && ds.millis() < until) await commands.serveUntil(ds.millis() + 50, doctor, link)
        }
    }
}
