// Publisher (src/publisher.ts): provisional values, commit on a good readout,
// nothing from a damaged one, capped values, hand-built state JSON.
import { sleep } from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { Publisher, stateJson, discoveryFor, heldOf } from "../../src/firmware/publisher"
import { parseConfig } from "../../src/firmware/settings"
import { valueJson } from "../../src/firmware/jsonout"
import { SessionEvent } from "../../src/core/session-types"
import { text } from "./outbox-text"

function pub(values: Record<string, any>) {
    return new Publisher(parseConfig(k => values[k]).config, "reader1")
}

function ident(): SessionEvent {
    return {
        type: "identification",
        identification: { manufacturer: "ABC", fastReaction: false, baudChar: "5", mode: "C", baud: 9600, capability: null, ident: "METER1" },
    }
}

function ds(address: string, text: string, unit: string | null): SessionEvent {
    return { type: "dataSet", dataSet: { address: address, values: [{ text: text, number: null, unit: unit }] } }
}

async function drain(p: Publisher): Promise<string[]> {
    const out: string[] = []
    while (p.outbox.count) {
        await sleep(0) // the VM allows ~128K steps between awaits
        const m = p.outbox.peek()
        out.push(m.topic + " " + (m.retain ? "R " : "- ") + text(p.outbox))
        p.outbox.shift()
    }
    return out
}

describe("publisher", () => {
    test("issue 12 item 6: the value with a unit is published, the others in extra, a timestamp in at", async () => {
        // DSMR 4.2 Kaifa gas (dsmr_parser TELEGRAM_V4_2): 0-1:24.2.1(161129200000W)(00981.443*m3)
        const gas = heldOf({ address: "0-1:24.2.1", values: [{ text: "161129200000W", number: null, unit: null }, { text: "00981.443", number: 981.443, unit: "m3" }] })
        const s = await stateJson("M", 1, [gas])
        expect(s).toBe('{"meter":"M","time":1,"values":{"0-1:24.2.1":{"value":981.443,"text":"00981.443","unit":"m3","extra":["161129200000W"],"at":"2016-11-29T20:00:00+01:00"}}}')
        // a maximum with its 62056-21 time; one value alone has no extra
        const max = heldOf({ address: "1.6.0", values: [{ text: "0003.456", number: 3.456, unit: "kW" }, { text: "23-11-21 09:15", number: null, unit: null }] })
        const one = heldOf({ address: "1.8.0", values: [{ text: "00132.149", number: 132.149, unit: "kWh" }] })
        expect(await stateJson("M", 1, [max, one])).toBe('{"meter":"M","time":1,"values":{"1.6.0":{"value":3.456,"text":"0003.456","unit":"kW","extra":["23-11-21 09:15"],"at":"2023-11-21T09:15"},"1.8.0":{"value":132.149,"text":"00132.149","unit":"kWh"}}}')
        // Home Assistant: the extra values are the entity's attributes
        const d = discoveryFor({ base: "b", device: "r", haPrefix: "homeassistant" }, { key: "M", ident: "M", manufacturer: "KFM", serial: null }, gas)
        expect(d.payload.join("").indexOf('"json_attributes_topic":"b/M/state"') > 0).toBe(true)
        expect(d.payload.join("").indexOf('"device_class":"gas"') > 0).toBe(true)
        await sleep(0) // the VM's step budget runs on into the next test without a yield
    })

    test("state JSON is built from the meter's text", async () => {
        const s = await stateJson("METER1", 12345678901, [
            { address: "1.8.0", text: "00132.149", unit: "kWh" },
            { address: "0.9.1", text: "22:48", unit: null },
        ])
        expect(s).toBe(
            "{\"meter\":\"METER1\",\"time\":12345678901,\"values\":{\"1.8.0\":{\"value\":" + valueJson("00132.149") +
                ",\"text\":\"00132.149\",\"unit\":\"kWh\"},\"0.9.1\":{\"value\":\"22:48\",\"text\":\"22:48\",\"unit\":null}}}",
        )
        const parsed = JSON.parse(s)
        expect(parsed.values["1.8.0"].text).toBe("00132.149")
    })
    test("a good readout publishes per-value topics, then the state, all retained", async () => {
        const p = pub({ HA_PREFIX: "" })
        await p.onEvent(ident())
        await p.onEvent(ds("1.8.0", "00132.149", "kWh"))
        await p.onEvent(ds("1-0:2.8.0*255", "0000.000", "kWh"))
        expect(p.outbox.count).toBe(0) // provisional until the readout event
        await p.onEvent({ type: "readout", ok: true })
        const out = await drain(p)
        expect(out.length).toBe(3)
        expect(out[0].indexOf("opto62056/METER1/1.8.0 R ")).toBe(0)
        expect(out[1].indexOf("opto62056/METER1/1-0_3A2.8.0_2A255 R ")).toBe(0)
        expect(out[2].indexOf("opto62056/METER1/state R {\"meter\":\"METER1\"")).toBe(0)
    })
    test("a damaged readout publishes nothing and says so in diagnostics", async () => {
        const p = pub({ HA_PREFIX: "" })
        await p.onEvent(ident())
        await p.onEvent(ds("1.8.0", "00132.149", "kWh"))
        await p.onEvent({ type: "readout", ok: false })
        expect(p.outbox.count).toBe(0)
        await p.onEvent({
            type: "finished", ok: false,
            stats: { durationMs: 1200, lineMinimumMs: 0, msAtBaud: {}, mode: "C", baud: 9600, retries: 1, errors: 1, charsReceived: 10, dataSets: 1 },
        })
        const out = await drain(p)
        expect(out.length).toBe(1)
        expect(out[0].indexOf("opto62056/reader1/diagnostics R {\"duration\":1200,\"baud\":9600,\"mode\":\"C\",\"retries\":1")).toBe(0)
        expect(out[0].indexOf("\"lastError\":\"damaged readout discarded\"")).not().toBe(-1)
        expect(out[0].indexOf("\"failed\":1")).not().toBe(-1)
    })
    test("values beyond MAX_VALUES are dropped and counted", async () => {
        const p = pub({ HA_PREFIX: "", MAX_VALUES: 3 })
        await p.onEvent(ident())
        for (let i = 0; i < 10; i++) await p.onEvent(ds("1.8." + i, "" + i, "kWh"))
        await p.onEvent({ type: "readout", ok: true })
        expect(p.valuesDropped).toBe(7)
        const out = await drain(p)
        expect(out.length).toBe(4)
    })
    test("discovery: the reader's diagnostic entities first, then one config per value with a known quantity", async () => {
        const p = pub({})
        await p.onEvent(ident())
        await p.onEvent(ds("0.0.0", "12345678", null))
        await p.onEvent(ds("1.8.0", "00132.149", "kWh"))
        await p.onEvent({ type: "readout", ok: true })
        const names: string[] = []
        for (let i = 0; i < 9; i++) {
            await sleep(0)
            const d = p.nextDiscovery()
            expect(d.topic.indexOf("homeassistant/sensor/opto62056_reader1_")).toBe(0)
            expect(JSON.parse(d.payload.join("")).entity_category).toBe("diagnostic")
            names.push(JSON.parse(d.payload.join("")).name)
            p.discoverySent()
        }
        expect(names.join("|")).toBe("Session duration|Baud|Retries|Last error|Dropped messages|Good readouts|Failed sessions|Diagnosis code|Diagnosis")
        const presses: string[] = []
        for (let i = 0; i < 3; i++) {
            const d = p.nextDiscovery()
            expect(d.topic).toBe("homeassistant/button/opto62056_reader1_cmd_" + JSON.parse(d.payload.join("")).payload_press + "/config")
            expect(JSON.parse(d.payload.join("")).command_topic).toBe("opto62056/reader1/cmd")
            presses.push(JSON.parse(d.payload.join("")).payload_press)
            p.discoverySent()
        }
        expect(presses.join("|")).toBe("read|selftest|trace")
        const d = p.nextDiscovery()
        expect(d.topic).toBe("homeassistant/sensor/opto62056_METER1_1_2E8_2E0/config")
        const j = JSON.parse(d.payload.join(""))
        expect(j.state_topic).toBe("opto62056/METER1/state")
        expect(j.value_template).toBe("{{ value_json['values']['1.8.0'].value }}")
        expect(j.device.serial_number).toBe("12345678")
        expect(j.device.manufacturer).toBe("ABC")
        expect(j.device_class).toBe("energy")
        expect(j.state_class).toBe("total_increasing")
        expect(j.unit_of_measurement).toBe("kWh")
        p.discoverySent()
        // 0.0.0 is the serial number: it names the device and gets no entity of its own
        expect(p.nextDiscovery()).toBe(null)
    })
    test("the serial number comes from any address the standard uses for it, 96.1.0 included", async () => {
        const p = pub({})
        await p.onEvent(ident())
        await p.onEvent(ds("0-0:96.1.0*255", "4530303034303031", null))
        await p.onEvent(ds("1.8.0", "00132.149", "kWh"))
        await p.onEvent({ type: "readout", ok: true })
        for (let i = 0; i < 12; i++) {
            await sleep(0)
            expect(JSON.parse(p.nextDiscovery().payload.join("")).entity_category).toBe("diagnostic")
            p.discoverySent()
        }
        const d = p.nextDiscovery()
        expect(JSON.parse(d.payload.join("")).device.serial_number).toBe("4530303034303031")
    })
    test("discovery is skipped for an address a template cannot quote", async () => {
        const m = { key: "M", ident: "M", manufacturer: "ABC", serial: null as string }
        expect(discoveryFor({ base: "b", device: "d", haPrefix: "homeassistant" }, m, { address: "1.8.0'", text: "1", unit: "kWh" })).toBe(null)
    })
    test("config errors go to the diagnostics topic", async () => {
        const p = new Publisher(parseConfig(k => (k === "POLL_MS" ? "x" : undefined)).config, "reader1")
        p.configErrors = parseConfig(k => (k === "POLL_MS" ? "x" : undefined)).errors
        p.diagnostics(null)
        const out = await drain(p)
        expect(out[0].indexOf("\"configErrors\":[\"POLL_MS: 'x' is not accepted")).not().toBe(-1)
    })
})
