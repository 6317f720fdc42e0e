// The firmware's CPU per received byte in the simulator's VM, for D0.
//
// How it is isolated: the VM runs in this process (tools/vm-host/devs-host.ts)
// with nothing but the device's firmware image; the simulated head and the
// generated 19200 Bd readout (src/sim/head/generated-meter.ts) run in Node,
// outside the VM. Each run is timed with Node's process.cpuUsage (user +
// system) summed over the calls into the VM (its scheduler turns, received
// frames, socket events) from boot until the session is done: the time Node
// spends around them (the head, timers, the MQTT broker) follows the wall clock
// and the machine's load. Two readout sizes are read, so boot, sign-on and
// publishing cancel in the difference. The same runs with a program that only
// drains the serial role (src/sim/head/drain.ts) give what the runtime spends
// carrying the bytes (Jacdac reports, the role's subscription), which is
// subtracted: what is left is the firmware's own cost per received byte (link,
// line watch and trace, session, framer, data-set parser, publisher). Both
// figures are printed. The VM exposes no step counter (the emscripten module
// exports no such function), so there is no steps-per-byte figure.
import { startBroker } from "../vm-host/broker"
import { buildFirmware, settingValue } from "../vm-host/devs-host"
import { buildSimFirmware, startSimulation } from "../vm-host/sim-profile"
import { generatedBytes, generatedRun } from "./max-readout"
import { parseCommand, wholeNumber } from "../cli"
import { readFileSync } from "node:fs"
import { HeapWatch } from "../vm-host/heap"

export interface CpuRun {
    lines: number
    /** the whole process */
    cpuUs: number
    /** inside the VM's entry points only */
    vmUs: number
    wallMs: number
    /** calls into the VM per entry point (scheduler turns, received frames, socket events) */
    calls: Record<string, number>
    /** the line that said the run was done */
    doneLine: string
}

/** One read of a generated readout of `lines` lines; CPU microseconds of this process from boot to done. */
export async function cpuRun(lines: number, speed: number, binary?: Buffer, timeoutMs = 120000): Promise<CpuRun> {
    const broker = await startBroker()
    const { p, s } = generatedRun(lines, speed, broker.url)
    // CPU_TRACE=off|on-fail|always: the firmware's TRACE for this figure (the line trace's share)
    if (process.env.CPU_TRACE) s.set("TRACE", settingValue(JSON.stringify(process.env.CPU_TRACE))!)
    let done = false
    let doneLine = ""
    let failed = ""
    let panic = 0
    const onLine = (l: string) => {
        if (/session: ok|drain: done/.test(l)) {
            done = true
            doneLine = l
        }
        else if (/session: failed|OutOfMemory|PANIC/i.test(l)) failed = l
    }
    // CPU spent inside the VM's entry points (its scheduler turn, received frames, socket events):
    // what Node does around them (timers, the broker, idle polling) varies with the machine's load
    let vmUs = 0
    const calls: Record<string, number> = {}
    const timed = (inst: any, name: string) => {
        const f = inst[name]
        calls[name] = 0
        inst[name] = (...a: unknown[]) => {
            calls[name]++
            const u0 = process.cpuUsage()
            try {
                return f(...a)
            } finally {
                const u = process.cpuUsage(u0)
                vmUs += u.user + u.system
            }
        }
    }
    // CPU_HEAP=1: the VM heap walked after each turn (outside the timed calls): collections and live bytes
    let heap = null as HeapWatch | null
    const onVm = (inst: any) => {
        ;["_jd_em_process", "_jd_em_frame_received", "_jd_em_tcpsock_on_event"].forEach(n => timed(inst, n))
        if (process.env.CPU_HEAP) (heap = new HeapWatch(inst)).attach()
    }
    const c0 = process.cpuUsage()
    const t0 = Date.now()
    const run = await startSimulation(p, { settings: s, binary, onLine, onPanic: c => (panic = c), onVm })
    while (!done && !failed && !panic && Date.now() - t0 < timeoutMs) await new Promise(r => setTimeout(r, 2))
    const c = process.cpuUsage(c0)
    const wallMs = Date.now() - t0
    await run.stop()
    await broker.close()
    if (!done) throw new Error(`firmware run of ${lines} lines did not finish: ${failed || (panic ? "panic " + panic : "timeout")}`)
    const hw = heap as HeapWatch | null
    if (hw) process.stderr.write(`heap: ${lines} lines: ${hw.collections} collections, live up to ${hw.maxLive} B, last ${JSON.stringify(hw.last)}\n`)
    return { lines, cpuUs: c.user + c.system, vmUs, wallMs, calls, doneLine }
}

export interface CpuFigure {
    /** firmware µs per received byte in the VM, net of the drain-only program, median over the repeats */
    firmwareUsPerByte: number
    /** min and max over the repeats */
    spread: [number, number]
    /** the VM with the firmware, gross (the runtime's carrying of the bytes included), median */
    vmUsPerByte: number
    /** the VM with the drain-only program, median */
    drainUsPerByte: number
    /** the whole process (head, broker, timers included), µs per byte, median: for comparison */
    processUsPerByte: number
    bytes: [number, number]
    repeats: number
    speed: number
    method: string
}

function median(xs: number[]): number {
    const s = xs.slice().sort((a, b) => a - b)
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const r2 = (x: number) => Math.round(x * 100) / 100

export async function cpuPerByte(o: { small?: number; large?: number; repeats?: number; speed?: number; log?: (s: string) => void } = {}): Promise<CpuFigure> {
    const small = o.small ?? 1000
    const large = o.large ?? 4000
    const repeats = o.repeats ?? 3
    const speed = o.speed ?? 4
    const log = o.log ?? (() => {})
    const firmware = buildSimFirmware()
    const drain = buildFirmware("src/sim/head/drain.ts")
    // data lines plus STX, "!" CR LF, ETX, BCC: the same overhead in both sizes, so it cancels
    const db = generatedBytes(large) - generatedBytes(small)
    const fw: number[] = []
    const gross: number[] = []
    const dr: number[] = []
    const whole: number[] = []
    for (let i = 0; i < repeats; i++) {
        // interleaved, so a change in the machine's load hits all four
        const rs = await cpuRun(small, speed, firmware)
        const rl = await cpuRun(large, speed, firmware)
        const ds = await cpuRun(small, speed, drain)
        const dl = await cpuRun(large, speed, drain)
        const w = (rl.vmUs - rs.vmUs) / db
        const d = (dl.vmUs - ds.vmUs) / db
        const pw = (rl.cpuUs - rs.cpuUs) / db
        log(`run ${i + 1}: firmware ${r2(w - d)} µs/B net (VM with the firmware ${r2(w)}, with the drain-only program ${r2(d)}; whole process ${r2(pw)}; wall ${rs.wallMs}/${rl.wallMs}/${ds.wallMs}/${dl.wallMs} ms)`)
        fw.push(w - d)
        gross.push(w)
        dr.push(d)
        whole.push(pw)
    }
    return {
        firmwareUsPerByte: r2(median(fw)),
        spread: [r2(Math.min(...fw)), r2(Math.max(...fw))],
        vmUsPerByte: r2(median(gross)),
        drainUsPerByte: r2(median(dr)),
        processUsPerByte: r2(median(whole)),
        bytes: [generatedBytes(small), generatedBytes(large)],
        repeats,
        speed,
        method:
            "process.cpuUsage summed over the in-process VM's entry points (scheduler turns, frames, socket events) from boot to done, the device image alone in the VM (head and meter in Node), " +
            "generated 19200 Bd D0 readouts of two sizes (difference / byte difference), minus the same with a program that only drains the serial role; VM steps: not exposed by the VM",
    }
}

export interface CpuSplit {
    /** gross VM µs per received byte of each program (median over the repeats), and min/max */
    gross: Record<string, { median: number; spread: [number, number] }>
    /** each program net of the drain-only program of the same repeat (median, min, max): for --compare */
    net: Record<string, { median: number; spread: [number, number] }>
    /** the firmware's figure split into parts: differences of the medians above (--split) */
    parts: Record<string, number>
    /** receiveBytes calls at 19200 Bd and their mean size, large readout (split stages 1 and 2) */
    bytesPerCall: Record<string, number>
    repeats: number
    method: string
}

/**
 * The same runs (sizes, head, speed) with several programs, interleaved in each repeat so a change
 * in the machine's load hits them all. --split: the firmware; its link and session loop with the
 * real engine and no publisher (src/sim/probe/split-engine.ts); the link and loop with an engine
 * that only signs on (split-link.ts); the drain-only program (drain.ts): each a part less than the
 * one before. --compare FILE: the firmware against another image of it (an earlier build), both
 * net of the drain-only program.
 */
export async function cpuSplit(o: { small?: number; large?: number; repeats?: number; speed?: number; log?: (s: string) => void; compare?: Buffer } = {}): Promise<CpuSplit> {
    const small = o.small ?? 1000
    const large = o.large ?? 4000
    const repeats = o.repeats ?? 3
    const speed = o.speed ?? 4
    const log = o.log ?? (() => {})
    const programs: [string, Buffer][] = o.compare
        ? [["firmware", buildSimFirmware()], ["compare", o.compare]]
        : [["firmware", buildSimFirmware()], ["engine", buildFirmware("src/sim/probe/split-engine.ts")], ["link", buildFirmware("src/sim/probe/split-link.ts")]]
    programs.push(["drain", buildFirmware("src/sim/head/drain.ts")])
    const db = generatedBytes(large) - generatedBytes(small)
    const per: Record<string, number[]> = {}
    const net: Record<string, number[]> = {}
    const perCall: Record<string, number> = {}
    for (let i = 0; i < repeats; i++) {
        const row: string[] = []
        const v: Record<string, number> = {}
        // every other repeat in the reverse order: a program's place in the sequence (the process's
        // warm-up, the load a run before it left) must not favour it
        for (const [name, bin] of i % 2 ? programs.slice().reverse() : programs) {
            const rs = await cpuRun(small, speed, bin)
            const rl = await cpuRun(large, speed, bin)
            v[name] = (rl.vmUs - rs.vmUs) / db
            if (process.env.CPU_CALLS) log(`  ${name}: VM µs ${rs.vmUs}/${rl.vmUs}, calls into the VM ${JSON.stringify(rs.calls)} / ${JSON.stringify(rl.calls)}`)
            ;(per[name] = per[name] ?? []).push(v[name])
            const m = /calls (\d+) bytes (\d+)/.exec(rl.doneLine)
            if (m) perCall[name] = r2(+m[2] / +m[1])
            row.push(`${name} ${r2(v[name])}`)
        }
        for (const k of Object.keys(v)) if (k !== "drain") (net[k] = net[k] ?? []).push(v[k] - v.drain)
        log(`run ${i + 1}: VM µs/B gross: ${row.join(", ")}`)
    }
    const stat = (xs: number[]) => ({ median: r2(median(xs)), spread: [r2(Math.min(...xs)), r2(Math.max(...xs))] as [number, number] })
    const gross: CpuSplit["gross"] = {}
    for (const k of Object.keys(per)) gross[k] = stat(per[k])
    const nets: CpuSplit["net"] = {}
    for (const k of Object.keys(net)) nets[k] = stat(net[k])
    const med = (k: string) => median(per[k])
    return {
        gross,
        net: nets,
        parts: o.compare
            ? {}
            : {
                  "runtime carrying the packets + drain handler (drain)": r2(med("drain")),
                  "link handler + ring copy, loop, take (link - drain)": r2(med("link") - med("drain")),
                  "engine in the loop: watched session, framer, parser, trace (engine - link)": r2(med("engine") - med("link")),
                  "publisher: hold per data set, commit, MQTT (firmware - engine)": r2(med("firmware") - med("engine")),
                  "firmware net of drain (the bench's figure)": r2(med("firmware") - med("drain")),
              },
        bytesPerCall: perCall,
        repeats,
        method: "as cpuPerByte, for each program: (VM µs of the large readout - of the small) / byte difference",
    }
}

if (require.main === module) {
    console.debug = () => {}
    const cmd = {
        name: "bench:cpu",
        usage: `usage: npx tsx tools/bench/cpu.ts -- [--small N] [--large N] [--repeats N] [--speed N]
The firmware's CPU per received byte in the simulator's VM (also part of npm run bench).
  --small N, --large N   generated readout sizes in data lines (default 1000 and 4000)
  --repeats N            interleaved runs (default 3)
  --speed N              how much faster than 19200 Bd the simulated head runs (default 4)
  --split                where the figure goes: the firmware, its link and loop with the engine
                         and no publisher, with a sign-on-only engine, and the drain-only program
  --compare FILE         the firmware against another image of it (e.g. an earlier build from
                         .devicescript/cache), interleaved, both net of the drain-only program
  -h, --help             this text`,
        options: { small: { type: "string" }, large: { type: "string" }, repeats: { type: "string" }, speed: { type: "string" }, split: { type: "boolean" }, compare: { type: "string" } },
    } as const
    const { values: v } = parseCommand(cmd)
    const n = (flag: string, text: string | undefined) => (text === undefined ? undefined : wholeNumber(cmd, flag, text, 1, 0))
    const opts = { small: n("--small", v.small), large: n("--large", v.large), repeats: n("--repeats", v.repeats), speed: n("--speed", v.speed), log: (s: string) => process.stderr.write(s + "\n") }
    const compare = v.compare === undefined ? undefined : readFileSync(v.compare)
    void (v.split || compare ? cpuSplit({ ...opts, compare }).then(f => ({ cpuSplit: f })) : cpuPerByte(opts).then(f => ({ cpu: f }))).then(
        f => {
            process.stdout.write(JSON.stringify(f, null, v.split || compare ? 2 : undefined) + "\n")
            process.exit(0)
        },
        e => {
            process.stderr.write(`bench cpu: ${(e as Error).message}\n`)
            process.exit(2)
        },
    )
}
