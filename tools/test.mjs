// The one test command (`npm test`): runs every suite of the project in turn,
// keeps going after a failure so one run shows everything that is broken, and
// ends with one summary line of all the counts. Exit status 1 if any step failed.
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"

function findTests(dir, out = []) {
    for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) findTests(p, out)
        else if (name.endsWith(".test.ts")) out.push(p)
    }
    return out
}

const steps = [
    { name: "typecheck (tsc)", cmd: "npx", args: ["tsc", "-p", "tsconfig.json"] },
    {
        name: "node tests",
        cmd: "node",
        args: ["--import", "tsx", "--test", "--test-reporter=spec", ...findTests("test").sort()],
    },
    { name: "DeviceScript compile of core", cmd: "npx", args: ["devs", "build", "test/ds/core-entry.ts"] },
    { name: "DeviceScript conformance", cmd: "npx", args: ["tsx", "test/ds/run-conformance.ts"] },
    { name: "DeviceScript simulated meter", cmd: "npx", args: ["devs", "run", "test/ds/sim-entry.ts", "--test", "-k", "-T", "60000"] },
]
// the firmware's end-to-end suite once more, against Mosquitto (when installed)
steps.push({ name: "end to end against Mosquitto", cmd: "node", args: ["tools/mosquitto.mjs", "node", "--import", "tsx", "--test", "--test-reporter=spec", "test/e2e.test.ts"] })
if (existsSync("test/ds/firmware.ts"))
    steps.push({ name: "DeviceScript firmware tests", cmd: "npx", args: ["tsx", "test/ds/run-firmware.ts"] })
if (existsSync("native/Makefile"))
    steps.push({ name: "native C service", cmd: "make", args: ["-s", "-C", "native", "test"] })
if (existsSync("hardware/package.json"))
    steps.push({ name: "hardware", cmd: "npm", args: ["test", "--silent"], cwd: "hardware" })

const only = process.argv.slice(2)
let passed = 0, failed = 0
const failedSteps = []
for (const s of steps) {
    if (only.length && !only.some(o => s.name.toLowerCase().includes(o.toLowerCase()))) continue
    console.log(`\n=== ${s.name} ===`)
    const r = spawnSync(s.cmd, s.args, { cwd: s.cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
    process.stdout.write(r.stdout ?? "")
    process.stderr.write(r.stderr ?? "")
    // DeviceScript prints through "WASM> " with colours: strip both before reading counts
    const out = ((r.stdout ?? "") + (r.stderr ?? "")).replace(/\x1b\[[0-9;]*m/g, "").replace(/^WASM> /gm, "")
    // Each runner states its own counts; collect them for the summary line.
    let p = 0, f = 0, m
    for (m of out.matchAll(/^(?:ℹ|#) pass (\d+)$/gm)) p += +m[1]
    for (m of out.matchAll(/^(?:ℹ|#) fail (\d+)$/gm)) f += +m[1]
    for (m of out.matchAll(/^tests: (\d+), pass: (\d+), error: (\d+)/gm)) { p += +m[2]; f += +m[3] }
    for (m of out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)) { p += +m[1]; f += +m[2] }
    if (r.status !== 0) { failedSteps.push(s.name); if (f === 0) f = 1 }
    passed += p; failed += f
}
if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(", ")}`)
console.log(`\ntotal: ${passed} passed, ${failed} failed`)
process.exit(failedSteps.length ? 1 : 0)
