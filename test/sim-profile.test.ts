// A simulator profile's "head" object: each bad field is named with what it must be, and a good
// one (including the fall-behind model's ring) is taken as written.
import { test } from "node:test"
import assert from "node:assert/strict"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { checkHead, DEFAULT_METER, readSimProfile } from "../tools/vm-host/sim-profile"

test("a good head is taken, with the defaults for what it leaves out", () => {
    const dir = mkdtempSync(join(tmpdir(), "opto-profile-"))
    try {
        const f = join(dir, "p.json")
        writeFileSync(f, JSON.stringify({ name: "fast", meter: DEFAULT_METER, head: { speed: 100, ring: 1024 } }))
        assert.deepEqual(readSimProfile(f).head, { eightN1Only: false, speed: 100, ring: 1024 })
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
})

test("every bad head field is named with what it must be", () => {
    assert.deepEqual(checkHead({ speed: 0, ring: 1.5, eightN1Only: "yes", fault: "smoke", colour: "red" }), [
        "speed must be a number above 0 (1 = real time), not 0",
        "ring must be a whole number of characters, 0 or more (0 = lossless), not 1.5",
        'eightN1Only must be true or false, not "yes"',
        'fault must be "", "swapped", "portDisabled" or "flooded", not "smoke"',
        'unknown key "colour" (known: eightN1Only, speed, fault, invertRX, ring)',
    ])
    assert.deepEqual(checkHead([]), ["expected an object"])
    assert.deepEqual(checkHead({ speed: 8, invertRX: true, fault: "", ring: 0 }), [])
})

test("a profile file with a bad head is refused with the file and the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "opto-profile-"))
    try {
        const f = join(dir, "bad.json")
        writeFileSync(f, JSON.stringify({ meter: DEFAULT_METER, head: { speed: "fast" } }))
        assert.throws(() => readSimProfile(f), { message: `profile ${f}: head: speed must be a number above 0 (1 = real time), not "fast"` })
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
})
