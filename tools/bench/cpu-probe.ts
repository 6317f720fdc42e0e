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
    const run = await startFirmware({
        binary: bin,
        settings: new Map(),
        onPanic: c => {
            console.log("PANIC " + c)
            done = true
        },
        onLine: l => {
            const m = /probe: (begin|end|bytes|done) ?(\S*)/.exec(l)
            if (!m) {
                if (/exception|panic/i.test(l)) console.log(l)
                return
            }
            if (m[1] === "bytes") bytes = +m[2]
            else if (m[1] === "begin") mark = cpu()
            else if (m[1] === "end") res[m[2]] = cpu() - mark
            else done = true
        },
    })
    while (!done) await new Promise(r => setTimeout(r, 5))
    run.stop()
    const base = res.empty ?? 0
    for (const k of Object.keys(res)) console.log(`${k.padEnd(10)} ${(res[k] / bytes).toFixed(2)} µs/B gross, ${((res[k] - base) / bytes).toFixed(2)} net`)
    process.exit(0)
}
void main()
