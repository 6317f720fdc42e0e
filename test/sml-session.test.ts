// SML as a session engine: the events the publisher sees for an SML meter, and
// the auto push hunt (SML at 9600 8N1 first, then D0) remembering what it found.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { newMemory } from "../src/core/memory"
import { defaultSessionConfig } from "../src/core/defaults"
import { AutoPushSession, SmlSession } from "../src/core/sml/session"
import { Engine, Output, SessionEvent } from "../src/core/session-types"
import { parseSmlProfile } from "../src/sim/sml-profile"
import { SmlSimMeter } from "../src/sim/sml-meter"

const profile = (f: string) => parseSmlProfile(JSON.parse(readFileSync(join(__dirname, "..", "profiles", "sml", f), "utf8")))

/** Feeds `bytes` in 64-byte chunks starting at `at` ms (9600 Bd: ~1 ms per byte), then ticks until finished. */
function drive(e: Engine, bytes: number[], at = 100): { events: SessionEvent[]; outputs: Output[] } {
    const outputs: Output[] = [e.start(0)]
    let t = at
    for (let i = 0; i < bytes.length && !outputs.some(o => o.events.some(ev => ev.type === "finished")); i += 64) {
        t += 64
        outputs.push(e.receive(t, bytes.slice(i, i + 64)))
    }
    for (let k = 0; k < 100 && !outputs.some(o => o.events.some(ev => ev.type === "finished")); k++) {
        const d = outputs[outputs.length - 1].deadline
        if (d === null) break
        t = Math.max(t, d)
        outputs.push(e.tick(t))
    }
    return { events: outputs.flatMap(o => o.events), outputs }
}

describe("SML session engine", () => {
    test("an SML meter: 9600 8N1, identification named by the server id, data sets, readout ok, finished ok", () => {
        const m = new SmlSimMeter(profile("emh-ehz.json"))
        const { events, outputs } = drive(new SmlSession(), [0x42, 0x00, ...m.next().slice(30), ...m.next()])
        assert.deepEqual(outputs[0].uart, { baud: 9600, format: "8N1" })
        const id = events.find(e => e.type === "identification")
        assert.deepEqual(id && id.type === "identification" && [id.identification.manufacturer, id.identification.ident], ["EMH", "3032323830383137"])
        const ds = events.filter(e => e.type === "dataSet").map(e => e.type === "dataSet" && e.dataSet.address + "=" + e.dataSet.values[0].text)
        assert.deepEqual(ds, ["129-129:199.130.3*255=EMH", "1-0:0.0.0*255=02280817", "1-0:1.8.1*255=14798113.0", "1-0:1.8.2*255=2012.4", "0-0:96.1.255*255=0002280817", "1-0:1.7.0*255=13.8"])
        const tail = events.slice(-2).map(e => e.type + (e.type === "readout" || e.type === "finished" ? " " + e.ok : ""))
        assert.deepEqual(tail, ["readout true", "finished true"])
    })
    test("PIN-locked meter: the diagnosis travels as a meter error before the readout", () => {
        const m = new SmlSimMeter(profile("iskra-mt631-locked.json"))
        const { events } = drive(new SmlSession(), m.next())
        const err = events.find(e => e.type === "error")
        assert.deepEqual(err && err.type === "error" && err.error, { kind: "meter", message: "meter sends totals only; enter the meter's PIN to unlock live power" })
    })
    test("silence: finished not ok after the listen time, with a timeout error", () => {
        const { events } = drive(new SmlSession({}, 3000), [])
        assert.deepEqual(events.map(e => e.type), ["error", "finished"])
        assert.equal(events[0].type === "error" && events[0].error.message, "no intact SML telegram within 3000 ms")
    })
})

describe("auto push hunt", () => {
    const push = () => ({ ...defaultSessionConfig(), push: { uart: null } })
    test("SML found first at 9600 8N1 and remembered; the next session goes straight to SML", () => {
        const mem = newMemory()
        const m = new SmlSimMeter(profile("dzg-dws7410.json"))
        const first = drive(new AutoPushSession(push(), mem), m.next())
        assert.deepEqual(first.outputs[0].uart, { baud: 9600, format: "8N1" })
        assert.ok(first.events.some(e => e.type === "finished" && e.ok))
        assert.equal(mem.pushProtocol, "sml")
        const second = new AutoPushSession(push(), mem).start(0)
        assert.deepEqual(second.uart, { baud: 9600, format: "8N1" })
        assert.equal(second.deadline, 10000)
    })
    test("no SML start sequence within 5 s: hands over to the D0 push hunt", () => {
        const mem = newMemory()
        const e = new AutoPushSession(push(), mem)
        const o = e.start(0)
        assert.equal(o.deadline, 5000)
        const d0 = e.tick(5000)
        assert.notDeepEqual(d0.uart, null)
        assert.equal(mem.pushProtocol, null)
    })
})
