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
import { oneOf, parseCommand, usageError } from "../cli"

const COMMAND = {
    name: "meter",
    usage: `usage: npm run meter -- --profile FILE (--port PATH | --pty) [options]
Serves a simulated meter on a serial device, paced at the line rate.
  --profile FILE     a meter profile: a path, or a name in profiles/
  --port PATH        the serial device the meter talks on
  --pty              make a socat pty pair and print the reader's end
  --format F         wire (8N1 bytes with the parity in bit 7, the default) or 7bit
  --echo, --no-echo  the head echoes what the reader sends (default: as the profile says)
  --peer PATH        the reader's end, to follow its baud changes (default with --pty: the pair's)
  -h, --help         this text`,
    options: {
        profile: { type: "string" },
        port: { type: "string" },
        pty: { type: "boolean" },
        format: { type: "string" },
        echo: { type: "boolean" },
        "no-echo": { type: "boolean" },
        peer: { type: "string" },
    },
} as const

function usage(msg: string): never {
    usageError(COMMAND, msg)
}

export function profilePath(name: string): string {
    if (existsSync(name)) return name
    for (const p of [join(PROFILE_DIR, name), join(PROFILE_DIR, name + ".json")]) if (existsSync(p)) return p
    usage(`no profile file ${name} (neither a path nor a name in ${PROFILE_DIR})`)
}

async function main() {
    const { values: v } = parseCommand(COMMAND)
    const profile = v.profile ?? ""
    let port = v.port ?? ""
    let peer = v.peer ?? ""
    const pty = v.pty ?? false
    const format: LineFormat = oneOf(COMMAND, "--format", v.format, ["wire", "7bit"] as const, "wire")
    if (v.echo && v["no-echo"]) usage("--echo and --no-echo together")
    const echo: boolean | undefined = v.echo ? true : v["no-echo"] ? false : undefined
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
