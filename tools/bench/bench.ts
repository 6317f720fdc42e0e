// `npm run bench [-- --json] [--profile NAME] [--e2e fast|all|none] [--node-engine] [--plot DIR] [--no-footprint] [--no-cpu]`
//
// Reads every shipped meter profile in virtual time and reports, per profile, the
// session time, the line minimum (wire time + the meter's reaction times + the
// reader's minimum reaction times) and their ratio. The steady-state session is
// measured: the reader has met the meter once (a battery meter's wake-up, a push
// meter's settings are known by then), as on every poll after the first.
//
// Over a real tty (a socat pty pair with the paced meter server, tools/serial),
// per profile and in wall-clock time:
//   e2eSessionMs / e2eRatio  our reader's session / the line minimum above.
//                            e2eDriver says who read: "firmware" = the compiled
//                            firmware (src/firmware/main.ts) in the DeviceScript VM in this
//                            process, through the bridge (tools/serial/firmware-e2e.ts),
//                            its first session, timed on the meter's side, ratio
//                            against the first session's line minimum, values not
//                            checked (e2eCorrect null); used when the firmware runner
//                            tools/vm-host/devs-host.ts
//                            is here. "node-engine" = src/core's Session driven over
//                            serialport by tools/serial/engine-port.ts from the
//                            steady-state memory (values checked); the fallback, or
//                            always with --node-engine.
//   peerSessionMs / peerCorrect / vsPeer  smartmeter-obis (npm) on the same meter:
//                            its session, whether it delivered exactly the
//                            profile's values, and ours / theirs.
// Real-time runs cost their wall time (a 300 Bd profile takes 30 s and more), so by
// default (--e2e fast) only profiles whose virtual session is <= 3 s run over the
// pty; --e2e all runs every profile, --e2e none none. Skipped columns are null.
// Then one line {"footprint": {"bytecodeBytes", "maxReadoutBytes"}}: the compiled
// firmware (src/firmware/main.ts) size from `devs build`, null while there is no firmware
// entry; maxReadoutBytes: the largest generated readout (up to a cap) the firmware in the simulator reads without running out of VM heap;
// the "note" key says where the growth stopped.
// Then one line {"cpu": {...}}: the firmware's CPU per received byte in the
// simulator's VM for D0, isolated from the simulated head and from start-up
// (how: tools/bench/cpu.ts), median and spread over 3 interleaved runs.
// --plot DIR writes one SVG timeline per profile of the virtual steady session.
// This is a benchmark, not a test.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { newMemory, ReaderMemory } from "../../src/core/memory"
import { configFor, runSession, Run } from "../../src/sim/run"
import { profileFiles, readProfile } from "../profile-files"
import { Profile, SimMeter } from "../../src/sim/index"
import { timelineSvg } from "./plot"
import { openPtyPair, socatMissing } from "../serial/pty"
import { openPort, closePort, runEngineOnPort } from "../serial/engine-port"
import { PacedMeter } from "../serial/paced-meter"
import { runPeer } from "./peer"
import { runFirmwareE2e } from "./firmware-e2e"
import { buildFirmware, withBuildLock } from "../vm-host/devs-host"
import { maxReadoutBytes } from "./max-readout"
import { oneOf, parseCommand } from "../cli"
import { cpuPerByte, CpuFigure } from "./cpu"

export interface BenchRow {
    profile: string
    ok: boolean
    sessionMs: number
    lineMinimumMs: number
    ratio: number
    firstSessionMs: number
    baud: number
    dataSets: number
    /** wall-clock session over the pty, or null when not run */
    e2eSessionMs: number | null
    e2eRatio: number | null
    /** the e2e session delivered the same data sets as the virtual one */
    e2eCorrect: boolean | null
    /** who read in the e2e run ("node-engine"), or null */
    e2eDriver: string | null
    peerSessionMs: number | null
    peerCorrect: boolean | null
    /** e2eSessionMs / peerSessionMs (lower is better for us), or null */
    vsPeer: number | null
}

interface Virtual {
    row: BenchRow
    profile: Profile
    /** the reader's memory after its first session (what a steady-state poll starts from) */
    memory: ReaderMemory
    /** line minimum of the first session (the firmware e2e run starts with an empty memory) */
    firstLineMinimumMs: number
    again: Run
}

function virtual(file: string, dir?: string): Virtual {
    const p = readProfile(file, dir)
    const memory = newMemory()
    const meter = new SimMeter(p, 0)
    const first = runSession(p, configFor(p), {}, memory, meter, 0)
    const afterFirst: ReaderMemory = JSON.parse(JSON.stringify(memory))
    // the next poll, two minutes later: some meters stay silent for a minute after a readout
    const again = runSession(p, configFor(p), {}, memory, meter, first.endMs + 120000)
    if (again.stats === null) throw new Error(`${file}: the session did not finish within the time limit`)
    const s = again.stats
    return {
        profile: p,
        memory: afterFirst,
        firstLineMinimumMs: first.stats!.lineMinimumMs,
        again,
        row: {
            profile: p.name,
            ok: again.ok,
            sessionMs: round(s.durationMs),
            lineMinimumMs: round(s.lineMinimumMs),
            ratio: Math.round((s.durationMs / s.lineMinimumMs) * 10000) / 10000,
            firstSessionMs: round(first.stats!.durationMs),
            baud: s.baud,
            dataSets: s.dataSets,
            e2eSessionMs: null,
            e2eRatio: null,
            e2eCorrect: null,
            e2eDriver: null,
            peerSessionMs: null,
            peerCorrect: null,
            vsPeer: null,
        },
    }
}

/** The virtual-time figures of one profile (the e2e and peer columns null). */
export function benchProfile(file: string): BenchRow {
    return virtual(file).row
}

/** The firmware through the bridge (firmware-e2e.ts): its first session, so its ratio is against the first session's line minimum. */
async function e2eFirmware(v: Virtual, binary: Buffer): Promise<void> {
    const r = await runFirmwareE2e(binary, v.profile, configFor(v.profile), Math.max(20000, 3 * v.row.firstSessionMs + 10000))
    v.row.e2eDriver = "firmware"
    v.row.e2eCorrect = null // no broker in the run: values not checked
    if (r.sessionMs !== null) {
        v.row.e2eSessionMs = r.sessionMs
        v.row.e2eRatio = Math.round((r.sessionMs / v.firstLineMinimumMs) * 10000) / 10000
    }
}

/** Our reader over a pty pair against the paced meter, from the steady-state memory. */
async function e2e(v: Virtual): Promise<void> {
    const p = v.profile
    const pair = await openPtyPair()
    try {
        const mp = await openPort(pair.meterPath)
        const rp = await openPort(pair.readerPath)
        const m = new PacedMeter(p, mp, { peerPath: pair.readerPath })
        m.start()
        const r = await runEngineOnPort(rp, configFor(p), JSON.parse(JSON.stringify(v.memory)), Math.max(20000, 3 * v.row.sessionMs + 5000))
        m.stop()
        await closePort(rp)
        await closePort(mp)
        v.row.e2eDriver = "node-engine"
        if (r.stats !== null) {
            v.row.e2eSessionMs = round(r.stats.durationMs)
            v.row.e2eRatio = Math.round((r.stats.durationMs / v.row.lineMinimumMs) * 10000) / 10000
        }
        v.row.e2eCorrect = r.ok && JSON.stringify(r.accepted) === JSON.stringify(v.again.accepted)
    } finally {
        await pair.close()
    }
}

async function peer(v: Virtual): Promise<void> {
    const r = await runPeer(v.profile, Math.max(10000, 3 * v.row.lineMinimumMs + 3000))
    v.row.peerSessionMs = r.sessionMs
    v.row.peerCorrect = r.ok && r.correct
    if (v.row.e2eSessionMs !== null && r.sessionMs !== null && r.ok)
        v.row.vsPeer = Math.round((v.row.e2eSessionMs / r.sessionMs) * 10000) / 10000
}

export interface Footprint {
    bytecodeBytes: number | null
    maxReadoutBytes: number | null
    note: string
}

/** Compiled size of the firmware (src/firmware/main.ts, from `devs build`) and the largest readout it reads without running out of VM heap. */
export async function footprint(root = join(__dirname, "..", ".."), capBytes = 300 * 1024): Promise<Footprint> {
    if (!existsSync(join(root, "src", "firmware", "main.ts"))) return { bytecodeBytes: null, maxReadoutBytes: null, note: `no firmware entry src/firmware/main.ts in ${root}` }
    const bin = join(root, ".devicescript", "bin", "bytecode.devs")
    const build = (): number | null => {
        const r = spawnSync("npx", ["devs", "build", "src/firmware/main.ts"], { cwd: root, encoding: "utf8" })
        return r.status === 0 && existsSync(bin) ? statSync(bin).size : null
    }
    // every devs build writes .devicescript/bin: build and measure under the firmware runner's build lock
    const size = withBuildLock(build)
    const max = await maxReadoutBytes(capBytes)
    return { bytecodeBytes: size, maxReadoutBytes: max.bytes, note: `maxReadoutBytes: ${max.note}` + (size === null ? "; devs build src/firmware/main.ts failed" : "") }
}

function round(x: number): number {
    return Math.round(x * 10) / 10
}

function fmt(x: number | null, d: number): string {
    return x === null ? "-" : x.toFixed(d)
}

function yn(x: boolean | null): string {
    return x === null ? "-" : x ? "yes" : "NO"
}

function table(rows: BenchRow[]): string {
    const head = ["profile", "ok", "baud", "sets", "session ms", "line min ms", "ratio", "first ms", "e2e ms", "e2e ratio", "e2e ok", "peer ms", "peer ok", "vs peer"]
    const body = rows.map(r => [
        r.profile.length > 48 ? r.profile.slice(0, 47) + "…" : r.profile,
        r.ok ? "yes" : "NO", "" + r.baud, "" + r.dataSets, r.sessionMs.toFixed(1), r.lineMinimumMs.toFixed(1), r.ratio.toFixed(4), r.firstSessionMs.toFixed(1),
        fmt(r.e2eSessionMs, 1), fmt(r.e2eRatio, 4), yn(r.e2eCorrect), fmt(r.peerSessionMs, 1), yn(r.peerCorrect), fmt(r.vsPeer, 3),
    ])
    const w = head.map((h, i) => Math.max(h.length, ...body.map(b => b[i].length)))
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ")
    return [line(head), line(w.map(n => "-".repeat(n))), ...body.map(line)].join("\n")
}

export interface BenchOptions {
    /** who reads in the e2e columns: the firmware when its runner is here (default), or always the Node engine */
    driver?: "auto" | "node-engine"
    /** where the profiles are (default: the harness's PROFILE_DIR) */
    profileDir?: string
    profile?: string
    e2e?: "fast" | "all" | "none"
    plotDir?: string
    footprint?: boolean
    /** the firmware CPU figure (minutes of runs; the CLI asks for it unless --no-cpu) */
    cpu?: boolean
}

export interface BenchResult {
    rows: BenchRow[]
    footprint: Footprint | null
    cpu: CpuFigure | null
    e2eSkippedWhy: string | null
}

export async function bench(o: BenchOptions = {}): Promise<BenchResult> {
    const all = o.profileDir === undefined ? profileFiles() : readdirSync(o.profileDir).filter(f => f.endsWith(".json")).sort()
    const files = all.filter(f => o.profile === undefined || f.replace(/\.json$/, "") === o.profile || f === o.profile)
    if (files.length === 0) throw new Error(`no profile matches ${o.profile}`)
    const vs = files.map(f => virtual(f, o.profileDir))
    const mode = o.e2e ?? "fast"
    let why: string | null = null
    if (mode !== "none") {
        why = socatMissing()
        if (!why) {
            // the firmware through the bridge when its runner is here (and not told otherwise), else the Node engine
            let binary: Buffer | null = null
            if (o.driver !== "node-engine") {
                try {
                    binary = buildFirmware("src/firmware/main.ts")
                } catch (e) {
                    process.stderr.write(`bench: building the firmware failed, e2e uses the Node engine: ${(e as Error).message.slice(0, 300)}\n`)
                }
            }
            for (const v of vs) {
                if (mode === "fast" && v.row.sessionMs > 3000) continue
                let done = false
                if (binary !== null) {
                    try {
                        await e2eFirmware(v, binary)
                        done = true
                    } catch (e) {
                        process.stderr.write(`bench: e2e through the firmware is not possible, the Node engine reads instead: ${(e as Error).message}\n`)
                        binary = null
                    }
                }
                if (!done) await e2e(v)
                await peer(v)
            }
        }
    }
    if (o.plotDir) {
        mkdirSync(o.plotDir, { recursive: true })
        for (let i = 0; i < vs.length; i++) {
            const v = vs[i]
            const svg = timelineSvg(v.row.profile, v.again.trace, v.again.startMs, v.again.endMs, v.row.lineMinimumMs)
            writeFileSync(join(o.plotDir, files[i].replace(/\.json$/, ".svg")), svg)
        }
    }
    const fp = o.footprint === false ? null : await footprint()
    return { rows: vs.map(v => v.row), footprint: fp, cpu: o.cpu === true ? await cpuPerByte() : null, e2eSkippedWhy: why }
}

const COMMAND = {
    name: "bench",
    usage: `usage: npm run bench -- [options]
Reads every shipped meter profile and reports session time against the line minimum, end to end
over a pty, against smartmeter-obis, and the firmware's footprint. A benchmark, not a test.
  --json            one JSON object per profile, then {"footprint"}
  --profile NAME    only this profile (file name with or without .json)
  --e2e MODE        fast (profiles whose session is <= 3 s, the default), all or none
  --node-engine     e2e through src/core's engine over serialport instead of the firmware in the VM
  --plot DIR        one SVG timeline per profile into DIR
  --no-footprint    skip the bytecode size and largest-readout measurement
  --no-cpu          skip the firmware's CPU per received byte (minutes of runs)
  -h, --help        this text`,
    options: {
        json: { type: "boolean" },
        profile: { type: "string" },
        e2e: { type: "string" },
        "node-engine": { type: "boolean" },
        plot: { type: "string" },
        "no-footprint": { type: "boolean" },
        "no-cpu": { type: "boolean" },
    },
} as const

async function main(argv: string[]): Promise<number> {
    // jacdac-ts reports its transports' life on console.debug, which is stdout in Node: keep stdout for the figures
    console.debug = () => {}
    const { values: v } = parseCommand(COMMAND, argv)
    const json = v.json ?? false
    const e2eArg = oneOf(COMMAND, "--e2e", v.e2e, ["fast", "all", "none"] as const, "fast")
    let res: BenchResult
    try {
        res = await bench({ driver: v["node-engine"] ? "node-engine" : "auto", profile: v.profile, e2e: e2eArg, plotDir: v.plot, footprint: !v["no-footprint"], cpu: !v["no-cpu"] })
    } catch (e) {
        process.stderr.write(`bench: ${(e as Error).message}\n`)
        return 2
    }
    const rows = res.rows
    if (res.e2eSkippedWhy) process.stderr.write(`bench: e2e and peer columns skipped: ${res.e2eSkippedWhy}\n`)
    if (json) {
        for (const r of rows) process.stdout.write(JSON.stringify(r) + "\n")
        if (res.footprint) process.stdout.write(JSON.stringify({ footprint: res.footprint }) + "\n")
        if (res.cpu) process.stdout.write(JSON.stringify({ cpu: res.cpu }) + "\n")
    } else {
        process.stdout.write(table(rows) + "\n")
        const worst = rows.filter(r => r.ok).reduce((a, b) => (b.ratio > a.ratio ? b : a), rows[0])
        process.stdout.write(`\nworst ratio ${worst.ratio.toFixed(4)} (${worst.profile}); goal <= 1.03\n`)
        const e = rows.filter(r => r.e2eRatio !== null)
        if (e.length) {
            const we = e.reduce((a, b) => ((b.e2eRatio as number) > (a.e2eRatio as number) ? b : a))
            const who = e[0].e2eDriver === "firmware" ? "firmware in the DeviceScript VM through the bridge and a pty; first session" : "src/core engine over a pty, wall clock; NOT the firmware: see above why"
            process.stdout.write(`e2e (${who}): worst ratio ${fmt(we.e2eRatio, 4)} (${we.profile}); goal <= 1.10\n`)
        }
        if (e.some(r => (r.e2eRatio as number) < 1))
            process.stdout.write(`  (an e2e ratio below 1 is a push meter: over the pty the session starts with the meter, so it waits less for a telegram than the steady-state line minimum assumes)\n`)
        const pv = rows.filter(r => r.vsPeer !== null)
        if (pv.length) {
            const wins = pv.filter(r => (r.vsPeer as number) <= 0.85).length
            process.stdout.write(`vs smartmeter-obis: ${wins} of ${pv.length} profiles at <= 0.85 (goal); peer read correctly on ${rows.filter(r => r.peerCorrect).length} of ${rows.filter(r => r.peerCorrect !== null).length}\n`)
        }
        if (res.cpu) {
            const c = res.cpu
            process.stdout.write(`firmware CPU per received byte (D0, simulator VM): ${c.firmwareUsPerByte} us median, ${c.spread[0]}..${c.spread[1]} over ${c.repeats} runs (VM with the firmware ${c.vmUsPerByte}, with a drain-only program ${c.drainUsPerByte}; whole process ${c.processUsPerByte}); goal <= 2\n  how: ${c.method}\n`)
        }
        if (res.footprint) process.stdout.write(`footprint: bytecode ${res.footprint.bytecodeBytes ?? "null"} B, max readout ${res.footprint.maxReadoutBytes ?? "null"} B (${res.footprint.note})\n`)
        if (v.plot) process.stdout.write(`timelines written to ${v.plot}\n`)
    }
    return 0
}

if (require.main === module) void main(process.argv.slice(2)).then(code => process.exit(code))
