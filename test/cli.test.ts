// Every command behaves like a command-line tool: --help/-h prints its usage and
// exits 0, an unknown flag prints what was wrong with the usage and exits 2.
import { test } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const ROOT = join(__dirname, "..")
const COMMANDS: [string, string][] = [
    ["simulate", "tools/simulate.ts"],
    ["decode", "tools/decode.ts"],
    ["bench", "tools/bench/bench.ts"],
    ["meter", "tools/serial/meter.ts"],
    ["serve", "tools/serial/serve.ts"],
    ["fuzz", "tools/fuzz/fuzz.ts"],
    ["faults", "tools/faults/faults.ts"],
]

function run(file: string, args: string[], input?: Buffer) {
    return spawnSync(process.execPath, ["--import", "tsx", file, ...args], { cwd: ROOT, encoding: "utf8", input, timeout: 60000 })
}

for (const [name, file] of COMMANDS) {
    test(`${name}: --help and -h print the usage and exit 0; an unknown flag exits 2 naming it`, () => {
        for (const flag of ["--help", "-h"]) {
            const r = run(file, [flag])
            assert.equal(r.status, 0, r.stderr)
            assert.ok(r.stdout.startsWith(`usage: npm run ${name} --`), r.stdout)
        }
        const bad = run(file, ["--no-such-flag"])
        assert.equal(bad.status, 2)
        assert.match(bad.stderr, new RegExp(`^${name}: Unknown option '--no-such-flag'`))
        assert.match(bad.stderr, new RegExp(`usage: npm run ${name} --`))
        assert.equal(bad.stdout, "")
    })
}

test("decode reads standard input for '-'", () => {
    const r = run("tools/decode.ts", ["-"], readFileSync(join(ROOT, "test/captures/iskra-mt372.hex")))
    assert.equal(r.status, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(out.identification.manufacturer, "ISK")
})

test("decode without a file, or with two, is a usage error", () => {
    assert.equal(run("tools/decode.ts", []).status, 2)
    const two = run("tools/decode.ts", ["a", "b"])
    assert.equal(two.status, 2)
    assert.match(two.stderr, /unexpected argument 'b'/)
})

test("simulate rejects a bad --count and a --set without '=' before doing anything", () => {
    const c = run("tools/simulate.ts", ["--count", "x"])
    assert.equal(c.status, 2)
    assert.match(c.stderr, /--count wants a whole number ≥ 0, got 'x'/)
    const s = run("tools/simulate.ts", ["--set", "POLL_MS"])
    assert.equal(s.status, 2)
    assert.match(s.stderr, /--set wants KEY=VALUE, got 'POLL_MS'/)
})

test("simulate reports a firmware panic at once with the VM's words and exits 3", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "tools/simulate.ts", "--timeout", "50"], {
        cwd: ROOT, encoding: "utf8", timeout: 60000, env: { ...process.env, OPTO_SIM_ENTRY: "test/fixtures/oom-firmware.ts" },
    })
    assert.equal(r.status, 3, r.stderr)
    assert.match(r.stderr, /firmware panic/)
    assert.match(r.stderr, /OutOfMemory/)
    // at once: not the timeout's "no readout" (the spawn's own limit, 60 s, is above the 50 s timeout)
    assert.doesNotMatch(r.stderr, /no readout within/)
})
