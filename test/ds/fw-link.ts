// Serial link + simulated head + the session engine inside one VM: both framing
// paths (server 7E1 and 8N1-only with software 7E1), error marking, a damaged
// block, and the session loop of src/app.ts.
import * as ds from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { SerialLink } from "../../src/firmware/link"
import { SimHead, startSimHead, LineMeter, MeterChunk } from "../../src/sim/head/server"
import { SimMeterLine } from "../../src/sim/head/sim-meter"
import { SimMeter } from "../../src/sim/meter"
import { defaultQuirks, Profile } from "../../src/sim/profiles"
import { Publisher } from "../../src/firmware/publisher"
import { parseConfig } from "../../src/firmware/settings"
import { runSession } from "../../src/firmware/app"
import { Session } from "../../src/core/session"
import { newMemory } from "../../src/core/memory"

/** The head's meter, swappable between tests. */
class Swap implements LineMeter {
    m: LineMeter = null
    receiveWire(now: number, wire: number, baud: number) { this.m.receiveWire(now, wire, baud) }
    tick(now: number) { this.m.tick(now) }
    transmit(now: number): MeterChunk | null { return this.m.transmit(now) }
}

function meter(damage: boolean): LineMeter {
    // the profile written out in full (defaults included): the profile checker would not fit
    // this image's 64 KB of function code next to the firmware, head and meter
    const quirks = defaultQuirks()
    quirks.reactionMs = 20
    quirks.corruptBcc = damage
    const p: Profile = {
        name: "link", source: "unit test", identification: "/ABC5METER1", mode: "C", maxBaud: 9600, address: null, requestChars: "?",
        dataBlock: "0.0.0(12345678)\r\n1.8.0(00132.149*kWh)\r\nF.F(00000000)", altDataBlocks: {}, quirks: quirks,
        registers: null, password: null, operand: "00000000", notes: "",
    }
    return new SimMeterLine(new SimMeter(p, ds.millis()))
}

const swap = new Swap()
swap.m = meter(false)
const head: SimHead = startSimHead(swap, { eightN1Only: false, echo: false, speed: 1 })
const role = new ds.Serial("meter")
const link = new SerialLink(role, "auto")
const config = parseConfig(k => (k === "HA_PREFIX" ? "" : undefined)).config

async function session(link: SerialLink, damage: boolean) {
    swap.m = meter(damage)
    const pub = new Publisher(config, "reader1")
    const ok = await runSession(new Session(config.session, newMemory()), link, pub)
    const topics: string[] = []
    while (pub.outbox.count) {
        topics.push(pub.outbox.peek().topic)
        pub.outbox.shift()
    }
    return { ok: ok, topics: topics }
}

describe("link", () => {
    test("a 7E1-capable server: hardware framing, readout ok", async () => {
        head.opt.eightN1Only = false
        link.framing = "auto"
        await link.init()
        expect(link.hardware7E1).toBe(true)
        const r = await session(link, false)
        expect(r.ok).toBe(true)
        expect(r.topics.join(" ")).toBe("opto62056/METER1/0.0.0 opto62056/METER1/1.8.0 opto62056/METER1/F.F opto62056/METER1/state opto62056/reader1/diagnostics")
    })
    test("an 8N1-only server: software 7E1, readout ok", async () => {
        head.opt.eightN1Only = true
        head.set_dataBits(8)
        head.set_parityMode(ds.SerialParityType.None)
        link.framing = "auto"
        await link.init()
        expect(link.hardware7E1).toBe(false)
        expect(await role.dataBits.read()).toBe(8)
        const r = await session(link, false)
        expect(r.ok).toBe(true)
        expect(r.topics.length).toBe(5)
    })
    test("software path: a character with odd parity is flagged", async () => {
        link.framing = "software"
        await link.init()
        link.clear()
        head.injectRaw([0xc3, 0x43]) // 'C' with its parity bit, then without
        await ds.sleep(50)
        const got = link.take(10)
        expect(got.length).toBe(2)
        expect(got[0]).toBe(0x43)
        expect(got[1]).toBe(0xc3) // bit 7 marks the error in the byte form the engine takes
    })
    test("hardware path: 0x80|c from the server is a parity error on c", async () => {
        head.opt.eightN1Only = false
        link.framing = "hardware"
        await link.init()
        link.clear()
        head.injectRaw([0x41, 0xc1])
        await ds.sleep(50)
        const got = link.take(10)
        expect(got[0]).toBe(0x41)
        expect(got[1]).toBe(0xc1) // bit 7 marks the error
    })
    test("the service's status_code report of dropped characters counts as lost, by the difference of its totals (mod 65536)", async () => {
        link.framing = "auto"
        await link.init()
        const status = (ds.Serial.spec as any).lookup("statusCode") // a system register: the spec finds it in its base
        const before = link.overruns
        await head._send(status.encode([0, 5]))
        await ds.sleep(50)
        expect(link.overruns - before).toBe(5)
        await head._send(status.encode([0, 12]))
        await ds.sleep(50)
        expect(link.overruns - before).toBe(12)
        await head._send(status.encode([0, 3])) // the total wrapped past 65535: 65536 - 12 + 3 more
        await ds.sleep(50)
        expect(link.overruns - before).toBe(65539)
    })
    test("a block with a wrong BCC publishes no value", async () => {
        link.framing = "auto"
        await link.init()
        const r = await session(link, true)
        expect(r.ok).toBe(false)
        expect(r.topics.join(" ")).toBe("opto62056/reader1/diagnostics")
    })
})
