// Firmware end to end: the real firmware in the DeviceScript simulator, the
// simulated head with a meter behind it, a real broker (embedded aedes, or
// OPTO_BROKER=mosquitto, or OPTO_MQTT_URL) and a real MQTT client (mqtt.js). The
// scenarios run side by side, each with its own broker (test/helpers/e2e-harness.ts).
import { describe, test, TestContext } from "node:test"
import assert from "node:assert/strict"
import { join } from "node:path"
import { simProfile, retained, scenario, waitFor, Msg, E2E_CONCURRENCY, embeddedBroker } from "./helpers/e2e-harness"
import { readSimProfile } from "../tools/vm-host/sim-profile"
import { expectedData } from "../src/sim/expected"
import { parseProfile } from "../src/sim/profiles"
// The default simulator meter's data block, and what must come out of it: address, meter text,
// unit, the number as published (JSON and per-value topic), the topic segment, and the Home
// Assistant device and state class (null: no discovery for it).
const LINES: [string, string, string | null][] = [
    ["0.0.0", "12345678", null],
    ["1.8.0", "00132.149", "kWh"],
    ["1.8.1", "00100.001", "kWh"],
    ["2.8.0", "0000.000", "kWh"],
    ["1-0:16.7.0*255", "0001.250", "kW"],
    ["F.F", "00000000", null],
]
const PUBLISHED: Record<string, string> = {
    "0.0.0": "12345678", "1.8.0": "132.149", "1.8.1": "100.001", "2.8.0": "0.000", "1-0:16.7.0*255": "1.250", "F.F": "0",
}
const TOPIC_OF: Record<string, string> = {
    "0.0.0": "0.0.0", "1.8.0": "1.8.0", "1.8.1": "1.8.1", "2.8.0": "2.8.0", "1-0:16.7.0*255": "1-0_3A16.7.0_2A255", "F.F": "F.F",
}
const DISCOVERED: Record<string, { device_class: string; state_class: string; unit: string }> = {
    "1.8.0": { device_class: "energy", state_class: "total_increasing", unit: "kWh" },
    "1.8.1": { device_class: "energy", state_class: "total_increasing", unit: "kWh" },
    "2.8.0": { device_class: "energy", state_class: "total_increasing", unit: "kWh" },
    "1-0:16.7.0*255": { device_class: "power", state_class: "measurement", unit: "kW" },
}

function expectedState(lines = LINES) {
    const vals = lines.map(([a, t, u]) => `${JSON.stringify(a)}:{"value":${PUBLISHED[a]},"text":${JSON.stringify(t)},"unit":${u === null ? "null" : JSON.stringify(u)}}`)
    return `{"meter":"METER1","time":T,"values":{${vals.join(",")}}}`
}

// each test stops its own firmware runs when it ends (scenario(t)), so none keeps polling (and using CPU) after it
async function readout(t: TestContext, p: ReturnType<typeof simProfile>, settings: Record<string, string>, n = 1, timeoutMs = 30000) {
    const s = scenario(t)
    await s.start(p, { POLL_MS: "2000", ...settings })
    await waitFor(`${n} readout(s)`, () => s.states().length >= n, timeoutMs, () => s.log())
    return s
}

function byTopic(msgs: Msg[], topic: string) {
    return msgs.filter(m => m.topic === topic)
}

describe("firmware end to end", { concurrency: E2E_CONCURRENCY }, () => {
    test("7E1 server: exact state, per-value, availability and discovery messages", async t => {
        const s = await readout(t, simProfile({}), {})
        const m = s.msgs()
        const dev = s.deviceName
        // availability first, retained
        assert.deepEqual(m[0], { topic: `opto62056/${dev}/availability`, payload: "online", retain: true })
        // per-value topics, in the meter's order, retained, number as text
        const perValue = m.filter(x => x.topic.startsWith("opto62056/METER1/") && !x.topic.endsWith("/state"))
        assert.deepEqual(
            perValue,
            LINES.map(([a]) => ({ topic: `opto62056/METER1/${TOPIC_OF[a]}`, payload: PUBLISHED[a], retain: true })),
        )
        // the state: one retained JSON, exact apart from the time
        const st = s.states()[0]
        assert.equal(st.retain, true)
        assert.equal(st.payload.replace(/"time":\d+/, '"time":T'), expectedState())
        assert.deepEqual(Object.keys(JSON.parse(st.payload).values), LINES.map(l => l[0]))
        // the meter's digits, leading zeros dropped, decimals kept
        assert.ok(st.payload.includes('"1.8.0":{"value":132.149,"text":"00132.149","unit":"kWh"}'), st.payload)
        assert.ok(st.payload.includes('"2.8.0":{"value":0.000,'), st.payload)
        // state after the per-value messages
        assert.ok(m.indexOf(st) > m.indexOf(perValue[perValue.length - 1]))
        // Home Assistant: one config per value with a known quantity, plus 9 diagnostic entities
        const configs = m.filter(x => x.topic.startsWith("homeassistant/sensor/") && x.topic.endsWith("/config"))
        assert.ok(configs.every(c => c.retain))
        const diag = configs.filter(c => JSON.parse(c.payload).entity_category === "diagnostic")
        assert.deepEqual(
            diag.map(c => JSON.parse(c.payload).value_template),
            [...["duration", "baud", "retries", "lastError", "dropped", "readouts", "failed", "diagnosisCode"].map(f => `{{ value_json.${f} }}`), "{{ value_json.diagnosis[:255] }}"],
        )
        const d0 = JSON.parse(diag[0].payload)
        assert.equal(diag[0].topic, `homeassistant/sensor/opto62056_${dev}_duration/config`)
        assert.equal(d0.state_topic, `opto62056/${dev}/diagnostics`)
        assert.equal(d0.availability_topic, `opto62056/${dev}/availability`)
        assert.equal(d0.unit_of_measurement, "ms")
        const valueConfigs = configs.filter(c => JSON.parse(c.payload).entity_category === undefined)
        assert.equal(valueConfigs.length, Object.keys(DISCOVERED).length)
        for (const [a, want] of Object.entries(DISCOVERED)) {
            const c = valueConfigs.find(x => JSON.parse(x.payload).value_template === `{{ value_json['values']['${a}'].value }}`)
            assert.ok(c, `discovery for ${a}`)
            const j = JSON.parse(c.payload)
            assert.equal(j.state_topic, "opto62056/METER1/state")
            assert.equal(j.device_class, want.device_class)
            assert.equal(j.state_class, want.state_class)
            assert.equal(j.unit_of_measurement, want.unit)
            assert.deepEqual(j.device, {
                identifiers: ["opto62056_METER1"], name: "Meter METER1", manufacturer: "ABC", model: "METER1", serial_number: "12345678",
            })
            assert.equal(c.topic, `homeassistant/sensor/${j.unique_id}/config`)
        }
        // what a subscriber that comes later gets: the retained state and values
        const later = await retained(s.url, "opto62056/METER1/#", LINES.length + 1)
        assert.deepEqual(later.map(x => x.topic).sort(), ["opto62056/METER1/state", ...LINES.map(([a]) => `opto62056/METER1/${TOPIC_OF[a]}`)].sort())
        // the diagnostics after the session
        await waitFor("diagnostics", () => byTopic(s.msgs(), `opto62056/${dev}/diagnostics`).some(x => x.payload.includes('"duration"')), 5000)
        const dg = JSON.parse(byTopic(s.msgs(), `opto62056/${dev}/diagnostics`).find(x => x.payload.includes('"duration"'))!.payload)
        assert.equal(dg.baud, 9600)
        assert.equal(dg.readouts, 1)
        assert.equal(dg.lastError, "")
        assert.deepEqual(dg.configErrors, [])
    })

    test("8N1-only server with an echoing head: software 7E1, same readings", async t => {
        const s = await readout(t, simProfile({ head: { eightN1Only: true }, quirks: { echo: true } }), {})
        assert.equal(s.states()[0].payload.replace(/"time":\d+/, '"time":T'), expectedState())
        assert.ok(s.lines.some(l => l.includes("8N1 with software 7E1")), s.log())
    })

    test("push meter (mode D, bare frames): the firmware finds its baud and publishes exactly its values", async t => {
        const p = readSimProfile(join(__dirname, "..", "profiles", "ebz-dd3.json"))
        const s = await readout(t, p, { PUSH_UART: "auto" }, 1, 60000)
        const st = JSON.parse(s.states()[0].payload)
        const want = expectedData(parseProfile(p.meter)).dataSets
        assert.deepEqual(Object.keys(st.values), want.map(d => d.address))
        for (const d of want) {
            assert.equal(st.values[d.address].text, d.values[0].text, d.address)
            assert.equal(st.values[d.address].unit, d.values[0].unit, d.address)
        }
        // the diagnostics of the session that read (a hunt on a loaded machine may fail once first)
        const afterReadout = () => s.msgs().filter(x => x.topic.endsWith("/diagnostics") && x.payload.includes('"duration"') && JSON.parse(x.payload).readouts >= 1)
        await waitFor("diagnostics", () => afterReadout().length > 0, 10000)
        const dg = JSON.parse(afterReadout()[0].payload)
        assert.equal(dg.mode, "D")
        assert.equal(dg.baud, 9600)
    })

    test("addressed meter: answers only its own address", async t => {
        const p = simProfile({ meter: { address: "87654321" }, quirks: { addressRequired: true } })
        const s = await readout(t, p, { METER_ADDRESS: "87654321" })
        assert.equal(s.states()[0].payload.replace(/"time":\d+/, '"time":T'), expectedState())
        await s.stop()
        const wrong = scenario(t)
        await wrong.start(p, { METER_ADDRESS: "11111111", POLL_MS: "2000", BACKOFF_MS: "500" })
        const diag = () => wrong.msgs().filter(x => x.topic.endsWith("/diagnostics") && x.payload.includes('"failed":1'))
        await waitFor("a failed session", () => diag().length > 0, 20000, () => wrong.log())
        assert.equal(wrong.states().length, 0)
        assert.match(JSON.parse(diag()[0].payload).lastError, /timeout/)
    })

    test("damaged readout: nothing published but diagnostics", async t => {
        const s = scenario(t)
        await s.start(simProfile({ quirks: { corruptBcc: true } }), { POLL_MS: "2000", BACKOFF_MS: "500" })
        const diag = () => s.msgs().filter(x => x.topic.endsWith("/diagnostics") && x.payload.includes('"failed":2'))
        await waitFor("two failed sessions", () => diag().length > 0, 60000, () => s.log())
        assert.equal(s.states().length, 0)
        assert.equal(s.msgs().filter(x => x.topic.startsWith("opto62056/METER1/")).length, 0)
        assert.match(JSON.parse(diag()[0].payload).lastError, /^bcc/)
    })

    test("invalid settings: reported on the diagnostics topic, defaults used, password never shown", async t => {
        const s = scenario(t)
        await s.start(simProfile({}), { POLL_MS: "soon", MQTT_PASS: "", PROG_PASS: "secret(1)" })
        await waitFor("a readout", () => s.states().length > 0, 30000, () => s.log())
        const d = JSON.parse(s.msgs().find(x => x.topic.endsWith("/diagnostics"))!.payload)
        assert.deepEqual(d.configErrors, [
            "PROG_PASS: the value (not shown) is not accepted (at most 32 printable ASCII characters, none of ()); using none",
            "POLL_MS: 'soon' is not accepted (a whole number from 1000 to 86400000); using 60000",
        ])
        assert.ok(!s.lines.join("\n").includes("secret(1)"))
        assert.ok(!s.msgs().some(x => x.payload.includes("secret(1)")))
    })

    test("broker with username/password: right credentials connect, wrong ones are refused", { skip: embeddedBroker() ? false : "needs the embedded broker" }, async t => {
        const s = scenario(t)
        // the test's own subscribers (e2e-sub-*, e2e-ret-*) get in without credentials
        const auth = (c: { id: string }, user: string | undefined, pass: Buffer | undefined, cb: (e: Error | null, ok: boolean) => void) =>
            cb(null, c.id.startsWith("e2e-sub-") || c.id.startsWith("e2e-ret-") || (user === "reader" && pass?.toString() === "pa ss;word"))
        s.onBroker = b => (b.aedes.authenticate = auth as never)
        await s.start(simProfile({}), { MQTT_USER: "reader", MQTT_PASS: "pa ss;word" })
        await waitFor("a readout", () => s.states().length > 0, 30000, () => s.log())
        const bad = scenario(t)
        bad.onBroker = b => (b.aedes.authenticate = auth as never)
        await bad.start(simProfile({}), { MQTT_USER: "reader", MQTT_PASS: "wrong" })
        await waitFor("the refusal", () => bad.lines.some(l => l.includes("broker refused the connection (code 5)")), 15000, () => bad.log())
        assert.equal(bad.received.length, 0)
        assert.ok(!bad.lines.join("\n").includes("wrong"), "the password is never logged")
    })

    test("a broker restart mid-run loses no reading", { skip: embeddedBroker() ? false : "needs the embedded broker" }, async t => {
        const s = await readout(t, simProfile({}), { POLL_MS: "1500" })
        await s.broker!.stop()
        const before = s.states().length
        await new Promise(r => setTimeout(r, 6000)) // ~3 sessions while the broker is away
        await s.broker!.start()
        await waitFor("readings after the restart", () => s.states().length >= before + 4, 30000, () => s.log())
        // exact: before the last diagnostics message the broker got, it got exactly as many
        // states as that message counts readouts (each diagnostics follows its readout's state)
        const check = () => {
            const m = s.msgs()
            let last = -1
            for (let i = 0; i < m.length; i++) if (m[i].topic.endsWith("/diagnostics") && m[i].payload.includes('"duration"')) last = i
            const d = JSON.parse(m[last].payload)
            // at-least-once: a message whose PUBACK was cut off is sent again, so count distinct states
            const states = new Set(m.slice(0, last).filter(x => x.topic === "opto62056/METER1/state").map(x => x.payload)).size
            return { d, states }
        }
        await waitFor("in-order delivery of every readout", () => {
            const { d, states } = check()
            return d.readouts >= before + 4 && states === d.readouts
        }, 20000, () => s.log() + "\n" + JSON.stringify(check()))
        const times = s.states().map(x => JSON.parse(x.payload).time as number)
        for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1], `state ${i} out of order: ${times}`)
        assert.equal(check().d.dropped, 0)
        assert.ok(s.lines.some(l => l.includes("retry in")), "the firmware saw the outage\n" + s.log())
    })
})
