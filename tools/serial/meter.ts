// npm run meter -- --profile FILE --port PATH [--format wire|7bit] [--echo|--no-echo] [--peer PATH]
// npm run meter -- --profile FILE --pty        (makes a socat pty pair and prints the reader's end)
//
// Serves a simulator profile (src/sim SimMeter) on a serial device, paced at the
// line rate of the baud in force (paced-meter.ts). The meter keeps its state for
// the whole run, like a real meter: sessions, silence after a readout, sleep.
//   --format wire  (default) bytes are 8N1 with the 7E1 parity in bit 7: for
//                  readers that do parity in software (this project's bridge)
//   --format 7bit  bytes are 7-bit characters, as a port opened at 7E1 delivers
//                  them (for readers such as smartmeter-obis on a pty)
//   --peer PATH    the reader's end of a pty pair: warn when the meter sends while
//                  the reader's port is set to another baud (polled with stty)
// Ctrl-C stops it and prints what went over the line.
import { readFileSync, existsSync } from "node:fs"
import { join } from "node:path"
import { parseProfile } from "../../src/sim/index"
import { PROFILE_DIR } from "../profile-files"
import { openPort, closePort } from "./engine-port"
import { PacedMeter } from "./paced-meter"
import { LineFormat } from "./line-format"
import { openPtyPair, PtyPair } from "./pty"

function usage(msg: string): never {
    process.stderr.write(`meter: ${msg}\nusage: npm run meter -- --profile FILE (--port PATH | --pty) [--format wire|7bit] [--echo|--no-echo] [--peer PATH]\n`)
    process.exit(2)
}

export function profilePath(name: string): string {
    if (existsSync(name)) return name
    for (const p of [join(PROFILE_DIR, name), join(PROFILE_DIR, name + ".json")]) if (existsSync(p)) return p
    usage(`no profile file ${name} (neither a path nor a name in ${PROFILE_DIR})`)
}

async function main() {
    const argv = process.argv.slice(2)
    let profile = "", port = "", peer = "", pty = false
    let format: LineFormat = "wire"
    let echo: boolean | undefined
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i]
        const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${k} needs a value`))
        if (k === "--profile") profile = next()
        else if (k === "--port") port = next()
        else if (k === "--peer") peer = next()
        else if (k === "--pty") pty = true
        else if (k === "--echo") echo = true
        else if (k === "--no-echo") echo = false
        else if (k === "--format") {
            const f = next()
            if (f !== "wire" && f !== "7bit") usage("--format is wire or 7bit")
            format = f
        } else usage(`unknown argument ${k}`)
    }
    if (!profile) usage("--profile is required")
    if (!port && !pty) usage("--port PATH or --pty is required")
    const p = parseProfile(JSON.parse(readFileSync(profilePath(profile), "utf8")))
    let pair: PtyPair | null = null
    if (pty) {
        pair = await openPtyPair()
        port = pair.meterPath
        if (!peer) peer = pair.readerPath
    }
    let sp
    try {
        sp = await openPort(port)
    } catch (e) {
        process.stderr.write(`meter: cannot open ${port}: ${(e as Error).message}\n`)
        await pair?.close()
        process.exit(1)
    }
    const m = new PacedMeter(p, sp, { format, echo, peerPath: peer || undefined })
    m.start()
    process.stderr.write(`meter: ${p.name} on ${port} (${format} bytes${m.meter.q.echo || echo ? ", echo" : ""})\n`)
    if (pair) process.stdout.write(`${pair.readerPath}\n`)
    const stop = async () => {
        m.stop()
        process.stderr.write(`meter: stopped; ${JSON.stringify(m.stats)}; readouts ${m.meter.readouts}\n`)
        await closePort(sp)
        await pair?.close()
        process.exit(0)
    }
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
    let notes = 0
    setInterval(() => {
        for (; notes < m.meter.notes.length; notes++) process.stderr.write(`meter: ${(m.meter.notes[notes].at / 1000).toFixed(3)} s ${m.meter.notes[notes].what}\n`)
        if (notes > m.meter.notes.length) notes = m.meter.notes.length
    }, 200)
}

if (require.main === module) void main()
