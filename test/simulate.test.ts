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

test("a line trace printed by simulate --trace replays through decode to the readings simulate published", () => {
    const r = simulate(["--count", "1", "--json", "--trace", "--timeout", "60"])
    assert.equal(r.status, 0, r.stderr)
    const state = r.stdout.trim().split("\n").map(l => JSON.parse(l)).find((m: { topic: string }) => m.topic.endsWith("/state"))
    const published = JSON.parse(state.payload).values as Record<string, { text: string; unit: string | null }>
    // the trace: from its header to the last burst line, as a user copies it into an issue
    const lines = r.stderr.split("\n")
    const from = lines.findIndex(l => l.startsWith("# opto62056 trace"))
    assert.ok(from >= 0, "a trace on stderr")
    let to = from + 1
    while (to < lines.length && (lines[to].startsWith("#") || lines[to].startsWith("+"))) to++
    const d = spawnSync(process.execPath, ["--import", "tsx", "tools/decode.ts", "-"], { encoding: "utf8", input: lines.slice(from, to).join("\n") + "\n", timeout: 60000 })
    assert.equal(d.status, 0, d.stderr)
    const decoded = JSON.parse(d.stdout).dataSets as { address: string; values: { text: string; unit: string | null }[] }[]
    assert.deepEqual(
        decoded.map(x => [x.address, x.values[0].text, x.values[0].unit]),
        Object.entries(published).map(([a, v]) => [a, v.text, v.unit]),
    )
    assert.equal(decoded.length, 6)
})
