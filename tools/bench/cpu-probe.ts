// Where the firmware's CPU per received byte goes, stage by stage, in the in-process
// DeviceScript VM (a profiling aid beside tools/bench/cpu.ts, not part of npm test):
//   npx tsx tools/bench/cpu-probe.ts                               the engine stages
//   npx tsx tools/bench/cpu-probe.ts src/sim/probe/ops-probe.ts    what single VM operations cost
// The probe image (src/sim/probe/*.ts, never the device image) logs "probe: begin X" and
// "probe: end X" around each stage; the VM calls its log hook synchronously, so the process's
// CPU time between the two marks is the stage's (the VM runs alone in this process: no head,
// no broker). Figures are per byte of the stage's input, gross and net of the "empty" stage
// (the feeding loop and its awaits). The machine's load moves them by ±20 %: compare stages
// of one run, not runs.
import { buildFirmware, startFirmware } from "../vm-host/devs-host"
import { HeapWatch } from "../vm-host/heap"

const entry = process.argv[2] ?? "src/sim/probe/cpu-probe.ts"
const cpu = () => {
    const u = process.cpuUsage()
    return u.user + u.system
}

async function main() {
    const bin = buildFirmware(entry)
    let bytes = 0
    let mark = 0
    let done = false
    const res: Record<string, number> = {}
    /** stages that fed another number of bytes than "probe: bytes" says */
    const own: Record<string, number> = {}
    // CPU_HEAP=1: the VM heap walked at each log line of the probe (src/sim/probe/floor-probe.ts logs
    // every 8th call), for each stage's collections and live bytes
    // (that walk is CPU time of this process: take the timings from a run without it)
    let heap = null as HeapWatch | null
    let gcs = 0
    const gc: Record<string, string> = {}
    const run = await startFirmware({
        onVm: inst => {
            if (process.env.CPU_HEAP) heap = new HeapWatch(inst)
        },
        binary: bin,
        settings: new Map(),
        onPanic: c => {
            console.log("PANIC " + c)
            done = true
        },
        onLine: l => {
            // the VM runs many of the probe's turns in one call from the host: the heap is sampled at its log lines
            if (heap) (heap as HeapWatch).sample()
            const m = /probe: (begin|end|bytes|done) ?(\S*)(?: bytes=(\d+))?/.exec(l)
            if (!m) {
                if (/exception|panic/i.test(l)) console.log(l)
                return
            }
            const hw = heap as HeapWatch | null
            if (m[1] === "bytes") bytes = +m[2]
            else if (m[1] === "begin") {
                mark = cpu()
                if (hw) {
                    gcs = hw.collections
                    hw.reset()
                }
            } else if (m[1] === "end") {
                res[m[2]] = cpu() - mark
                if (m[3]) own[m[2]] = +m[3]
                if (hw) gc[m[2]] = `, ${hw.collections - gcs} collections, live up to ${hw.maxLive} B`
            }
            else done = true
        },
    })
    while (!done) await new Promise(r => setTimeout(r, 5))
    run.stop()
    const hw0 = heap as HeapWatch | null
    if (hw0) console.log(`heap: ${hw0.samples} samples, ${hw0.misses} misses, ${hw0.collections} collections`)
    const base = res.empty ?? 0
    // per byte: a stage's time over its bytes; net: minus the empty stage's per-byte time
    const b0 = res.empty === undefined ? 0 : base / bytes
    for (const k of Object.keys(res)) {
        const n = own[k] ?? bytes
        console.log(`${k.padEnd(10)} ${(res[k] / n).toFixed(2)} µs/B gross, ${(res[k] / n - b0).toFixed(2)} net${gc[k] ?? ""}`)
    }
    process.exit(0)
}
void main()
