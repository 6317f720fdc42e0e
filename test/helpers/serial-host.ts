// The native serial service's host build (native/build's serial-host) built into a directory of
// the test's own: the "native C service" step and other test files build native/build at the same
// time, and a half-written binary there fails a run now and then.
import { after, before } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export const NATIVE = join(__dirname, "..", "..", "native")

/** Registers before/after hooks that build serial-host privately; returns a getter for its path. */
export function privateSerialHost(): () => string {
    let dir = ""
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "opto-serial-host-"))
        const r = spawnSync("make", ["-s", "-C", NATIVE, `BUILD=${dir}`, "cli"], { encoding: "utf8" })
        assert.equal(r.status, 0, r.stderr)
    })
    after(() => rmSync(dir, { recursive: true, force: true }))
    return () => join(dir, "serial-host")
}
