// The session engine against simulated meters in virtual time: modes, timing
// windows, echo, wake-up, integrity, fallback, push hunt, programming mode.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { ACK } from "../src/core/bytes"
import { newMemory } from "../src/core/memory"
import { TraceEntry } from "../src/sim/index"
import { configFor, expectedSets, testProfile, runSession } from "./helpers/harness"
import { Session } from "../src/core/session"
import { defaultSessionConfig } from "../src/core/defaults"

const BLOCK = "0.0.0(12345678)\r\n1.8.0(00132.149*kWh)\r\n2.8.0(00000.000*kWh)\r\n1.7.0(0001.234*kW)"

type CharEntry = Extract<TraceEntry, { kind: "char" }>
const chars = (t: TraceEntry[]) => t.filter((e): e is CharEntry => e.kind === "char")

/** The timing of a mode C exchange, read off the trace. */
function ackTiming(trace: TraceEntry[]) {
    const cs = chars(trace)
    const ackIdx = cs.findIndex(c => c.dir === "reader" && c.char === ACK)
    assert.ok(ackIdx > 0, "an option select was sent")
    const identEnd = cs.slice(0, ackIdx).filter(c => c.dir === "meter").at(-1)!.at
    const ackChars = cs.slice(ackIdx).filter(c => c.dir === "reader").slice(0, 6)
    const ackEnd = ackChars.at(-1)!.at
    const firstData = cs.slice(ackIdx).find(c => c.dir === "meter")!
    const sw = trace.find(e => e.kind === "uart" && e.at >= cs[ackIdx].start) as { at: number; baud: number } | undefined
    return { identEnd, ackStart: cs[ackIdx].start, ackEnd, dataStart: firstData.start, switchAt: sw?.at, switchBaud: sw?.baud }
}

describe("session: modes", () => {
    for (const mode of ["A", "B", "C", "E"] as const) {
        const ident = { A: "/AEG9ALPHA", B: "/LUGCUH50", C: "/EMH5LZQJ", E: "/ISK5\\2MT372" }[mode]
        const maxBaud = { A: 300, B: 2400, C: 9600, E: 9600 }[mode]
        test(`mode ${mode} reads the whole block`, () => {
            const p = testProfile({ identification: ident, mode, maxBaud, dataBlock: BLOCK })
            const r = runSession(p, configFor(p))
            assert.equal(r.ok, true, r.errors.join("; "))
            assert.deepEqual(r.accepted, expectedSets(p))
            assert.equal(r.stats!.baud, maxBaud)
        })
    }

    test("mode D push at a known setting and found by the hunt (9600 8N1)", () => {
        const p = testProfile({ identification: "/EBZ5DD3BZ06ETA_107", mode: "D", maxBaud: 9600, dataBlock: BLOCK, quirks: { pushIntervalMs: 1000, frame: "bare", pushFormat: "8N1" } })
        const hunted = runSession(p, configFor(p))
        assert.equal(hunted.ok, true, hunted.errors.join("; "))
        assert.deepEqual(hunted.accepted, expectedSets(p))
        assert.deepEqual(hunted.memory.pushUart, { baud: 9600, format: "8N1" })
        const known = runSession(p, configFor(p, { push: { uart: { baud: 9600, format: "8N1" } } }))
        assert.deepEqual(known.accepted, expectedSets(p))
        assert.ok(known.stats!.durationMs < hunted.stats!.durationMs)
    })

    test("forced baud and max baud are respected", () => {
        const p = testProfile({ identification: "/LGZ6ZMD", mode: "C", maxBaud: 19200, dataBlock: BLOCK })
        assert.equal(runSession(p, configFor(p, { maxBaud: 4800 })).stats!.baud, 4800)
        assert.equal(runSession(p, configFor(p, { forceBaud: 2400 })).stats!.baud, 2400)
        assert.equal(runSession(p, configFor(p, { forceMode: "A" })).stats!.baud, 300)
    })
})

describe("session: timing", () => {
    for (const [label, ident, reactionMs] of [
        ["20 ms meter (lowercase)", "/ISk5MT174", 20],
        ["200 ms meter", "/ISK5MT174", 200],
        ["slow 1500 ms meter", "/ELS5A1500", 1500],
    ] as const) {
        test(`ack inside the window and switch between ack and data: ${label}`, () => {
            const p = testProfile({ identification: ident, mode: "C", maxBaud: 9600, dataBlock: BLOCK, quirks: { reactionMs } })
            const r = runSession(p, configFor(p))
            assert.equal(r.ok, true, r.errors.join("; "))
            const t = ackTiming(r.trace)
            const min = ident.charAt(3) === "k" ? 20 : 200
            assert.ok(t.ackStart - t.identEnd >= min, `ack after ${t.ackStart - t.identEnd} ms, minimum ${min}`)
            assert.ok(t.ackStart - t.identEnd <= min + 50, `ack ${t.ackStart - t.identEnd} ms after ident: should be prompt`)
            assert.equal(t.switchBaud, 9600)
            assert.ok(t.switchAt! >= t.ackEnd - 1e-9, "switch after the ack's last byte")
            assert.ok(t.switchAt! <= t.dataStart, "switch before the meter's first data byte")
            assert.ok(t.switchAt! - t.ackEnd < 1, "switch the moment the ack has left the line")
        })
    }

    test("session time is within 3 % of the line minimum on a plain mode C readout", () => {
        const p = testProfile({ identification: "/ISK5MT174", mode: "C", maxBaud: 9600, dataBlock: BLOCK })
        const s = runSession(p, configFor(p)).stats!
        assert.ok(s.durationMs / s.lineMinimumMs <= 1.03, `ratio ${s.durationMs / s.lineMinimumMs}`)
        assert.ok(s.lineMinimumMs > 0 && s.lineMinimumMs <= s.durationMs)
    })

    test("a meter that never answers ends the session with a timeout after the wake-up retry", () => {
        const p = testProfile({ identification: "/ISK5MT174", mode: "C", maxBaud: 9600, dataBlock: BLOCK })
        const r = runSession(p, configFor(p), { noReply: true })
        assert.equal(r.ok, false)
        assert.ok(r.finished)
        assert.match(r.errors.at(-1)!, /^timeout: no answer to the request, even after a wake-up/)
        // request (167 ms) + 2200 ms response + wake-up 2200 + 1600 + request + 2200 response
        assert.ok(r.stats!.durationMs < 9000, `gave up after ${r.stats!.durationMs} ms`)
        const never = runSession(p, configFor(p, { wakeup: "never" }), { noReply: true })
        assert.match(never.errors.at(-1)!, /^timeout: no answer to the request$/)
        assert.ok(never.stats!.durationMs < 2500)
    })
})

describe("session: echo, wake-up, address", () => {
    test("echoing head: every echoed byte is dropped, the readout is intact", () => {
        const p = testProfile({ identification: "/ISK5MT174", mode: "C", maxBaud: 9600, dataBlock: BLOCK, quirks: { echo: true } })
        const r = runSession(p, configFor(p))
        assert.equal(r.ok, true, r.errors.join("; "))
        assert.deepEqual(r.accepted, expectedSets(p))
        assert.equal(r.errors.length, 0)
    })

    test("battery meter: silent to a plain request, woken, and remembered", () => {
        const p = testProfile({ identification: "/KAM3MC402", mode: "C", maxBaud: 2400, dataBlock: BLOCK, quirks: { wakeupRequired: true } })
        const mem = newMemory()
        const first = runSession(p, configFor(p), {}, mem)
        assert.equal(first.ok, true, first.errors.join("; "))
        assert.deepEqual(first.accepted, expectedSets(p))
        assert.equal(mem.needsWakeup, true)
        const second = runSession(p, configFor(p), {}, mem, undefined, 0)
        assert.equal(second.ok, true)
        assert.ok(second.stats!.durationMs < first.stats!.durationMs - 2000, "the second session wakes straight away")
        const nuls = chars(second.trace).filter(c => c.dir === "reader" && c.char === 0)
        const span = nuls.at(-1)!.at - nuls[0].start
        assert.ok(span >= 2100 && span <= 2300, `NUL burst ${span} ms`)
    })

    test("addressed meter answers only its address", () => {
        const p = testProfile({ identification: "/EMH5LZQJ", mode: "C", maxBaud: 9600, dataBlock: BLOCK, address: "12345678", quirks: { addressRequired: true } })
        assert.equal(runSession(p, configFor(p)).ok, true)
        const wrong = runSession(p, configFor(p, { address: "87654321", wakeup: "never" }))
        assert.equal(wrong.ok, false)
        assert.equal(wrong.accepted.length, 0)
    })
})

describe("session: integrity and faults never yield a wrong value", () => {
    const base = { identification: "/ISK5MT174", mode: "C", maxBaud: 9600, dataBlock: BLOCK }

    test("wrong BCC: no data, session fails with a bcc error (fallback off)", () => {
        const p = testProfile({ ...base, quirks: { corruptBcc: true } })
        const r = runSession(p, configFor(p, { fallback: false }))
        assert.equal(r.ok, false)
        assert.deepEqual(r.accepted, [])
        assert.ok(r.errors.some(e => e.startsWith("bcc:")))
    })

    test("parity error in the data: no data", () => {
        const p = testProfile({ ...base, quirks: { parityErrorAt: 8 } })
        const r = runSession(p, configFor(p, { fallback: false }))
        assert.deepEqual(r.accepted, [])
        assert.ok(r.errors.some(e => e.startsWith("parity:")))
    })

    test("meter garbles above 4800: fallback reads it lower, and the cap is remembered", () => {
        const p = testProfile({ ...base, identification: "/AUX6\\2", maxBaud: 19200, quirks: { garbleAboveBaud: 4800 } })
        const mem = newMemory()
        const r = runSession(p, configFor(p), {}, mem)
        assert.equal(r.ok, true, r.errors.join("; "))
        assert.deepEqual(r.accepted, expectedSets(p))
        assert.ok(r.stats!.baud <= 4800)
        assert.ok(r.stats!.retries >= 1)
        const again = runSession(p, configFor(p), {}, mem, undefined, 0)
        assert.equal(again.stats!.retries, 0)
        const off = runSession(p, configFor(p, { fallback: false }))
        assert.equal(off.ok, false)
        assert.deepEqual(off.accepted, [])
    })

    for (const [name, opts] of [
        ["dropped byte", { dropMeterChars: [40] }],
        ["duplicated byte", { duplicateMeterChars: [45] }],
        ["noise burst", { noise: [{ at: 1800, ms: 5 }] }],
    ] as const) {
        test(`${name}: no value is ever wrong`, () => {
            const p = testProfile({ ...base })
            const want = expectedSets(p)
            for (const fallback of [true, false]) {
                const r = runSession(p, configFor(p, { fallback }), opts as never)
                for (const d of r.accepted) assert.ok(want.some(w => JSON.stringify(w) === JSON.stringify(d)), `wrong data set ${JSON.stringify(d)}`)
                if (!r.ok) assert.ok(r.errors.length > 0)
            }
        })
    }

    test("a meter that stops in the middle of its data ends the session with an inter-character timeout", () => {
        const p = testProfile({ ...base })
        const drop: number[] = []
        for (let i = 40; i < 400; i++) drop.push(i)
        const r = runSession(p, configFor(p, { fallback: false }), { dropMeterChars: drop })
        assert.equal(r.ok, false)
        assert.deepEqual(r.accepted, [])
        assert.match(r.errors.at(-1)!, /^timeout: the meter stopped in the middle of a message/)
        const cs = chars(r.trace).filter(c => c.dir === "meter" && c.fault !== "drop")
        const lastArrival = cs.at(-1)!.at
        assert.ok(r.stats!.durationMs - lastArrival >= 1500 && r.stats!.durationMs - lastArrival <= 1700, `gave up ${r.stats!.durationMs - lastArrival} ms after the last character`)
    })

    test("late ack (slow reader) is not possible: the engine answers inside the window even with late delivery", () => {
        const p = testProfile({ ...base, quirks: { lateAck: "silent" } })
        const r = runSession(p, configFor(p), { chunkMs: 50 })
        assert.equal(r.ok, true, r.errors.join("; "))
        assert.deepEqual(r.accepted, expectedSets(p))
    })
})

describe("session: programming mode (read-only)", () => {
    test("password, R1 reads, partial blocks, B0", () => {
        const p = testProfile({
            ...{ identification: "/LGZ5ZMD", mode: "C", maxBaud: 9600, dataBlock: BLOCK },
            registers: { "1.8.0": "00132.149*kWh", "0.0.0": "1234567890123456789012345678" },
            password: "00000000",
            quirks: { partialBlockSize: 10 },
        })
        const r = runSession(p, configFor(p, { programming: { password: "00000000", registers: ["1.8.0", "0.0.0", "9.9.9"], command: "R1" } }))
        const regs = r.events.filter(e => e.event.type === "register").map(e => (e.event as { dataSet: { address: string; values: { text: string }[] } }).dataSet)
        assert.deepEqual(regs.map(d => [d.address, d.values[0].text]), [["1.8.0", "00132.149"], ["0.0.0", "1234567890123456789012345678"]])
        assert.ok(r.errors.some(e => e.startsWith("meter: register 9.9.9")), r.errors.join("; "))
        const sent = chars(r.trace).filter(c => c.dir === "reader").map(c => String.fromCharCode(c.char)).join("")
        assert.ok(sent.includes("\x01B0\x03"), "ends with B0")
        assert.ok(!/\x01[WE]\d/.test(sent), "never writes or executes")
    })

    test("a damaged answer is asked for again with NAK (bounded) and then read correctly; R5 reads", () => {
        const p = testProfile({ identification: "/EMH5LZQJ", mode: "C", maxBaud: 9600, dataBlock: BLOCK, registers: { "1.8.0": "00132.149*kWh" } })
        const cfg = configFor(p, { programming: { password: null, registers: ["1.8.0"], command: "R5" } })
        const clean = runSession(p, cfg)
        assert.equal(clean.ok, true, clean.errors.join("; "))
        // the register answer is the last STX block the meter sends: lose one of its characters on the line
        const meterChars = chars(clean.trace).filter(c => c.dir === "meter")
        const lastStx = meterChars.map(c => c.char).lastIndexOf(0x02)
        const r = runSession(p, cfg, { dropMeterChars: [lastStx + 3] })
        assert.equal(r.ok, true, r.errors.join("; "))
        const reg = r.events.find(e => e.event.type === "register")!.event as { dataSet: { values: { text: string }[] } }
        assert.equal(reg.dataSet.values[0].text, "00132.149")
        assert.equal(r.stats!.retries, 1)
        assert.ok(r.errors.some(e => e.startsWith("bcc:")))
        assert.equal(chars(r.trace).filter(c => c.dir === "reader" && c.char === 0x15).length, 1, "one NAK")
        // a meter whose answers are always damaged: exactly maxRetries NAKs, then give up, no register
        const always = testProfile({ identification: "/EMH5LZQJ", mode: "C", maxBaud: 9600, dataBlock: BLOCK, registers: { "1.8.0": "1*kWh" }, quirks: { corruptBcc: true } })
        const bad = runSession(always, configFor(always, { programming: { password: null, registers: ["1.8.0"], command: "R5" }, maxRetries: 2 }))
        assert.equal(bad.ok, false)
        assert.equal(bad.events.filter(e => e.event.type === "register").length, 0)
        assert.equal(chars(bad.trace).filter(c => c.dir === "reader" && c.char === 0x15).length, 2, "exactly maxRetries NAKs")
    })

    test("wrong password: error, B0, no reads", () => {
        const p = testProfile({ identification: "/LGZ5ZMD", mode: "C", maxBaud: 9600, dataBlock: BLOCK, registers: { "1.8.0": "1*kWh" }, password: "secret" })
        const r = runSession(p, configFor(p, { programming: { password: "wrong", registers: ["1.8.0"], command: "R1" } }))
        assert.ok(r.errors.some(e => e.includes("password")), r.errors.join("; "))
        assert.equal(r.events.filter(e => e.event.type === "register").length, 0)
    })
})

test("the push hunt tries the settings real push meters use first, twelve candidates in all", () => {
    const s = new Session({ ...defaultSessionConfig(), push: { uart: null } }, newMemory())
    const order: string[] = []
    let o = s.start(0)
    let t = 0
    while (o.uart !== null && order.length < 20) {
        order.push(`${o.uart.baud}/${o.uart.format}`)
        // 24 damaged characters after the settle time: this candidate is wrong
        t += 200
        o = s.receive(t, Array(24).fill(0x7f | 0x100))
    }
    assert.deepEqual(order, [
        "2400/7E1", "9600/7E1", "115200/8N1", "2400/8N1", "9600/8N1", "115200/7E1", "300/7E1", "300/8N1", "4800/7E1", "4800/8N1", "19200/7E1", "19200/8N1",
    ])
    assert.ok(o.events.some(e => e.type === "finished" && !e.ok), "gives up after the last")
})
