// `npm run fuzz -- [--cases N] [--seconds S] [--seed X]`: decode-core and engine
// fuzzing (tools/fuzz/fuzz-core.ts). Prints the cases run; a failure prints the
// seed, the path and the shrunk case to reproduce it, and exits 1.
import fc from "fast-check"
import { join } from "node:path"
import { parseCommand, wholeNumber } from "../cli"
import { allTelegrams, checkDecodeCase, checkEngineCase, decodeCaseArb, engineCaseArb } from "./fuzz-core"

const cmd = {
    name: "fuzz",
    usage: `usage: npm run fuzz -- [--cases N] [--seconds S] [--seed X]
  --cases N     decode cases (default 200000); engine sessions get N/100
  --seconds S   stop each part after S seconds instead (whichever comes first)
  --seed X      fast-check seed (default: random, printed)
  --engine-only / --decode-only   run one part`,
    options: {
        cases: { type: "string" },
        seconds: { type: "string" },
        seed: { type: "string" },
        "engine-only": { type: "boolean" },
        "decode-only": { type: "boolean" },
    },
} as const

const { values } = parseCommand(cmd)
const cases = wholeNumber(cmd, "--cases", values.cases, 1, 200000)
const seconds = wholeNumber(cmd, "--seconds", values.seconds, 1, 0)
const seed = values.seed === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(values.seed)
if (!Number.isInteger(seed)) {
    process.stderr.write(`fuzz: --seed wants an integer, got '${values.seed}'\n`)
    process.exit(2)
}

const { telegrams, profiles } = allTelegrams(join(__dirname, "..", ".."))
const budget = seconds ? { interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false } : {}
let failed = false
function part(name: string, numRuns: number, prop: fc.IProperty<any>) {
    const t0 = Date.now()
    const r = fc.check(prop, { numRuns, seed, ...budget })
    const s = (Date.now() - t0) / 1000
    console.log(`${name}: ${r.numRuns} cases in ${s.toFixed(1)} s (seed ${seed})${r.failed ? " FAILED" : ""}`)
    if (r.failed) {
        failed = true
        console.log(fc.defaultReportMessage(r))
        console.log(String((r as { errorInstance?: unknown }).errorInstance))
    }
}
if (!values["engine-only"]) part("decode", cases, fc.property(decodeCaseArb(telegrams.length), c => checkDecodeCase(telegrams, c)))
if (!values["decode-only"]) part("engine", Math.max(1, Math.round(cases / 100)), fc.property(engineCaseArb(profiles.length), c => void checkEngineCase(profiles, c)))
process.exit(failed ? 1 : 0)
