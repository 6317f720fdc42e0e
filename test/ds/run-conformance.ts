// Runs the golden vectors in Node and in the DeviceScript simulator and compares
// the outputs line by line. Prints every differing line, then
// "conformance: N passed, N failed" counted per vector (a vector passes when all
// its lines are identical).
import { runDevsTest } from "../../tools/vm-host/devs-host"
import { runScalars, runVector, VECTORS } from "./vectors"
import { runSmlVector, SML_VECTOR_COUNT, smlVector, smlWriterLines } from "./sml-vectors"
import { runSessionVector, SESSION_VECTORS } from "./session-vectors"

// each vector's lines, in the order the DeviceScript side prints them
const groups: string[][] = [runScalars()]
for (const v of VECTORS) groups.push(runVector(v))
for (const v of SESSION_VECTORS) groups.push(runSessionVector(v))
groups.push(["end"])
// the SML vectors run in a second image (test/ds/conformance-sml.ts: one image would pass 64 KB of function code)
groups.push(smlWriterLines())
for (let i = 0; i < SML_VECTOR_COUNT; i++) groups.push(runSmlVector(smlVector(i)))
groups.push(["end"])
const expected: string[] = groups.flat()

async function main() {
const runs: { status: number | null; output: string }[] = []
for (const f of ["test/ds/conformance.ts", "test/ds/conformance-sml.ts"]) runs.push(await runDevsTest(f, 60000))
const out = runs.map(r => r.output.replace(/\x1b\[[0-9;]*m/g, "")).join("\n")
const r = { status: runs.every(x => x.status === 0) ? 0 : runs.find(x => x.status !== 0)!.status }
const got = out
    .split("\n")
    .map(l => l.replace(/^WASM> /, ""))
    .filter(l => l.startsWith("CONF "))
    .map(l => l.slice(5))

const differs: boolean[] = []
const n = Math.max(expected.length, got.length)
for (let i = 0; i < n; i++) {
    differs.push(expected[i] !== got[i])
    if (differs[i]) console.log(`line ${i + 1} differs:\n  node:         ${expected[i]}\n  devicescript: ${got[i]}`)
}
let passed = 0, failed = 0, at = 0
for (const g of groups) {
    if (differs.slice(at, at + g.length).some(d => d)) failed++
    else passed++
    at += g.length
}
// lines the VM printed beyond the expected ones
if (got.length > expected.length) failed++
if (r.status !== 0) {
    console.log(out)
    console.log(`devs run exited with ${r.status}`)
    failed++
}
if (process.argv.includes("--print")) console.log(expected.join("\n"))
console.log(`conformance: ${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
}

void main()
