// The firmware end to end on a readout far larger than its heap: its own file, so
// that it runs beside the rest of the end-to-end suite (and not again against
// Mosquitto: it tests the firmware's memory, not the broker).
import { afterEach, describe, test } from "node:test"
import assert from "node:assert/strict"
import { simProfile, Scenario, waitFor } from "./helpers/e2e-harness"

const scenarios: Scenario[] = []
afterEach(async () => {
    for (const s of scenarios.splice(0)) await s.stop()
})

describe("firmware end to end, large readout", () => {
    test("a readout far larger than the heap (256 KB of data lines) completes, values capped", async () => {
        // 11 000 generated lines at 19200 baud; the head runs the line 8x faster than real time
        const p = simProfile({ meter: { identification: "/ABC6BIG" }, generated: 11000, head: { speed: 8 } })
        let bytes = 0
        for (let n = 0; n < 11000; n++) bytes += `1.8.${n}(${n}.000*kWh)\r\n`.length
        assert.ok(bytes > 256 * 1024, `${bytes} bytes of data lines`)
        const s = new Scenario()
        scenarios.push(s)
        await s.start(p, { MAX_BAUD: "19200", MAX_VALUES: "40", POLL_MS: "600000" })
        await waitFor("a readout", () => s.states().length >= 1, 120000, () => s.log())
        const st = JSON.parse(s.states()[0].payload)
        assert.equal(Object.keys(st.values).length, 40)
        await waitFor("diagnostics", () => s.msgs().some(x => x.topic.endsWith("/diagnostics") && x.payload.includes('"duration"')), 5000)
        const d = JSON.parse(s.msgs().filter(x => x.topic.endsWith("/diagnostics")).pop()!.payload)
        // (an engine that falls back to a lower baud after an overrun counts both attempts' data sets)
        assert.ok(d.dataSets >= 11000, `dataSets ${d.dataSets}`)
        assert.equal(d.valuesDropped, 11000 - 40)
        assert.ok(!s.lines.some(l => /OutOfMemory|PANIC|panic/i.test(l)), s.log())
    })

})
