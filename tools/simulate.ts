// npm run simulate -- [--profile FILE] [--broker URL] [--count N] [--json] [--set KEY=VALUE ...] [--timeout S] (--help)
//
// Builds the device firmware (src/firmware/main.ts), starts an embedded MQTT
// broker unless --broker is given, runs the firmware in the DeviceScript VM in
// this process (tools/vm-host/devs-host.ts) with the settings from .env.defaults,
// .env.local and --set, its serial role bound to a simulated head with the
// profile's meter behind it (tools/vm-host/sim-head.ts), and shows what the
// firmware publishes.
//   default: progress on stderr, each readout as a table on stdout
//   --json:  exactly one JSON line per MQTT message, {"topic","payload","retain"}, nothing else on stdout
// --count N stops after N readouts (exit 0); without a readout within --timeout
// seconds (default 60) it exits 1 and says why; a firmware panic (out of memory,
// a step-budget timeout) exits 3 at once with the VM's message.
import mqtt from "mqtt"
import { parseCommand, usageError, wholeNumber } from "./cli"
import { canonicalNumber } from "../src/core/numbers"
import { readEnvSettings, settingValue } from "./vm-host/devs-host"
import { startBroker, EmbeddedBroker } from "./vm-host/broker"
import { buildSimFirmware, DEFAULT_PROFILE, readSimProfile, ProfileError, SimProfile, Simulation, startSimulation } from "./vm-host/sim-profile"

interface Args {
    profile: string | null
    broker: string | null
    count: number
    json: boolean
    set: [string, string][]
    timeout: number
    verbose: boolean
    trace: boolean
}

const COMMAND = {
    name: "simulate",
    usage: `usage: npm run simulate -- [options]
Runs the firmware in the DeviceScript simulator against a simulated meter and shows what it publishes.
  --profile FILE     the simulated meter and head (a profile as in profiles/*.json); default: a mode C meter at 9600 Bd
  --broker URL       publish to this MQTT broker instead of an embedded one
  --count N          stop after N readouts (exit 0)
  --json             stdout carries only {"topic","payload","retain"} lines, one per MQTT message
  --set KEY=VALUE    a firmware setting for this run (repeatable)
  --timeout S        exit 1 with the reason when no readout came within S seconds (default 60);
                     a firmware panic (out of memory…) exits 3 at once with the VM's message
  --trace            TRACE=always, and print each line trace the firmware publishes (stderr; replay one with npm run decode)
  -v, --verbose      every VM log line on stderr
  -h, --help         this text`,
    options: {
        profile: { type: "string" },
        broker: { type: "string" },
        count: { type: "string" },
        json: { type: "boolean" },
        set: { type: "string", multiple: true },
        timeout: { type: "string" },
        verbose: { type: "boolean", short: "v" },
        trace: { type: "boolean" },
    },
} as const

function parseArguments(argv: string[]): Args {
    const { values: v } = parseCommand(COMMAND, argv)
    const set: [string, string][] = []
    for (const kv of v.set ?? []) {
        const eq = kv.indexOf("=")
        if (eq <= 0) usageError(COMMAND, `--set wants KEY=VALUE, got '${kv}'`)
        const key = kv.slice(0, eq)
        if (key.length > 13) usageError(COMMAND, `setting names have at most 13 characters: '${key}'`)
        set.push([key, kv.slice(eq + 1)])
    }
    return {
        profile: v.profile ?? null,
        broker: v.broker ?? null,
        count: wholeNumber(COMMAND, "--count", v.count, 0, 0),
        json: v.json ?? false,
        set,
        timeout: wholeNumber(COMMAND, "--timeout", v.timeout, 1, 60),
        verbose: v.verbose ?? false,
        trace: v.trace ?? false,
    }
}

/** Table of one state message: address, value (the JSON number text the firmware wrote, else the text), unit. */
export function readoutTable(payload: string): string {
    const s = JSON.parse(payload) as { meter: string; time: number; values: Record<string, { value: unknown; text: string; unit: string | null }> }
    const rows = Object.entries(s.values).map(([addr, v]) => [addr, canonicalNumber(v.text) ?? v.text, v.unit ?? ""])
    const w = [7, 5, 4]
    for (const r of rows) for (let i = 0; i < 3; i++) w[i] = Math.max(w[i], r[i].length)
    const line = (r: string[]) => `  ${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2]}`
    return [`meter ${s.meter} at ${s.time} ms`, line(["address", "value", "unit"]), ...rows.map(line)].join("\n")
}

async function main() {
    // jacdac-ts reports its transports' life on console.debug, which is stdout in Node: stdout is for readings
    console.debug = () => {}
    const args = parseArguments(process.argv.slice(2))
    const out = (s: string) => process.stdout.write(s + "\n")
    const info = (s: string) => process.stderr.write(s + "\n")
    let profile: SimProfile = DEFAULT_PROFILE
    try {
        if (args.profile) profile = readSimProfile(args.profile)
    } catch (e) {
        if (!(e instanceof ProfileError)) throw e
        info(`simulate: ${e.message}`)
        process.exit(2)
    }

    info(`simulate: building the firmware (profile: ${profile.name})`)
    // OPTO_SIM_ENTRY: another DeviceScript entry instead of the device firmware (the tests run the panic path with one that runs out of memory)
    const binary = buildSimFirmware(process.env.OPTO_SIM_ENTRY || undefined)

    let broker: EmbeddedBroker | null = null
    let url = args.broker
    if (!url) {
        broker = await startBroker()
        url = broker.url
        info(`simulate: embedded MQTT broker on ${url}`)
    }

    const settings = readEnvSettings()
    settings.set("MQTT_URL", settingValue(JSON.stringify(url))!)
    // what a user would configure for this meter, unless --set says otherwise
    const named = (key: string) => args.set.some(([k]) => k === key)
    if (profile.meter.address && profile.generated === 0 && !named("METER_ADDRESS"))
        settings.set("METER_ADDRESS", settingValue(JSON.stringify(profile.meter.address))!)
    // a push meter, D0 mode D or SML: the auto hunt finds its protocol and line settings
    if ((profile.meter.mode === "D" || profile.meter.protocol === "sml") && profile.generated === 0 && !named("PUSH_UART"))
        settings.set("PUSH_UART", settingValue(JSON.stringify("auto"))!)
    if (args.trace) settings.set("TRACE", settingValue(JSON.stringify("always"))!)
    for (const [k, v] of args.set) {
        const b = settingValue(v)
        if (b) settings.set(k, b)
        else settings.delete(k)
    }
    const base = settings.has("MQTT_BASE") ? String(JSON.parse(settings.get("MQTT_BASE")!.toString())) : "opto62056"

    // What the firmware publishes. On the embedded broker each message is taken as
    // the broker received it (so `retain` is the flag the firmware set); on another
    // broker through an MQTT 5 subscription with retain-as-published, and without
    // the retained messages that were there before this run.
    let readouts = 0
    let lastDiag = ""
    let lastLines: string[] = []
    let finished = false
    const t0 = Date.now()
    let sim: Simulation | null = null
    let sub: mqtt.MqttClient | null = null

    async function finish(code: number, why?: string) {
        if (finished) return
        finished = true
        if (why) info(`simulate: ${why}`)
        await sim?.stop()
        sub?.end(true)
        await broker?.close()
        process.exit(code)
    }

    function onMessage(topic: string, text: string, retain: boolean) {
        if (finished) return
        if (args.json) out(JSON.stringify({ topic, payload: text, retain }))
        if (topic.startsWith(base + "/") && topic.endsWith("/diagnostics")) lastDiag = text
        if (args.trace && topic.startsWith(base + "/") && topic.endsWith("/trace")) {
            info(text)
            // the last counted session's trace comes after its state: now the run is complete
            if (args.count && readouts >= args.count) void finish(0)
        }
        if (topic.startsWith(base + "/") && topic.endsWith("/state") && topic.split("/").length === 3) {
            readouts++
            if (!args.json) {
                try {
                    out(readoutTable(text))
                } catch {
                    out(`${topic}: ${text}`)
                }
            }
            info(`simulate: readout ${readouts}${args.count ? ` of ${args.count}` : ""} after ${((Date.now() - t0) / 1000).toFixed(1)} s`)
            // with --trace, the session's trace follows its state (at most a few seconds)
            if (args.count && readouts >= args.count) {
                if (!args.trace) void finish(0)
                else setTimeout(() => void finish(0), 10000)
            }
        }
    }

    if (broker) {
        broker.aedes.on("publish", (packet, client) => {
            if (client) onMessage(packet.topic, packet.payload.toString(), !!packet.retain)
        })
    } else {
        // MQTT 5 for retain-as-published; a 3.1.1-only broker gets a 3.1.1 subscriber (live
        // messages then arrive with retain cleared, as that protocol forwards them)
        const open = (v: 4 | 5) =>
            new Promise<mqtt.MqttClient>((res, rej) => {
                const c = mqtt.connect(url!, { clientId: `simulate-${process.pid}`, reconnectPeriod: 0, protocolVersion: v })
                c.once("connect", () => res(c))
                c.once("error", e => (c.end(true), rej(e)))
                c.once("close", () => rej(new Error("connection closed")))
            })
        let v5 = true
        try {
            sub = await open(5)
        } catch {
            v5 = false
            sub = await open(4)
        }
        sub.options.reconnectPeriod = 500
        await sub.subscribeAsync("#", v5 ? { qos: 1, rap: true, rh: 2 } : { qos: 1 })
        sub.on("message", (topic, payload, packet) => onMessage(topic, payload.toString("utf8"), !!packet.retain))
    }

    info("simulate: starting the firmware in the DeviceScript simulator")
    sim = await startSimulation(profile, {
        binary,
        settings,
        onLine: line => {
            lastLines.push(line)
            if (lastLines.length > 20) lastLines = lastLines.slice(-20)
            if (args.verbose || line.startsWith("> ")) info(`  fw ${line}`)
        },
        // A panic restarts the program, which would panic again the same way (out of memory on
        // the same readout): say so now with the VM's own words instead of waiting for --timeout.
        onPanic: code => {
            setTimeout(() => {
                const said = lastLines.filter(l => /panic|OutOfMemory|exception|error|at .*\(/i.test(l))
                void finish(3, `firmware panic ${code}; the VM said:\n` + (said.length ? said : lastLines).map(l => "  " + l).join("\n"))
            }, 100)
        },
    })

    const check = setInterval(() => {
        if (readouts === 0 && Date.now() - t0 > args.timeout * 1000) {
            clearInterval(check)
            let why = `no readout within ${args.timeout} s`
            try {
                const d = JSON.parse(lastDiag)
                if (d.lastError) why += `; firmware's last error: ${d.lastError}`
                if (d.mqttError) why += `; MQTT: ${d.mqttError}`
                if (d.configErrors?.length) why += `; settings: ${d.configErrors.join("; ")}`
            } catch {
                why += "; the firmware published no diagnostics (is the broker reachable?)"
            }
            why += "\nlast firmware log lines:\n" + lastLines.map(l => "  " + l).join("\n")
            void finish(1, why)
        }
    }, 250)
    process.on("SIGINT", () => void finish(0))
}

if (require.main === module)
    main().catch(e => {
        console.error(`simulate: ${e instanceof Error ? e.message : e}`)
        process.exit(1)
    })
