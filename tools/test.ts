// The one test command (`npm test`): every suite of the project. Independent
// steps run side by side (most of their time is simulated line time, not CPU),
// every line of output appears as it comes with its step's name in front, and
// the run ends with one summary line of the tests each runner counted itself.
// Exit status 1 if any step failed, or ran no test although it should have.
// `npx tsx tools/test.ts WORD...` runs only the steps whose name contains a WORD.
import { spawn, spawnSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"

function findTests(dir: string, out: string[] = []): string[] {
    for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) findTests(p, out)
        else if (name.endsWith(".test.ts")) out.push(p)
    }
    return out
}

const mosquitto = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].some(p => spawnSync(p, ["-h"]).status !== null)
const node = process.execPath
const nodeTest = ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2"]

/**
 * The node test files that run the device image in the in-process VM against a simulated meter
 * (or the simulator's command): most of their time is the firmware's real-time timeouts, so they
 * run as a step of their own beside the CPU-bound rest. Longest first, so that two at a time end
 * together (node's runner starts files in the order given); a file named in neither list runs
 * with the node tests, in name order.
 */
const FIRMWARE_IN_VM = ["dsmr-e2e", "e2e", "e2e-large", "e2e-fall-behind", "simulate", "e2e-diagnosis", "sml-e2e", "tls"]
/** The CPU-bound node test files known to be long, longest first. */
const LONGEST_FIRST = ["fuzz", "boards", "cli", "real-telegrams", "faults", "decode"]
const baseName = (f: string) => f.replace(/^.*\//, "").replace(/\.test\.ts$/, "")
function nodeTestFiles(vm: boolean): string[] {
    const order = vm ? FIRMWARE_IN_VM : LONGEST_FIRST
    const rank = (f: string) => (order.includes(baseName(f)) ? order.indexOf(baseName(f)) : order.length)
    return findTests("test")
        .filter(f => FIRMWARE_IN_VM.includes(baseName(f)) === vm)
        .sort()
        .sort((a, b) => rank(a) - rank(b))
}

interface Step {
    name: string
    cmd: string
    args: string[]
    cwd?: string
    env?: Record<string, string>
    tests: boolean
}

interface Result {
    passed: number
    failed: number
    skipped: number
    problem: string | null
    seconds: number
}

/**
 * name; cmd + args (+ cwd, env); `tests`: the step must count at least one test (false: a check
 * without a test count). Every DeviceScript build writes .devicescript/bin, so each one takes the
 * build lock (tools/vm-host/devs-host.ts) for its compile only; the VM runs need no lock.
 */
// longest first, so that the lanes end together
const steps: Step[] = [
    { name: "node tests", cmd: node, args: [...nodeTest, ...nodeTestFiles(false).filter(f => !f.endsWith("soak.test.ts"))], tests: true },
    // the soak waits on real time (outages, the line) more than it computes: its own lane
    { name: "firmware soak", cmd: node, args: [...nodeTest, "test/soak.test.ts"], tests: true },
    { name: "firmware end to end", cmd: node, args: [...nodeTest, ...nodeTestFiles(true)], tests: true },
    ...(existsSync("hardware/package.json") ? [{ name: "hardware", cmd: "npm", args: ["test", "--silent"], cwd: "hardware", tests: true }] : []),
    // the firmware's end-to-end suite once more, each scenario against a private Mosquitto (it must run when Mosquitto is here)
    mosquitto
        ? { name: "end to end against Mosquitto", cmd: node, args: [...nodeTest, "test/e2e.test.ts"], env: { OPTO_BROKER: "mosquitto" }, tests: true }
        : { name: "end to end against Mosquitto", cmd: node, args: ["-e", "console.log('mosquitto is not installed: skipped (.ci/run installs it)')"], tests: false },
    { name: "DeviceScript firmware tests", cmd: node, args: ["--import", "tsx", "test/ds/run-firmware.ts"], tests: true },
    { name: "typecheck", cmd: node, args: ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], tests: false },
    // DeviceScript's compiler is the type check of what runs on the device (src/tsconfig.json is its view);
    // the image goes through the cache the end-to-end tests read: one compile of it per run
    { name: "firmware compiles", cmd: node, args: ["--import", "tsx", "tools/vm-host/build-firmware.ts"], tests: false },
    { name: "DeviceScript conformance", cmd: node, args: ["--import", "tsx", "test/ds/run-conformance.ts"], tests: true },
    { name: "DeviceScript simulated meter", cmd: node, args: ["--import", "tsx", "test/ds/run-sim-meter.ts"], tests: true },
]
if (existsSync("native/Makefile")) steps.push({ name: "native C service", cmd: "make", args: ["-s", "-C", "native", "test"], tests: true })

/** The counts a runner printed: node's test runner (spec and TAP), DeviceScript's, and "N passed, N failed". */
function counts(out: string) {
    const c = { passed: 0, failed: 0, skipped: 0 }
    let m
    for (m of out.matchAll(/^(?:ℹ|#) pass (\d+)$/gm)) c.passed += +m[1]
    for (m of out.matchAll(/^(?:ℹ|#) fail (\d+)$/gm)) c.failed += +m[1]
    for (m of out.matchAll(/^(?:ℹ|#) skipped (\d+)$/gm)) c.skipped += +m[1]
    for (m of out.matchAll(/^tests: (\d+), pass: (\d+), error: (\d+)/gm)) {
        c.passed += +m[2]
        c.failed += +m[3]
        c.skipped += +m[1] - +m[2] - +m[3]
    }
    for (m of out.matchAll(/^(?:[\w ]+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)) {
        c.passed += +m[1]
        c.failed += +m[2]
        c.skipped += +(m[3] ?? 0)
    }
    return c
}

function runStep(s: Step): Promise<Result> {
    return new Promise(resolve => {
        const t0 = Date.now()
        const child = spawn(s.cmd, s.args, { cwd: s.cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0", ...s.env } })
        let all = ""
        const partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" }
        const emit = (stream: "stdout" | "stderr", chunk: string) => {
            const text = partial[stream] + chunk
            const lines = text.split("\n")
            partial[stream] = lines.pop() ?? ""
            for (const l of lines) {
                // DeviceScript prints through "WASM> " with colours: strip both before reading counts
                const plain = l.replace(/\x1b\[[0-9;]*m/g, "").replace(/^WASM> /, "")
                all += plain + "\n"
                ;(stream === "stdout" ? process.stdout : process.stderr).write(`[${s.name}] ${plain}\n`)
            }
        }
        child.stdout.on("data", d => emit("stdout", d.toString()))
        child.stderr.on("data", d => emit("stderr", d.toString()))
        child.on("close", code => {
            for (const stream of ["stdout", "stderr"] as const) if (partial[stream]) emit(stream, "\n")
            const c = counts(all)
            let problem = null
            if (code !== 0) problem = `exit status ${code}`
            else if (c.failed > 0) problem = `${c.failed} failed`
            else if (s.tests && c.passed === 0) problem = "ran no test"
            resolve({ ...c, problem, seconds: (Date.now() - t0) / 1000 })
        })
    })
}

const only = process.argv.slice(2)
const chosen = steps.filter(s => !only.length || only.some(o => s.name.toLowerCase().includes(o.toLowerCase())))
const results = new Map<string, Result>()
// four lanes on two cores: the two end-to-end steps spend most of their time waiting on the firmware's timeouts
const LANES = 4
let next = 0
async function main() {
    const t0 = Date.now()
    await Promise.all(
        Array.from({ length: LANES }, async () => {
            while (next < chosen.length) {
                const s = chosen[next++]
                process.stdout.write(`=== ${s.name}: started\n`)
                const r = await runStep(s)
                results.set(s.name, r)
                process.stdout.write(`=== ${s.name}: ${r.problem ? `FAILED (${r.problem})` : "ok"} in ${r.seconds.toFixed(0)} s: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped\n`)
            }
        }),
    )
    let passed = 0, failed = 0, skipped = 0
    const failedSteps: string[] = []
    for (const s of chosen) {
        const r = results.get(s.name)!
        passed += r.passed
        skipped += r.skipped
        failed += r.failed
        if (r.problem) {
            failedSteps.push(`${s.name} (${r.problem})`)
            if (r.failed === 0) failed++
        }
    }
    console.log(`\nsteps: ${chosen.map(s => `${s.name} ${results.get(s.name)!.seconds.toFixed(0)} s`).join(", ")}; wall ${((Date.now() - t0) / 1000).toFixed(0)} s`)
    if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(", ")}`)
    console.log(`\ntotal: ${passed} passed, ${failed} failed, ${skipped} skipped`)
    process.exit(failedSteps.length ? 1 : 0)
}

void main()
