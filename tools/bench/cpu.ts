// The firmware's CPU per received byte in the simulator's VM, for D0.
//
// How it is isolated: the VM runs in this process (tools/vm-host/devs-host.ts)
// with the simulated head streaming a generated 19200 Bd readout
// (src/sim/head/generated-meter.ts; entry src/sim/head/generated.ts). Each run is timed with Node's
// process.cpuUsage (user + system) summed over the calls into the VM (its scheduler turns,
// received frames, socket events) from boot until the reader is done: the time Node spends
// around them (timers, the MQTT broker, idle polling) follows the wall clock and the machine's
// load, and would drown the difference. Two
// readout sizes are read, so boot, sign-on and publishing cancel in the
// difference; the same runs with SIM_DRAIN (src/sim/head/drain.ts: signs on with
// fixed messages and only drains the serial role) give the head's, meter's and
// Jacdac's cost per byte, which is subtracted. What is left is the firmware's
// own cost per received byte: link, session, framer, data-set parser, publisher.
// The VM exposes no step counter (the emscripten module exports no such
// function), so there is no steps-per-byte figure.
import { startBroker } from "../vm-host/broker"
import { readEnvSettings, settingValue, startFirmware } from "../vm-host/devs-host"
import { buildSimFirmware, profileSettings, SimProfile } from "../vm-host/sim-profile"
import { generatedBytes } from "./max-readout"

export interface CpuRun {
    lines: number
    drain: boolean
    /** the whole process */
    cpuUs: number
    /** inside the VM's entry points only */
    vmUs: number
    wallMs: number
}

/** One read of a generated readout of `lines` lines; CPU microseconds of this process from boot to done. */
export async function cpuRun(lines: number, drain: boolean, speed: number, binary: Buffer, timeoutMs = 120000): Promise<CpuRun> {
    const broker = await startBroker()
    const p: SimProfile = { name: "generated", meter: { identification: "/ABC6BIG" }, head: { eightN1Only: false, speed }, generated: lines }
    const s = readEnvSettings(undefined, false)
    for (const [k, v] of profileSettings(p)) s.set(k, v)
    const put = (k: string, v: string) => s.set(k, settingValue(v)!)
    put("MQTT_URL", JSON.stringify(broker.url))
    put("MAX_BAUD", "19200")
    put("MAX_VALUES", "40")
    put("POLL_MS", "600000")
    if (drain) put("SIM_DRAIN", "true")
    let done = false
    let failed = ""
    let panic = 0
    const onLine = (l: string) => {
        if (/drain: done|session: ok/.test(l)) done = true
        else if (/session: failed|OutOfMemory|PANIC/i.test(l)) failed = l
    }
    // CPU spent inside the VM's entry points (its scheduler turn, received frames, socket events):
    // what Node does around them (timers, the broker, idle polling) varies with the machine's load
    let vmUs = 0
    const timed = (inst: any, name: string) => {
        const f = inst[name]
        inst[name] = (...a: unknown[]) => {
            const u0 = process.cpuUsage()
            try {
                return f(...a)
            } finally {
                const u = process.cpuUsage(u0)
                vmUs += u.user + u.system
            }
        }
    }
    const onVm = (inst: any) => ["_jd_em_process", "_jd_em_frame_received", "_jd_em_tcpsock_on_event"].forEach(n => timed(inst, n))
    const c0 = process.cpuUsage()
    const t0 = Date.now()
    const run = await startFirmware({ binary, settings: s, onLine, onPanic: c => (panic = c), onVm })
    while (!done && !failed && !panic && Date.now() - t0 < timeoutMs) await new Promise(r => setTimeout(r, 2))
    const c = process.cpuUsage(c0)
    const wallMs = Date.now() - t0
    run.stop()
    await broker.close()
    if (!done) throw new Error(`${drain ? "drain" : "firmware"} run of ${lines} lines did not finish: ${failed || (panic ? "panic " + panic : "timeout")}`)
    return { lines, drain, cpuUs: c.user + c.system, vmUs, wallMs }
}

export interface CpuFigure {
    /** firmware µs per received byte (real minus drain), median over the repeats */
    firmwareUsPerByte: number
    /** min and max over the repeats */
    spread: [number, number]
    /** the VM with the real firmware (head, meter, Jacdac included), µs per byte, median */
    wholeUsPerByte: number
    /** drain-only µs per byte, median */
    drainUsPerByte: number
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
    const binary = buildSimFirmware({ name: "generated", meter: { identification: "/ABC6BIG" }, head: { eightN1Only: false, speed: 1 }, generated: small })
    // data lines plus STX, "!" CR LF, ETX, BCC: the same overhead in both sizes, so it cancels
    const db = generatedBytes(large) - generatedBytes(small)
    const fw: number[] = []
    const whole: number[] = []
    const dr: number[] = []
    for (let i = 0; i < repeats; i++) {
        // interleaved, so a change in the machine's load hits both sides
        const rs = await cpuRun(small, false, speed, binary)
        const rl = await cpuRun(large, false, speed, binary)
        const ds = await cpuRun(small, true, speed, binary)
        const dl = await cpuRun(large, true, speed, binary)
        const w = (rl.vmUs - rs.vmUs) / db
        const d = (dl.vmUs - ds.vmUs) / db
        const pw = (rl.cpuUs - rs.cpuUs) / db
        const pd = (dl.cpuUs - ds.cpuUs) / db
        log(`run ${i + 1}: firmware ${r2(w - d)} µs/B (VM with firmware ${r2(w)}, with drain ${r2(d)}; whole process ${r2(pw)} / ${r2(pd)}; wall ${rs.wallMs}/${rl.wallMs}/${ds.wallMs}/${dl.wallMs} ms)`)
        whole.push(w)
        dr.push(d)
        fw.push(w - d)
    }
    return {
        firmwareUsPerByte: r2(median(fw)),
        spread: [r2(Math.min(...fw)), r2(Math.max(...fw))],
        wholeUsPerByte: r2(median(whole)),
        drainUsPerByte: r2(median(dr)),
        bytes: [generatedBytes(small), generatedBytes(large)],
        repeats,
        speed,
        method:
            "process.cpuUsage summed over the in-process VM's entry points (scheduler turns, frames, socket events) from boot to done, generated 19200 Bd D0 readouts of two sizes (difference / byte difference), " +
            "real firmware minus a reader that only drains the serial role (same head, meter, Jacdac path); VM steps: not exposed by the VM",
    }
}

if (require.main === module) {
    console.debug = () => {}
    const arg = (k: string) => {
        const i = process.argv.indexOf(k)
        return i >= 0 ? Number(process.argv[i + 1]) : undefined
    }
    void cpuPerByte({ small: arg("--small"), large: arg("--large"), repeats: arg("--repeats"), speed: arg("--speed"), log: s => process.stderr.write(s + "\n") }).then(
        f => {
            process.stdout.write(JSON.stringify({ cpu: f }) + "\n")
            process.exit(0)
        },
        e => {
            process.stderr.write(`bench cpu: ${(e as Error).message}\n`)
            process.exit(2)
        },
    )
}
