// Every shipped meter profile, read by the engine in virtual time, yields exactly
// the profile's data sets; programming-mode profiles also yield their registers.
// The second session (the reader has learned the meter) stays near the line minimum.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { newMemory } from "../src/core/memory"
import { SimMeter } from "../src/sim/index"
import { configFor, eventsOf, expectedSets, profileFiles, readProfile, runSession } from "./helpers/harness"

describe("shipped profiles", () => {
    const files = profileFiles()
    test("at least 12 profiles ship, each with a documented source", () => {
        assert.ok(files.length >= 12, `${files.length} profiles`)
        for (const f of files) assert.ok(readProfile(f).source.length > 10, `${f} names its source`)
    })
    for (const file of files) {
        test(`${file}: a full session yields exactly the profile's data sets`, () => {
            const p = readProfile(file)
            const memory = newMemory()
            const meter = new SimMeter(p, 0)
            const first = runSession(p, configFor(p), {}, memory, meter, 0)
            assert.equal(first.ok, true, first.errors.join("; "))
            assert.deepEqual(first.accepted, expectedSets(p))
            const again = runSession(p, configFor(p), {}, memory, meter, first.endMs + 120000)
            assert.equal(again.ok, true, again.errors.join("; "))
            assert.deepEqual(again.accepted, expectedSets(p))
            const s = again.stats!
            assert.ok(s.durationMs / s.lineMinimumMs <= 1.03, `steady-state ratio ${(s.durationMs / s.lineMinimumMs).toFixed(4)}`)
        })
        const p = readProfile(file)
        if (p.registers !== null) {
            test(`${file}: programming mode reads every register`, () => {
                const regs = Object.keys(p.registers!)
                const r = runSession(p, configFor(p, { programming: { password: p.password, registers: regs, command: "R1" } }))
                assert.equal(r.ok, true, r.errors.join("; "))
                const got = eventsOf(r, "register").map(e => {
                    const ev = e.event as { address: string; dataSet: { address: string; values: { text: string; unit: string | null }[] } }
                    const v = ev.dataSet.values[0]
                    return [ev.address, v.unit === null ? v.text : v.text + "*" + v.unit]
                })
                assert.deepEqual(got, regs.map(k => [k, p.registers![k]]))
            })
        }
    }
})
