// Publisher (src/publisher.ts): provisional values, commit on a good readout,
// nothing from a damaged one, capped values, hand-built state JSON.
import { describe, expect, test } from "@devicescript/test"
import { Publisher, stateJson } from "../../src/publisher"
import { parseConfig } from "../../src/settings"
import { valueJson } from "../../src/jsonout"
import { SessionEvent } from "../../src/core/session-types"

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

function drain(p: Publisher): string[] {
    const out: string[] = []
    while (p.outbox.count()) {
        const m = p.outbox.peek()
        out.push(m.topic + " " + (m.retain ? "R " : "- ") + m.payload.toString())
        p.outbox.shift()
    }
    return out
}

describe("publisher", () => {
    test("state JSON is built from the meter's text", () => {
        const s = stateJson("METER1", 12345678901, [
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
    test("a good readout publishes per-value topics, then the state, all retained", () => {
        const p = pub({ HA_PREFIX: "" })
        p.onEvent(ident())
        p.onEvent(ds("1.8.0", "00132.149", "kWh"))
        p.onEvent(ds("1-0:2.8.0*255", "0000.000", "kWh"))
        expect(p.outbox.count()).toBe(0) // provisional until the readout event
        p.onEvent({ type: "readout", ok: true })
        const out = drain(p)
        expect(out.length).toBe(3)
        expect(out[0].indexOf("opto62056/METER1/1.8.0 R ")).toBe(0)
        expect(out[1].indexOf("opto62056/METER1/1-0_3A2.8.0_2A255 R ")).toBe(0)
        expect(out[2].indexOf("opto62056/METER1/state R {\"meter\":\"METER1\"")).toBe(0)
    })
    test("a damaged readout publishes nothing and says so in diagnostics", () => {
        const p = pub({ HA_PREFIX: "" })
        p.onEvent(ident())
        p.onEvent(ds("1.8.0", "00132.149", "kWh"))
        p.onEvent({ type: "readout", ok: false })
        expect(p.outbox.count()).toBe(0)
        p.onEvent({
            type: "finished", ok: false,
            stats: { durationMs: 1200, lineMinimumMs: 0, msAtBaud: {}, mode: "C", baud: 9600, retries: 1, errors: 1, charsReceived: 10, dataSets: 1 },
        })
        const out = drain(p)
        expect(out.length).toBe(1)
        expect(out[0].indexOf("opto62056/reader1/diagnostics R {\"duration\":1200,\"baud\":9600,\"mode\":\"C\",\"retries\":1")).toBe(0)
        expect(out[0].indexOf("\"lastError\":\"damaged readout discarded\"")).not().toBe(-1)
        expect(out[0].indexOf("\"failed\":1")).not().toBe(-1)
    })
    test("values beyond MAX_VALUES are dropped and counted", () => {
        const p = pub({ HA_PREFIX: "", MAX_VALUES: 3 })
        p.onEvent(ident())
        for (let i = 0; i < 10; i++) p.onEvent(ds("1.8." + i, "" + i, "kWh"))
        p.onEvent({ type: "readout", ok: true })
        expect(p.valuesDropped).toBe(7)
        const out = drain(p)
        expect(out.length).toBe(4)
    })
    test("config errors go to the diagnostics topic", () => {
        const p = new Publisher(parseConfig(k => (k === "POLL_MS" ? "x" : undefined)).config, "reader1")
        p.configErrors = parseConfig(k => (k === "POLL_MS" ? "x" : undefined)).errors
        p.diagnostics(null)
        const out = drain(p)
        expect(out[0].indexOf("\"configErrors\":[\"POLL_MS: 'x' is not accepted")).not().toBe(-1)
    })
})
