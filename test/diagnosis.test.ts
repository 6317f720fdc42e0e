// Every diagnosis code, produced by a scenario of the simulated head and meter
// on the virtual line: the session (or the self-test) runs wrapped in the
// WatchedEngine, and the diagnosis is made from what the line did.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { Session } from "../src/core/session"
import { newMemory, ReaderMemory } from "../src/core/memory"
import { SessionConfig } from "../src/core/session-types"
import { WatchedEngine } from "../src/core/watched"
import { Diagnoser, Diagnosis } from "../src/core/diagnosis"
import { SelfTest } from "../src/core/selftest"
import { LineTrace, traceText } from "../src/core/trace"
import { SimMeter } from "../src/sim/meter"
import { VirtualLine, LineOptions } from "../src/sim/line"
import { withHeadFault } from "../src/sim/head-faults"
import { Profile } from "../src/sim/profiles"
import { configFor, testProfile } from "./helpers/harness"

const BLOCK = "0.0.0(12345678)\r\n1.8.0(00132.149*kWh)"
const MODE_C = { identification: "/ABC5METER1", mode: "C", maxBaud: 9600, dataBlock: BLOCK }

interface Ran {
    ok: boolean
    d: Diagnosis
    trace: string
}

/** Sessions one after another against one meter, each diagnosed by one Diagnoser. */
class Bench {
    diag = new Diagnoser()
    memory: ReaderMemory = newMemory()
    meter: SimMeter
    t = 0

    constructor(public p: Profile, public cfg: SessionConfig, public opts: LineOptions = {}) {
        this.meter = new SimMeter(p, 0)
    }

    run(): Ran {
        const trace = new LineTrace(512)
        const w = new WatchedEngine(new Session(this.cfg, this.memory), trace)
        const r = new VirtualLine(this.meter, { ...this.opts, timeLimitMs: this.t + 120000 }).run(w, this.t)
        assert.equal(r.finished, true, "the session finished")
        this.t = r.endMs + 10000
        return { ok: r.ok, d: this.diag.session(w.watch, this.cfg), trace: traceText(trace, "") }
    }
}

function once(p: Profile, cfg: SessionConfig, opts: LineOptions = {}): Ran {
    return new Bench(p, cfg, opts).run()
}

describe("diagnosis after a session", () => {
    test("a good session is OK", () => {
        const p = testProfile(MODE_C)
        const r = once(p, configFor(p))
        assert.equal(r.ok, true)
        assert.deepEqual(r.d, { code: "OK", text: "read" })
    })

    test("NO_SIGNAL: a head with RX and TX swapped (no echo, no answer)", () => {
        const p = testProfile({ ...MODE_C, quirks: { echo: true } })
        const r = once(p, configFor(p), withHeadFault("swapped"))
        assert.equal(r.ok, false)
        assert.equal(r.d.code, "NO_SIGNAL")
        assert.match(r.d.text, /swapped/)
        assert.match(r.d.text, /self-test/)
    })

    test("NO_SIGNAL says the head echoed before when it did", () => {
        const p = testProfile({ ...MODE_C, quirks: { echo: true } })
        const b = new Bench(p, configFor(p))
        assert.equal(b.run().d.code, "OK")
        b.opts = withHeadFault("swapped")
        const r = b.run()
        assert.equal(r.d.code, "NO_SIGNAL")
        assert.match(r.d.text, /saw its own light in earlier sessions/)
    })

    test("METER_SILENT: the meter's port is disabled; the head echoes; a wake-up was tried", () => {
        const p = testProfile(MODE_C)
        const r = once(p, configFor(p), withHeadFault("portDisabled"))
        assert.equal(r.d.code, "METER_SILENT")
        assert.match(r.d.text, /switched the optical port off/)
        assert.match(r.d.text, /a wake-up \(NULs\) was tried and did not help/)
    })

    test("METER_SILENT: an addressed meter asked without its address (WAKEUP=never says so)", () => {
        const p = testProfile({ ...MODE_C, address: "12345678", quirks: { echo: true, addressRequired: true } })
        const r = once(p, configFor(p, { address: "", wakeup: "never" }))
        assert.equal(r.d.code, "METER_SILENT")
        assert.match(r.d.text, /METER_ADDRESS is empty/)
        assert.match(r.d.text, /WAKEUP=never/)
    })

    test("RX_HELD: a flooded phototransistor (continuous breaks)", () => {
        const p = testProfile(MODE_C)
        const r = once(p, configFor(p), withHeadFault("flooded"))
        assert.equal(r.ok, false)
        assert.equal(r.d.code, "RX_HELD")
        assert.match(r.d.text, /sunlight/)
    })

    test("FORMAT_MISMATCH: PUSH_UART 9600/7E1 against a 9600 8N1 push meter", () => {
        const p = testProfile({ identification: "/EBZ5DD3", mode: "D", maxBaud: 9600, dataBlock: BLOCK, quirks: { pushIntervalMs: 1000, frame: "bare", pushFormat: "8N1" } })
        const r = once(p, configFor(p, { push: { uart: { baud: 9600, format: "7E1" } } }))
        assert.equal(r.ok, false)
        assert.equal(r.d.code, "FORMAT_MISMATCH")
        assert.match(r.d.text, /PUSH_UART/)
    })

    test("BAUD_SWITCH_FAILED: the meter garbles everything above 300 Bd and the fallback is off", () => {
        const p = testProfile({ ...MODE_C, quirks: { garbleAboveBaud: 300 } })
        const r = once(p, configFor(p, { fallback: false }))
        assert.equal(r.d.code, "BAUD_SWITCH_FAILED")
        assert.match(r.d.text, /after switching to 9600 Bd the data was garbled/)
        assert.match(r.d.text, /BAUD_FALLBACK=false/)
        assert.match(r.d.text, /MAX_BAUD=300/)
    })

    test("with the fallback on, the same meter reads at 300 and OK says which MAX_BAUD skips the retries", () => {
        const p = testProfile({ ...MODE_C, quirks: { garbleAboveBaud: 300 } })
        const r = once(p, configFor(p))
        assert.equal(r.ok, true)
        assert.deepEqual(r.d, { code: "OK", text: "read at 300 Bd after the data at 9600 Bd was unreadable; MAX_BAUD=300 skips the failed attempt" })
    })

    test("BCC_ERRORS: now and then; says how often and that nothing was published", () => {
        // mode A: no baud switch, so a damaged block is not taken for a baud problem
        const p = testProfile({ identification: "/AEGGALPHA", mode: "A", maxBaud: 300, dataBlock: BLOCK, quirks: { corruptBcc: 1 } })
        const b = new Bench(p, configFor(p))
        const first = b.run()
        assert.equal(first.ok, false)
        assert.equal(first.d.code, "BCC_ERRORS")
        assert.match(first.d.text, /^1 block\(s\) this session arrived with a wrong check character \(BCC errors in 1 of the last 1 sessions\); nothing from them was published/)
        assert.equal(b.run().d.code, "OK")
        b.p.quirks.corruptBcc = true
        const third = b.run()
        assert.equal(third.d.code, "BCC_ERRORS")
        assert.match(third.d.text, /BCC errors in 2 of the last 3 sessions/)
    })

    test("METER_ERROR: the meter ends the session on a wrong password (B0)", () => {
        const p = testProfile({ ...MODE_C, registers: { "1.8.0": "00132.149*kWh" }, password: "secret", quirks: { wrongPassword: "break" } })
        const r = once(p, configFor(p, { programming: { password: "wrong", registers: ["1.8.0"], command: "R1" } }))
        assert.equal(r.ok, false)
        assert.equal(r.d.code, "METER_ERROR")
        assert.match(r.d.text, /B0/)
    })

    test("INCOMPLETE: the meter's end of block (ETX) never arrives", () => {
        const p = testProfile({ identification: "/AEGGALPHA", mode: "A", maxBaud: 300, dataBlock: BLOCK })
        // the meter sends "/AEGGALPHA" CR LF STX BLOCK CR LF "!" CR LF ETX BCC: the ETX is its character number
        const etx = "/AEGGALPHA\r\n".length + 1 + BLOCK.length + 2 + 3
        const r = once(p, configFor(p), { dropMeterChars: [etx] })
        assert.equal(r.ok, false)
        assert.equal(r.d.code, "INCOMPLETE")
        assert.match(r.d.text, /timeout/)
    })
})

/** The self-test on the virtual line with a meter behind the head. */
function selfTest(p: Profile, opts: LineOptions, echoedBefore = false): Diagnosis {
    const st = new SelfTest()
    const r = new VirtualLine(new SimMeter(p, 0), { ...opts, timeLimitMs: 60000 }).run(st, 0)
    assert.equal(r.finished, true)
    return st.verdict(echoedBefore)
}

describe("head self-test", () => {
    const p = testProfile(MODE_C)

    test("HEAD_OK: the head sees its own light and RX rests", () => {
        assert.equal(selfTest(p, { echo: true }).code, "HEAD_OK")
    })

    test("NO_ECHO: no light back and nothing else known: says it cannot tell", () => {
        const d = selfTest(p, withHeadFault("swapped"))
        assert.equal(d.code, "NO_ECHO")
        assert.match(d.text, /cannot tell more/)
    })

    test("NO_SIGNAL: no light back from a head that echoed in earlier sessions", () => {
        assert.equal(selfTest(p, withHeadFault("swapped"), true).code, "NO_SIGNAL")
    })

    test("RX_HELD: breaks while nothing is sent", () => {
        assert.equal(selfTest(p, withHeadFault("flooded")).code, "RX_HELD")
    })

    test("RX_BUSY: a push meter talks while we are silent", () => {
        const push = testProfile({ identification: "/EBZ5DD3", mode: "D", maxBaud: 300, dataBlock: BLOCK, quirks: { pushIntervalMs: 500, pushOffsetMs: 0, frame: "bare", pushFormat: "7E1" } })
        assert.equal(selfTest(push, { echo: false }).code, "RX_BUSY")
    })

    test("the self-test sends only its probe, which no meter takes for a request", () => {
        const st = new SelfTest()
        const r = new VirtualLine(new SimMeter(p, 0), { echo: true, timeLimitMs: 60000 }).run(st, 0)
        const sent = r.trace.filter(e => e.kind === "char" && e.dir === "reader").map(e => (e as { char: number }).char)
        assert.deepEqual(sent, [0x55, 0x55, 0x55, 0x55])
        assert.equal(r.trace.some(e => e.kind === "char" && e.dir === "meter"), false)
    })
})
