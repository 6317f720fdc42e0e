// The bench on one profile: the figures it reports for a session worked out by
// hand, the end-to-end and peer columns over a pty when socat is there, and its
// SVG timeline.
import { test } from "node:test"
import assert from "node:assert/strict"
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { socatMissing } from "../tools/serial/pty"
import { bench, footprint } from "../tools/bench/bench"

const missing = socatMissing()
if (missing && process.env.CI) throw new Error(`serial bench test: ${missing}; .ci/run should have installed it`)

test("the footprint line has its keys (null without a firmware entry)", async () => {
    const f = await footprint(mkdtempSync(join(tmpdir(), "opto-nofw-")))
    assert.deepEqual(Object.keys(f).sort(), ["bytecodeBytes", "maxReadoutBytes", "note"])
    assert.equal(f.bytecodeBytes, null)
    assert.match(f.note, /no firmware entry/)
})

test("bench on one profile: the session and its line minimum as worked out by hand, e2e and peer values read correctly, a timeline", { timeout: 45000 }, async t => {
    // a profile of our own, so the test does not depend on the shipped set
    const dir = mkdtempSync(join(tmpdir(), "opto-bench-"))
    const profiles = join(dir, "profiles")
    mkdirSync(profiles)
    writeFileSync(
        join(profiles, "fast-c.json"),
        JSON.stringify({
            name: "bench test meter (mode C 9600)",
            source: "test",
            identification: "/XYz5BENCH",
            mode: "C",
            maxBaud: 9600,
            dataBlock: "1.8.0(0001234.567*kWh)\r\n2.8.0(0000000.001*kWh)\r\n",
            quirks: { reactionMs: 20 },
        }),
    )
    try {
        const res = await bench({ driver: "node-engine", profileDir: profiles, profile: "fast-c", e2e: missing ? "none" : "fast", plotDir: join(dir, "plots"), footprint: false })
        assert.equal(res.rows.length, 1)
        const r = res.rows[0]
        assert.equal(r.ok, true)
        assert.equal(r.baud, 9600)
        assert.equal(r.dataSets, 2)
        // The line minimum by hand: request "/?!CR LF" 5 chars at 300 Bd (166.667 ms), the meter's
        // 20 ms reaction, "/XYz5BENCH CR LF" 12 chars at 300 (400), our minimum reaction for a fast
        // meter ('z' lower case: 20), "ACK 0 5 0 CR LF" 6 chars at 300 (200), the meter's 20 ms, then
        // STX + two 24-char lines + "! CR LF" + ETX + BCC = 54 chars at 9600 (56.25): 882.917 ms.
        assert.equal(r.lineMinimumMs, 882.9)
        // the session adds only the reader's 10 ms margin before the option select
        assert.equal(r.sessionMs, 892.9)
        assert.equal(r.ratio, 1.0113)
        if (missing) t.diagnostic(`e2e/peer columns not checked: ${missing}`)
        else {
            assert.equal(r.e2eDriver, "node-engine")
            assert.equal(r.e2eCorrect, true)
            assert.ok(r.e2eRatio !== null && r.e2eRatio > 0.97 && r.e2eRatio < 1.3, `e2e ratio ${r.e2eRatio}`)
            assert.equal(r.peerCorrect, true, "smartmeter-obis should read this plain mode C meter")
            assert.ok(r.vsPeer !== null && r.vsPeer > 0.3 && r.vsPeer < 1.5, `vsPeer ${r.vsPeer}`)
        }
        // the footprint line builds the firmware (seconds, and it writes .devicescript/bin, shared with other
        // suites running in parallel), so it is not built here; its shape without a firmware entry is checked below
        const svg = readFileSync(join(dir, "plots", "fast-c.svg"), "utf8")
        assert.match(svg, /^<svg /)
        assert.match(svg, /9600 Bd/)
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
})
