// The README's main command, as a user runs it: `tools/simulate.ts` in a child
// process (embedded broker, the firmware in the simulator).
import { test } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { writeFileSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DEFAULT_METER } from "../tools/vm-host/sim-profile"

function simulate(args: string[]) {
    return spawnSync("npx", ["tsx", "tools/simulate.ts", ...args], { encoding: "utf8", timeout: 180000 })
}

test("simulate --json: only JSON lines on stdout, one per published message, and --set reaches the firmware", () => {
    const r = simulate(["--count", "1", "--json", "--set", "MQTT_BASE=sim-test", "--timeout", "60"])
    assert.equal(r.status, 0, r.stderr)
    const lines = r.stdout.trim().split("\n")
    const msgs = lines.map(l => JSON.parse(l) as { topic: string; payload: string; retain: boolean })
    assert.ok(msgs.every(m => typeof m.topic === "string" && typeof m.payload === "string" && typeof m.retain === "boolean"))
    assert.ok(msgs.some(m => m.topic.startsWith("sim-test/") && m.topic.endsWith("/availability") && m.payload === "online" && m.retain))
    assert.equal(msgs.filter(m => m.topic === "sim-test/METER1/state").length, 1)
})

test("simulate without a readout within the deadline exits 1 and says why", () => {
    const dir = mkdtempSync(join(tmpdir(), "opto-sim-"))
    const profile = join(dir, "addressed.json")
    writeFileSync(profile, JSON.stringify({ ...DEFAULT_METER, name: "addressed", address: "87654321", quirks: { addressRequired: true } }))
    const r = simulate(["--profile", profile, "--set", "METER_ADDRESS=11111111", "--timeout", "8"])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /no readout within 8 s/)
    assert.match(r.stderr, /timeout/)
})
