// The reader falling behind the line, in virtual time: the driver tells the
// session how long received characters waited and how many the serial path
// lost; the session says so once (an "overrun" error) and caps the baud of the
// next sign-ons one step below, in the reader's memory.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { newMemory } from "../src/core/memory"
import { Session } from "../src/core/session"
import { defaultSessionConfig } from "../src/core/defaults"
import { ByteEngine, SessionEvent } from "../src/core/session-types"
import { errorKinds as kinds, signOn, toDataPhase } from "./helpers/data-phase"
import { WatchedEngine } from "../src/core/watched"
import { Diagnoser } from "../src/core/diagnosis"

const STX = 0x02
const ETX = 0x03

function bytes(s: string): Buffer {
    return Buffer.from(s, "latin1")
}

function block(lines: string): Buffer {
    const body = lines + "!\r\n" + String.fromCharCode(ETX)
    let bcc = 0
    for (let i = 0; i < body.length; i++) bcc ^= body.charCodeAt(i)
    return bytes(String.fromCharCode(STX) + body + String.fromCharCode(bcc))
}

describe("falling behind the line", () => {
    test("characters that waited too long: one overrun error, the readout still counts, the next sign-on asks for 9600", () => {
        const memory = newMemory()
        const { s, t, sent } = toDataPhase(memory)
        assert.deepEqual(sent[1], [0x06, 0x30, 0x36, 0x30, 0x0d, 0x0a]) // ACK 0 6 0: 19200 Bd
        const data = block("1.8.0(00001.000*kWh)\r\n2.8.0(00002.000*kWh)\r\n")
        const first = s.receiveBytes(t + 500, data.slice(0, 20), 1800, 0)
        const rest = s.receiveBytes(t + 520, data.slice(20, data.length), 1900, 0)
        const evs = [...first.events, ...rest.events]
        assert.deepEqual(kinds(evs), ["overrun"])
        assert.deepEqual(evs.filter(e => e.type === "readout"), [{ type: "readout", ok: true }])
        assert.equal(evs.filter(e => e.type === "dataSet").length, 2)
        assert.equal(memory.baudCap, 9600)
        const next = toDataPhase(memory)
        assert.deepEqual(next.sent[1], [0x06, 0x30, 0x35, 0x30, 0x0d, 0x0a]) // ACK 0 5 0: 9600 Bd
    })

    test("characters lost by the serial path: an overrun error, the damaged block falls back below 19200", () => {
        const memory = newMemory()
        const { s, t } = toDataPhase(memory)
        const data = block("1.8.0(00001.000*kWh)\r\n")
        data[8] |= 0x80 // the link flags the last character it kept before the loss
        const o = s.receiveBytes(t + 500, data, 10, 37)
        assert.deepEqual(kinds(o.events), ["overrun", "parity"])
        assert.deepEqual(o.events.filter(e => e.type === "readout"), [{ type: "readout", ok: false }])
        assert.equal(memory.baudCap, 9600)
    })

    test("characters the serial service dropped (no mark on what arrives): the block is not taken, even with a matching BCC", () => {
        const memory = newMemory()
        const { s, t } = toDataPhase(memory)
        // the block as it arrives after a gap: its BCC is computed over what arrived, so only the lost count tells
        const arrived = block("1.8.0(00001.000*kWh)\r\n")
        const first = s.receiveBytes(t + 500, arrived.slice(0, 12), 10, 0)
        const rest = s.receiveBytes(t + 510, arrived.slice(12, arrived.length), 20, 300)
        const evs = [...first.events, ...rest.events]
        assert.deepEqual(kinds(evs), ["overrun", "parity"])
        // (data sets go out as they are read; the failed readout tells the publisher to drop them)
        assert.deepEqual(evs.filter(e => e.type === "readout"), [{ type: "readout", ok: false }])
        assert.equal(memory.baudCap, 9600)
    })

    test("lines garbled by a gap are not reported one by one: the overrun and the discarded block say it", () => {
        const memory = newMemory()
        const { s, t } = toDataPhase(memory)
        const data = block("1.8.0(00001.000*kWh)\r\n1.8.1(00002.000*kWh)\r\n1.8.2(00003.000*kWh)\r\n")
        s.receiveBytes(t + 500, data.slice(0, 12), 10, 0)
        // "1.8.0(00001" then, after the gap, ".000*kWh)": a ')' without '(' in the same line
        const gapAt = 12 + "0001".length
        const o = s.receiveBytes(t + 510, Buffer.concat([data.slice(12, 16), data.slice(gapAt + 12, data.length)]), 20, 12)
        assert.deepEqual(kinds(o.events), ["overrun", "parity"])
        assert.deepEqual(o.events.filter(e => e.type === "readout"), [{ type: "readout", ok: false }])
    })

    test("characters lost between two messages do not spoil the next one", () => {
        const memory = newMemory()
        const { s, t } = toDataPhase(memory)
        const before = s.receiveBytes(t + 500, Buffer.alloc(0), 10, 5)
        const o = s.receiveBytes(t + 510, block("1.8.0(00001.000*kWh)\r\n"), 20, 0)
        assert.deepEqual(kinds([...before.events, ...o.events]), ["overrun"])
        assert.deepEqual(o.events.filter(e => e.type === "readout"), [{ type: "readout", ok: true }])
    })

    test("falling behind again after the fallback steps down one baud at a time, not to 300", () => {
        const memory = newMemory()
        const { s, t, sent } = toDataPhase(memory)
        const data = block("1.8.0(00001.000*kWh)\r\n")
        s.receiveBytes(t + 500, data.slice(0, 10), 10, 0)
        let o = s.receiveBytes(t + 505, data.slice(10, data.length), 10, 40)
        assert.deepEqual(o.events.filter(e => e.type === "readout"), [{ type: "readout", ok: false }])
        assert.equal(memory.baudCap, 9600)
        // the same session signs on again at 9600 and falls behind there too
        let now = t + 500
        const events: SessionEvent[] = [...o.events]
        for (let i = 0; i < 6 && o.deadline !== null; i++) {
            now = o.deadline
            o = s.tick(now)
            events.push(...o.events)
            if (o.send.length) sent.push(o.send)
            if (o.send.length && o.send[0] === 0x2f) {
                o = s.receiveBytes(now + 300, bytes("/ABC6BIG\r\n"))
                events.push(...o.events)
            }
            if (o.send.length && o.send[0] === 0x06) break
        }
        assert.deepEqual(sent[sent.length - 1], [0x06, 0x30, 0x35, 0x30, 0x0d, 0x0a]) // ACK 0 5 0: 9600 Bd
        now = o.deadline! - 500 // the data comes well before the response timeout
        s.receiveBytes(now, data.slice(0, 10), 10, 0)
        o = s.receiveBytes(now + 5, data.slice(10, data.length), 10, 40)
        assert.deepEqual(o.events.filter(e => e.type === "readout"), [{ type: "readout", ok: false }])
        assert.equal(memory.baudCap, 4800)
    })

    test("a wait within the bound says nothing and caps nothing", () => {
        const memory = newMemory()
        const { s, t } = toDataPhase(memory)
        const o = s.receiveBytes(t + 500, block("1.8.0(00001.000*kWh)\r\n"), 1400, 0)
        assert.deepEqual(kinds(o.events), [])
        assert.equal(memory.baudCap, 0)
    })
})

/** A watched session at 19200 Bd fed one block (split, `lost` before its second part); runs to its end and returns the diagnosis. */
function diagnosed(fallback: boolean, waitedMs: number, lost: number) {
    const cfg = { ...defaultSessionConfig(), maxBaud: 19200, fallback }
    const w = new WatchedEngine(new Session(cfg, newMemory()), null)
    const e: ByteEngine = w
    const t = signOn(e).t + 500
    const data = block("1.8.0(00001.000*kWh)\r\n")
    e.receiveBytes(t, data.slice(0, 10), 0, 0)
    let o = e.receiveBytes(t + 5, data.slice(10, data.length), waitedMs, lost)
    let finished = o.events.some(ev => ev.type === "finished")
    for (let i = 0; i < 20 && !finished && o.deadline !== null; i++) {
        o = e.tick(o.deadline)
        finished = o.events.some(ev => ev.type === "finished")
    }
    assert.ok(finished, "the session finished")
    return new Diagnoser().session(w.watch, cfg)
}

describe("the diagnosis of a session that fell behind", () => {
    test("characters lost and no fallback: FELL_BEHIND names the baud and what the reader does about it", () => {
        const d = diagnosed(false, 0, 25)
        assert.equal(d.code, "FELL_BEHIND")
        assert.match(d.text, /^The reader fell behind the line at 19200 Bd: characters were lost between the head and the firmware/)
        assert.match(d.text, /nothing of that data was published/)
        assert.match(d.text, /one baud step lower each time until it keeps up/)
    })

    test("characters that waited too long but arrived whole: the readout counts, OK says the reader fell behind", () => {
        assert.deepEqual(diagnosed(false, 1600, 0), {
            code: "OK",
            text: "read, but the reader fell behind the line at 19200 Bd in this session; later sessions sign on one baud step lower until it keeps up",
        })
    })
})
