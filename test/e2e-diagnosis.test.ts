// Diagnosis end to end: the firmware in the DeviceScript simulator behind a
// simulated head with a fault, a real broker and mqtt.js. What a user sees:
// the diagnosis code and sentence in diagnostics, the trace topic, the
// self-test, the read-only commands and their Home Assistant buttons.
import { describe, test, TestContext } from "node:test"
import assert from "node:assert/strict"
import mqtt from "mqtt"
import { E2E_CONCURRENCY, simProfile, scenario, Scenario, waitFor } from "./helpers/e2e-harness"

// each test stops its own scenario when it ends, so the tests run side by side
async function start(t: TestContext, p: ReturnType<typeof simProfile>, settings: Record<string, string>) {
    const s = scenario(t)
    await s.start(p, { POLL_MS: "2000", BACKOFF_MS: "500", ...settings })
    return s
}

/** diagnostics messages with a field, parsed, oldest first */
function diags(s: Scenario, field: string): any[] {
    return s.msgs().filter(m => m.topic === `opto62056/${s.deviceName}/diagnostics`).map(m => JSON.parse(m.payload)).filter(d => d[field] !== undefined)
}

async function send(s: Scenario, payload: string) {
    const c = await mqtt.connectAsync(s.url, { clientId: `e2e-cmd-${process.pid}-${Date.now()}` })
    await c.publishAsync(`opto62056/${s.deviceName}/cmd`, payload)
    await c.endAsync()
}

describe("diagnosis end to end", { concurrency: E2E_CONCURRENCY }, () => {
    test("port disabled: METER_SILENT in diagnostics, the failed session's trace on the trace topic", async t => {
        const s = await start(t, simProfile({ head: { fault: "portDisabled" }, quirks: { echo: true } }), { WAKEUP: "never" })
        await waitFor("a diagnosis", () => diags(s, "diagnosisCode").length > 0, 30000, () => s.log())
        const d = diags(s, "diagnosisCode")[0]
        assert.equal(d.diagnosisCode, "METER_SILENT")
        assert.match(d.diagnosis, /^The head works \(our own request came back as echo\), but the meter never answered/)
        assert.ok(s.lines.some(l => l.includes("diagnosis: METER_SILENT")), s.log())
        await waitFor("the trace", () => s.msgs().some(m => m.topic === `opto62056/${s.deviceName}/trace`), 10000, () => s.log())
        const tr = s.msgs().find(m => m.topic === `opto62056/${s.deviceName}/trace`)!
        const lines = tr.payload.split("\n")
        assert.equal(lines[0], "# opto62056 trace v1")
        assert.equal(lines[1], "# session failed: METER_SILENT")
        assert.match(tr.payload, /^\+\d+ TX 300 7E1 "\/\?!<CR><LF>"$/m)
        // the echo of the request, in one RX line or more (a pause on a loaded machine splits it)
        const rx = [...tr.payload.matchAll(/^\+\d+ RX 300 7E1 "(.*)"$/gm)].map(m => m[1]).join("")
        assert.equal(rx, "/?!<CR><LF>", tr.payload)
    })

    test("RX and TX swapped: NO_SIGNAL after the session; the boot self-test says it cannot tell (NO_ECHO)", async t => {
        const s = await start(t, simProfile({ head: { fault: "swapped" } }), { WAKEUP: "never" })
        await waitFor("a diagnosis", () => diags(s, "diagnosisCode").length > 0, 30000, () => s.log())
        assert.equal(diags(s, "diagnosisCode")[0].diagnosisCode, "NO_SIGNAL")
        assert.equal(diags(s, "selfTestCode")[0].selfTestCode, "NO_ECHO")
    })

    test("flooded phototransistor: RX_HELD from the boot self-test and from the session", async t => {
        const s = await start(t, simProfile({ head: { fault: "flooded" } }), { WAKEUP: "never" })
        await waitFor("a diagnosis", () => diags(s, "diagnosisCode").length > 0, 40000, () => s.log())
        assert.equal(diags(s, "selfTestCode")[0].selfTestCode, "RX_HELD")
        assert.equal(diags(s, "diagnosisCode")[0].diagnosisCode, "RX_HELD")
    })

    test("commands: selftest, trace, a refused one; buttons in Home Assistant; a good head and meter", async t => {
        const s = await start(t, simProfile({ quirks: { echo: true } }), { POLL_MS: "60000", TRACE: "always" })
        await waitFor("a readout", () => s.states().length > 0, 30000, () => s.log())
        const buttons = s.msgs().filter(m => m.topic.startsWith("homeassistant/button/"))
        assert.deepEqual(buttons.map(b => JSON.parse(b.payload).payload_press), ["read", "selftest", "trace"])
        assert.deepEqual(buttons.map(b => JSON.parse(b.payload).command_topic), Array(3).fill(`opto62056/${s.deviceName}/cmd`))
        assert.equal(diags(s, "selfTestCode")[0].selfTestCode, "HEAD_OK")
        // the session's diagnostics follow its state message
        await waitFor("the session's diagnostics", () => diags(s, "diagnosisCode").length > 0, 10000, () => s.log())
        assert.equal(diags(s, "diagnosisCode").at(-1).diagnosisCode, "OK")
        await send(s, "format-meter")
        await waitFor("the refusal", () => diags(s, "commandError").length > 0, 10000, () => s.log())
        assert.equal(diags(s, "commandError")[0].commandError, "cmd: 'format-meter' is not a command; commands are read, selftest, trace (all read-only)")
        await send(s, "x".repeat(200))
        await waitFor("the size refusal", () => diags(s, "commandError").some(d => d.commandError.includes("200 bytes refused")), 10000, () => s.log())
        const traces = () => s.msgs().filter(m => m.topic === `opto62056/${s.deviceName}/trace`).length
        const before = traces()
        await send(s, "trace")
        await waitFor("a trace on request", () => traces() > before, 10000, () => s.log())
        const selfTests = diags(s, "selfTestCode").length
        await send(s, "selftest")
        await waitFor("a self-test on request", () => diags(s, "selfTestCode").length > selfTests, 15000, () => s.log())
        await send(s, "read")
        await waitFor("a readout on request", () => s.states().length > 1, 30000, () => s.log())
    })
})
