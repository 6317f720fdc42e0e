// Compiled (and runnable) under DeviceScript: the simulator (meter, profiles,
// line) must stay inside the DeviceScript subset because the firmware will host
// the same meter model in the DeviceScript simulator as a Serial server.
//   npx devs build test/ds/sim-entry.ts
//   npx devs run test/ds/sim-entry.ts --test --test-self-exit
import { describe, test, expect } from "@devicescript/test"
import { Engine, Output } from "../../src/core/session-types"
import { SimMeter, checkProfile, expectedData, parseProfile, VirtualLine } from "../../src/sim/index"
import { charMs } from "../../src/core/timing"
import "../../src/sim/sml-meter"

const p = parseProfile({
    name: "ds-smoke",
    identification: "/ISK5MT174-0001",
    mode: "C",
    maxBaud: 9600,
    dataBlock: "1.8.0(00132.149*kWh)\r\n2.8.0(00000.000*kWh)\r\n",
    quirks: { echo: true },
    source: "smoke test",
})

/** a tiny reader: request, ack 300 ms after the identification, switch, wait for ETX + BCC */
class Mini implements Engine {
    state = 0
    got: number[] = []
    start(now: number): Output {
        return { send: [0x2f, 0x3f, 0x21, 0x0d, 0x0a], uart: null, deadline: now + 3000, events: [] }
    }
    receive(now: number, cs: number[]): Output {
        for (let i = 0; i < cs.length; i++) this.got.push(cs[i])
        const n = this.got.length
        if (this.state === 0 && n > 0 && this.got[n - 1] === 0x0a && this.got[0] === 0x2f && n > 7) {
            this.state = 1
            return { send: [], uart: null, deadline: now + 300, events: [] }
        }
        if (this.state === 2 && n > 1 && this.got[n - 2] === 0x03) {
            this.state = 3
            return { send: [], uart: null, deadline: null, events: [{ type: "readout", ok: true }, { type: "finished", ok: true, stats: null }] }
        }
        return { send: [], uart: null, deadline: now + 3000, events: [] }
    }
    tick(now: number): Output {
        if (this.state === 1) {
            this.state = 2
            this.got = []
            return { send: [0x06, 0x30, 0x35, 0x30, 0x0d, 0x0a], uart: { baud: 9600, format: "7E1" }, deadline: now + 3000, events: [] }
        }
        return { send: [], uart: null, deadline: null, events: [{ type: "finished", ok: false, stats: null }] }
    }
}

describe("sim under DeviceScript", () => {
    test("profile validation collects errors", () => {
        expect(checkProfile({ name: 3, mode: "X" }).errors.length > 3).toBe(true)
        expect(expectedData(p).dataSets.length).toBe(2)
    })
    test("meter answers a request with its identification", () => {
        const m = new SimMeter(p, 0)
        const req = [0x2f, 0x3f, 0x21, 0x0d, 0x0a]
        let t = 0
        for (let i = 0; i < req.length; i++) {
            t += charMs(300)
            m.receive(t, req[i], 300, "7E1")
        }
        const out = m.takeOutput(100000)
        expect(out.length).toBe(17)
        expect(out[0].char).toBe(0x2f)
        expect(Math.round(out[0].start)).toBe(367)
    })
    test("a whole session on the virtual line", () => {
        const line = new VirtualLine(new SimMeter(p, 0), { trace: false })
        const r = line.run(new Mini(), 0)
        expect(r.ok).toBe(true)
        expect(line.meterChars > 60).toBe(true)
    })
})
