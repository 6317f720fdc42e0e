// The firmware soak: the device image (src/firmware/main.ts) in the in-process DeviceScript VM,
// a simulated push meter whose reading counts up with every telegram, and the embedded broker,
// for many sessions. At seeded random moments the broker restarts (down for a while, its
// retained messages kept) or the network drops (every connection cut, the broker stays up);
// halfway the settings change (a smaller outage queue, redeployed as devtools would: the
// program restarts with the new settings). It reports what reached the broker against what the
// firmware read, and the VM's heap (tools/vm-host/heap.ts) per session.
import { startBroker, EmbeddedBroker } from "../vm-host/broker"
import { readEnvSettings, settingValue } from "../vm-host/devs-host"
import { HeapWatch, HeapSample } from "../vm-host/heap"
import { SimProfile, Simulation, startSimulation } from "../vm-host/sim-profile"
import { SimMeter } from "../../src/sim/meter"
import { parseProfile } from "../../src/sim/profiles"
import { SimMeterLine } from "../../src/sim/head/sim-meter"

/** the password the firmware logs in with: it must never appear in a log line, topic or payload */
export const SOAK_PASSWORD = "soak-Pa55w0rd-7f3e"
const USER = "opto"

export interface SoakOptions {
    sessions: number
    seed: number
    /** how much faster than the line the head runs */
    speed?: number
    /** ms between the meter's telegrams */
    pushIntervalMs?: number
    /** outage lengths, ms: phase 1 (queue not exceeded) and phase 2 (queue of QUEUE_BYTES2) */
    outage1?: [number, number]
    outage2?: [number, number]
    queueBytes2?: number
    /** values per telegram (2 … 6): each is published alone besides the state */
    values?: number
    progress?: (line: string) => void
    /** every VM log line */
    onLine?: (line: string) => void
}

export interface PhaseReport {
    name: string
    settings: Record<string, string>
    sessions: number
    readouts: number
    /** states published = readouts; received: distinct states the broker got */
    statesReceived: number
    statesLost: number
    /** states received again (at-least-once redelivery after a cut before the PUBACK), all of the message just before */
    redelivered: number
    outOfOrder: number
    valuesLost: number
    diagnosticsLost: number
    /** the firmware's own count of messages its queue dropped (last diagnostics) */
    dropped: number
    restarts: number
    drops: number
    heap: { maxLive: number; maxUsed: number; maxBlock: number; maxBlockTag: string; minMaxFree: number; samples: number; collections: number; maxByTag: Record<string, number> }
    /** the first states out of order, "<value> after <value>" */
    disorder: string[]
    /** messages that arrived twice, not right after each other */
    repeats: string[]
    /** highest live heap per tenth of the phase's sessions, after the first tenth (warm-up) */
    liveTrend: number[]
    /** lowest live heap per tenth (what stays after every collection): a leak raises it */
    liveFloor: number[]
}

export interface SoakReport {
    phases: PhaseReport[]
    /** log lines, topics or payloads that contain the password */
    passwordLeaks: string[]
    logLines: number
    seconds: number
}

function rng(seed: number) {
    let x = seed >>> 0 || 1
    return () => {
        x ^= x << 13
        x >>>= 0
        x ^= x >>> 17
        x ^= x << 5
        x >>>= 0
        return x / 4294967296
    }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** a mode D meter (62056-21 push with STX/ETX/BCC) whose 1.8.0 counts the telegrams: the reading is its own sequence number */
export function countingMeter(pushIntervalMs: number, values: number): { line: SimMeterLine; pushes: () => number } {
    const profile = parseProfile({
        name: "soak: counting push meter",
        source: "opto62056 soak",
        identification: "/ABC5SOAK1",
        mode: "D",
        maxBaud: 9600,
        dataBlock: "1.8.0(000000.000*kWh)",
        quirks: { frame: "framed", pushIntervalMs: pushIntervalMs },
    })
    const m = new SimMeter(profile, 0)
    const anyM = m as any
    const send = anyM.sendPush
    let n = 0
    anyM.sendPush = function (from: number) {
        n++
        profile.dataBlock = [
            `1.8.0(${String(n).padStart(6, "0")}.000*kWh)`,
            `2.8.0(${String(n * 2).padStart(6, "0")}.500*kWh)`,
            "0.0.0(SOAK0001)",
            "1.8.1(000100.001*kWh)",
            "1-0:16.7.0*255(0001.250*kW)",
            "F.F(00000000)",
        ].slice(0, values).join("\r\n")
        return send.call(this, from)
    }
    return { line: new SimMeterLine(m), pushes: () => n }
}

interface Got {
    topic: string
    payload: string
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
    const t0 = Date.now()
    const rand = rng(o.seed)
    const progress = o.progress ?? (() => {})
    const broker: EmbeddedBroker = await startBroker()
    broker.aedes.authenticate = (_c, user, pass, cb) => cb(null, user === USER && !!pass && pass.toString() === SOAK_PASSWORD)
    let got: Got[] = []
    broker.aedes.on("publish", (p, c) => {
        if (c) got.push({ topic: p.topic, payload: p.payload.toString() })
    })
    const leaks: string[] = []
    let logLines = 0
    const report: SoakReport = { phases: [], passwordLeaks: leaks, logLines: 0, seconds: 0 }
    const half = Math.ceil(o.sessions / 2)
    const values = o.values ?? 6
    const phases: { name: string; sessions: number; settings: Record<string, string>; outage: [number, number] }[] = [
        { name: "phase 1: QUEUE_BYTES 8192", sessions: half, settings: {}, outage: o.outage1 ?? [300, 2500] },
        { name: `phase 2: QUEUE_BYTES ${o.queueBytes2 ?? 4096}`, sessions: o.sessions - half, settings: { QUEUE_BYTES: String(o.queueBytes2 ?? 4096) }, outage: o.outage2 ?? [2000, 6000] },
    ]
    try {
        for (const ph of phases) {
            // each boot has its own names, so that a late message of the one before cannot count here
            const n = report.phases.length + 1
            const METER = `opto62056/soak${n}/`, STATE = METER + "state", DIAG = `opto62056/reader${n}/diagnostics`
            got = []
            const settings: Record<string, string> = {
                MQTT_URL: JSON.stringify(broker.url),
                MQTT_USER: USER,
                MQTT_PASS: SOAK_PASSWORD,
                DEVICE_NAME: `reader${n}`,
                METER_ID: `soak${n}`,
                PUSH_UART: "9600/7E1",
                PROTOCOL: "d0",
                POLL_MS: "1000",
                TRACE: "off",
                ...ph.settings,
            }
            const s = readEnvSettings(undefined, false)
            for (const [k, v] of Object.entries(settings)) s.set(k, settingValue(v)!)
            const meter = countingMeter(o.pushIntervalMs ?? 150, values)
            let heap: HeapWatch | null = null
            let sessions = 0, readouts = 0
            const perSession: HeapSample[] = []
            const lines: string[] = []
            const sim: Simulation = await startSimulation(
                { name: "soak", meter: { mode: "D" }, head: { eightN1Only: false, speed: o.speed ?? 8 }, generated: 0 },
                {
                    settings: s,
                    lineMeter: meter.line,
                    onVm: inst => {
                        heap = new HeapWatch(inst)
                        heap.attach()
                    },
                    onLine: l => {
                        logLines++
                        o.onLine?.(l)
                        if (l.includes(SOAK_PASSWORD)) leaks.push("log: " + l)
                        if (l.startsWith("> session: readout ok")) readouts++
                        else if (/^> session: (ok|failed); next in/.test(l)) {
                            sessions++
                            const h = heap!.last
                            if (h) perSession.push(h)
                        }
                        lines.push(l)
                        if (lines.length > 60) lines.shift()
                    },
                },
            )
            const h = heap as unknown as HeapWatch
            let restarts = 0, drops = 0
            let final: number | null = null
            let nextFault = 5 + Math.floor(rand() * 15)
            try {
                const tStart = Date.now()
                while (sessions < ph.sessions) {
                    if (Date.now() - tStart > 60000 + ph.sessions * 3000)
                        throw new Error(`${ph.name}: ${sessions} of ${ph.sessions} sessions; last log:\n${lines.join("\n")}`)
                    if (sessions >= nextFault) {
                        nextFault = sessions + 5 + Math.floor(rand() * 15)
                        // at a random moment inside a session, not on its boundary
                        await sleep(Math.floor(rand() * (o.pushIntervalMs ?? 150)))
                        if (rand() < 0.5) {
                            restarts++
                            const down = ph.outage[0] + Math.floor(rand() * (ph.outage[1] - ph.outage[0]))
                            await broker.stop()
                            await sleep(down)
                            await broker.start()
                        } else {
                            drops++
                            broker.cut()
                        }
                    }
                    await sleep(20)
                    if (sessions % 100 === 0 && sessions) progress(`${ph.name}: ${sessions} sessions`)
                }
                // the end: a session's diagnostics whose queue held only that session's own state and
                // values (nothing dropped meanwhile): every message queued before it was delivered or
                // dropped (the queue is in order), and it follows them to the broker
                const tEnd = Date.now()
                while (final === null && Date.now() - tEnd < 60000) {
                    let prevDropped = -1
                    for (let i = 0; i < got.length; i++) {
                        const g = got[i]
                        if (g.topic !== DIAG) continue
                        const dr = +(/"dropped":(\d+)/.exec(g.payload)?.[1] ?? -1)
                        if (g.payload.includes('"duration"') && dr === prevDropped && new RegExp(`"queued":${values + 1}[,}]`).test(g.payload)) final = i
                        prevDropped = dr
                    }
                    if (final === null) await sleep(100)
                }
                if (final === null) throw new Error(`${ph.name}: the queue did not drain within 60 s; last log:\n${lines.join("\n")}`)
            } finally {
                await sim.stop()
            }
            const upTo = got.slice(0, final + 1)
            const D = upTo[final]
            const num = (k: string) => +(new RegExp(`"${k}":(\\d+)`).exec(D.payload)?.[1] ?? -1)
            const dropped = num("dropped")
            // sessions that had ended when D was built: each ok one made one readout, each failed one counts in "failed"
            const ended = num("readouts") + num("failed")
            const R = num("readouts")
            // what reached the broker
            let prev = -1, redelivered = 0, outOfOrder = 0
            const seen = new Set<number>()
            const disorder: string[] = []
            for (const g of got) if (g.topic.includes(SOAK_PASSWORD) || g.payload.includes(SOAK_PASSWORD)) leaks.push(`mqtt: ${g.topic} ${g.payload}`)
            // QoS 1 is at least once: a message cut off before its PUBACK is sent again after the
            // reconnect, so the broker has it twice in a row (only "online" and discovery between)
            let last: Got | null = null
            const unique: Got[] = []
            for (const g of upTo) {
                if (g.topic.endsWith("/availability") || g.topic.startsWith("homeassistant/")) continue
                if (last && last.topic === g.topic && last.payload === g.payload) {
                    redelivered++
                    continue
                }
                last = g
                unique.push(g)
            }
            for (const g of unique) {
                if (g.topic !== STATE) continue
                const m = /"1\.8\.0":\{"value":(\d+)/.exec(g.payload)
                if (!m) throw new Error(`state without 1.8.0: ${g.payload}`)
                const v = +m[1]
                if (v <= prev || seen.has(v)) {
                    outOfOrder++
                    disorder.push(`${v} after ${prev}`)
                }
                seen.add(v)
                prev = v
            }
            const firstSeen = new Map<string, number>()
            const repeats: string[] = []
            unique.forEach((g, i) => {
                const k = g.topic + " " + g.payload
                if (firstSeen.has(k) && repeats.length < 5) repeats.push(`${k.slice(0, 80)} at ${firstSeen.get(k)} and ${i}`)
                else firstSeen.set(k, i)
            })
            // OPTO_SOAK_DUMP=/tmp/x: every message of the phase as the broker got it, for a failing run
            if (process.env.OPTO_SOAK_DUMP) require("node:fs").writeFileSync(`${process.env.OPTO_SOAK_DUMP}-${report.phases.length}.json`, JSON.stringify({ R, final, got }, null, 1))
            const valueMsgs = unique.filter(g => g.topic.startsWith(METER) && g.topic !== STATE).length
            const diags = unique.filter(g => g.topic === DIAG).length
            // tenths of the phase after the first: the highest live heap in each
            const trend: number[] = [], floor: number[] = []
            const tenth = Math.max(1, Math.floor(perSession.length / 10))
            for (let i = tenth; i + tenth <= perSession.length; i += tenth) {
                const live = perSession.slice(i, i + tenth).map(x => x.live).filter(x => x >= 0)
                trend.push(Math.max(...live))
                floor.push(Math.min(...live))
            }
            report.phases.push({
                name: ph.name,
                settings: ph.settings,
                sessions,
                readouts,
                statesReceived: seen.size,
                statesLost: R - seen.size,
                redelivered,
                outOfOrder,
                // every readout publishes each of its values alone; every session ends with diagnostics, and the boot sends two (settings, self-test)
                valuesLost: R * values - valueMsgs,
                diagnosticsLost: ended + 2 - diags,
                disorder: disorder.slice(0, 10),
                repeats,
                dropped,
                restarts,
                drops,
                heap: { maxLive: h.maxLive, maxUsed: h.maxUsed, maxBlock: h.maxBlock, maxBlockTag: h.maxBlockTag, minMaxFree: h.minMaxFree, samples: h.samples, collections: h.collections, maxByTag: { ...h.maxByTag } },
                liveTrend: trend,
                liveFloor: floor,
            })
        }
    } finally {
        await broker.close()
    }
    report.logLines = logLines
    report.seconds = (Date.now() - t0) / 1000
    return report
}

export function formatSoak(r: SoakReport): string {
    const out: string[] = []
    for (const p of r.phases) {
        out.push(`${p.name}: ${p.sessions} sessions, ${p.readouts} readouts, ${p.restarts} broker restarts, ${p.drops} network drops`)
        out.push(`  states received ${p.statesReceived}, lost ${p.statesLost}, out of order ${p.outOfOrder}, redelivered ${p.redelivered}; values lost ${p.valuesLost}, diagnostics lost ${p.diagnosticsLost}; firmware's dropped count ${p.dropped}`)
        if (p.disorder.length) out.push(`  out of order: ${p.disorder.join(", ")}`)
        if (p.repeats.length) out.push(`  repeated: ${p.repeats.join(" | ")}`)
        const tags = Object.entries(p.heap.maxByTag).sort((a, b) => b[1] - a[1]).map(([t, b]) => `${t} ${b}`).join(", ")
        out.push(`  heap (64 KB): live after collection max ${p.heap.maxLive} B (${p.heap.collections} collections), in use max ${p.heap.maxUsed} B, smallest largest-free block ${p.heap.minMaxFree} B; ${p.heap.samples} samples`)
        out.push(`  largest block in use by kind, B: ${tags}`)
        out.push(`  live heap per tenth after warm-up, highest: ${p.liveTrend.join(" ")}`)
        out.push(`  live heap per tenth after warm-up, lowest:  ${p.liveFloor.join(" ")}`)
    }
    out.push(`password in ${r.passwordLeaks.length} of ${r.logLines} log lines and the MQTT traffic; ${r.seconds.toFixed(0)} s`)
    return out.join("\n")
}

/** What the soak asserts; empty when all holds. */
export function checkSoak(r: SoakReport, heapSlack = 1024): string[] {
    const out: string[] = []
    if (r.passwordLeaks.length) out.push(`the password appeared: ${r.passwordLeaks.slice(0, 3).join(" | ")}`)
    for (const p of r.phases) {
        if (p.outOfOrder) out.push(`${p.name}: ${p.outOfOrder} states out of order`)
        const lost = p.statesLost + p.valuesLost + p.diagnosticsLost
        if (p.dropped === 0 && p.statesLost !== 0) out.push(`${p.name}: ${p.statesLost} states lost with nothing dropped`)
        if (lost !== p.dropped) out.push(`${p.name}: ${lost} messages lost (states ${p.statesLost}, values ${p.valuesLost}, diagnostics ${p.diagnosticsLost}) but the firmware counted ${p.dropped} dropped`)
        if (p.heap.samples === 0) out.push(`${p.name}: the heap was never sampled`)
        if (p.liveFloor.length >= 4) {
            // what survives every collection must not creep up: the last half's floor against the first half's
            const firstHalf = Math.max(...p.liveFloor.slice(0, p.liveFloor.length >> 1))
            const lastHalf = Math.min(...p.liveFloor.slice(p.liveFloor.length >> 1))
            if (lastHalf > firstHalf + heapSlack) out.push(`${p.name}: live heap floor grew from ${firstHalf} to ${lastHalf} B`)
        }
        if (p.redelivered > p.restarts + p.drops) out.push(`${p.name}: ${p.redelivered} redeliveries for ${p.restarts + p.drops} cuts`)
    }
    return out
}
