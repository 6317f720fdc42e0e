// Runs the golden vectors in Node and in the DeviceScript simulator and compares
// the outputs line by line. Prints "conformance: N passed, N failed" (per line).
import { spawnSync } from "node:child_process"
import { runScalars, runVector, VECTORS } from "./vectors"
import { runSmlVector, SML_VECTOR_COUNT, smlVector, smlWriterLines } from "./sml-vectors"
import { runSessionVector, SESSION_VECTORS } from "./session-vectors"

const expected: string[] = [...runScalars()]
for (const v of VECTORS) expected.push(...runVector(v))
for (const v of SESSION_VECTORS) expected.push(...runSessionVector(v))
expected.push(...smlWriterLines())
for (let i = 0; i < SML_VECTOR_COUNT; i++) expected.push(...runSmlVector(smlVector(i)))
expected.push("end")

const r = spawnSync("npx", ["devs", "run", "test/ds/conformance.ts", "--test", "-k", "-T", "60000"], { encoding: "utf8" })
const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "")
const got = out
    .split("\n")
    .map(l => l.replace(/^WASM> /, ""))
    .filter(l => l.startsWith("CONF "))
    .map(l => l.slice(5))

let passed = 0, failed = 0
const n = Math.max(expected.length, got.length)
for (let i = 0; i < n; i++) {
    if (expected[i] === got[i]) passed++
    else {
        failed++
        console.log(`line ${i + 1} differs:\n  node:         ${expected[i]}\n  devicescript: ${got[i]}`)
    }
}
if (r.status !== 0) {
    console.log(out)
    console.log(`devs run exited with ${r.status}`)
    failed++
}
if (process.argv.includes("--print")) console.log(expected.join("\n"))
console.log(`conformance: ${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
