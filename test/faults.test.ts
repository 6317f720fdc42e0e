// The fault matrix's zero and yes columns (tools/faults/matrix.ts, `npm run faults`):
// no fault on any shipped profile makes the engine accept a value the meter did not
// send, and the poll after the fault reads every value again.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { profileFiles, readProfile } from "../tools/profile-files"
import { FAULTS, runCell, runMatrix } from "../tools/faults/matrix"

const profiles = profileFiles().map(f => readProfile(f))
const cells = runMatrix(profiles)
const applied = cells.filter(c => c.applies)

describe("fault matrix", () => {
    test("every fault is tried on every profile it applies to", () => {
        assert.equal(Object.keys(FAULTS).length, 12)
        assert.equal(cells.length, 12 * profiles.length)
        // faults every profile can suffer
        for (const f of ["parity error", "dropped byte", "duplicated byte", "noise burst", "no reply", "1 MB garbage", "stop mid-block"])
            assert.equal(applied.filter(c => c.fault === f).length, profiles.length, f)
    })

    test("no wrong value from a BCC-checked block, for any fault and profile", () => {
        const bad = applied.filter(c => !c.unchecked && c.wrong !== 0).map(c => `${c.fault} × ${c.profile}: ${c.wrong}`)
        assert.deepEqual(bad, [])
    })

    test("the poll after the fault reads every value, for any fault and profile", () => {
        const bad = applied.filter(c => !c.recoveredNext).map(c => `${c.fault} × ${c.profile}`)
        assert.deepEqual(bad, [])
    })

    test("a BCC flip costs exactly the faulty poll", () => {
        const c = runCell(profiles.find(p => p.name.startsWith("Iskra MT372"))!, "BCC flip")
        assert.deepEqual([c.wrong, c.recoveredNext, c.toRecover], [0, true, 1])
    })

    // A bare push frame (mode D, "/ident CRLF CRLF data ! CRLF") has no BCC: a dropped or
    // duplicated character inside it was accepted (e.g. "1-0:0.0.0*255" read as "-0:0.0.0*255")
    // until frames were confirmed by their shape (src/core/frame-shape.ts).
    test("no wrong value from a bare push frame", () => {
        const bad = applied.filter(c => c.unchecked && c.wrong !== 0).map(c => `${c.fault} × ${c.profile}: ${c.wrong}`)
        assert.deepEqual(bad, [])
    })
})
