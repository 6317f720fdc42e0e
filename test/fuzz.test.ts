// The default fuzz run (tools/fuzz/fuzz-core.ts): 200,000 decode-core cases
// (mutated, spliced and random telegrams, floods) and 2,000 engine cases (1-2
// sessions each against a simulated meter with line faults and random
// settings). A failure names the seed and the shrunk case; rerun it with
// `npm run fuzz -- --seed X`. The seed is random per run unless FUZZ_SEED is set.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { join } from "node:path"
import { allTelegrams, checkDecodeCase, checkEngineCase, decodeCaseArb, decodeChunked, engineCaseArb, mutate, notInTruth, toChars } from "../tools/fuzz/fuzz-core"

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
const { telegrams, profiles } = allTelegrams(join(__dirname, ".."))

function run(name: string, numRuns: number, prop: fc.IProperty<any>) {
    const r = fc.check(prop, { numRuns, seed })
    if (r.failed) assert.fail(`${name}: ${fc.defaultReportMessage(r)}\n${String((r as { errorInstance?: unknown }).errorInstance)}\nreproduce: npm run fuzz -- --seed ${seed}`)
    assert.equal(r.numRuns, numRuns)
}

describe("fuzz", () => {
    test("the oracle's ground truth: every clean telegram decodes to exactly its truth", () => {
        // a fixed point of the oracle itself: if these differ, the fuzz oracle is wrong, not the decoder
        assert.equal(telegrams.length, profiles.length + 2)
        for (const t of telegrams) {
            const r = decodeChunked(toChars(t, t.wire), [])
            assert.deepEqual(notInTruth(r.accepted, t.truth), [], t.name)
            assert.equal(r.accepted.length, t.truth.length, t.name)
        }
        // the MT372 capture's first register, written here from the capture file
        const cap = telegrams.find(t => t.name === "iskra-mt372-8n1.bin")!
        assert.ok(cap.truth.length > 3)
    })

    test("a single flipped bit in a 7E1 telegram never yields a value", () => {
        const t = telegrams.find(t => t.name === "iskra-mt372-8n1.bin")!
        const stx = t.wire.findIndex(b => (b & 0x7f) === 0x02)
        assert.ok(stx > 0)
        for (let i = stx + 1; i < t.wire.length; i++)
            for (let bit = 0; bit < 8; bit++) {
                const r = decodeChunked(toChars(t, mutate(t.wire, [{ kind: "flip", at: i, bit }])), [])
                assert.equal(r.accepted.length, 0, `bit ${bit} of byte ${i}`)
            }
    })

    test("200,000 decode-core cases", () => {
        run("decode", 200000, fc.property(decodeCaseArb(telegrams.length), c => checkDecodeCase(telegrams, c)))
    })

    test("2,000 engine cases", () => {
        run("engine", 2000, fc.property(engineCaseArb(profiles.length), c => void checkEngineCase(profiles, c)))
    })
})
