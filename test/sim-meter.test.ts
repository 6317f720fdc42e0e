// Tests of the simulated meter, its profiles and the virtual line, driven by a
// small scripted reader that lives here (not in src): it sends the request,
// waits for the identification, sends the ack a fixed time after it, switches,
// collects the block and checks its BCC. The real engine is tested elsewhere.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { readFileSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { Engine, Output, SessionEvent, UartSettings } from "../src/core/session-types"
import { ACK, CR, ETX, EOT, LF, NAK, SOH, STX, bcc, decode7E1 } from "../src/core/bytes"
import { DataSet, RX_ERROR_MASK, RX_PARITY_ERROR } from "../src/core/types"
import {
    Profile, SimMeter, VirtualLine, LineOptions, LineResult, TraceEntry, acceptedDataSets, checkProfile,
    expectedData, parseProfile, splitLine, diffDataSets,
} from "../src/sim/index"
import { baudForDigit, baudForLetter } from "../src/core/messages"
import { charMs } from "../src/core/timing"

const PROFILE_DIR = join(__dirname, "..", "profiles")
function profileFile(name: string): any {
    return JSON.parse(readFileSync(join(PROFILE_DIR, name + ".json"), "utf8"))
}
function shippedProfile(name: string, quirks?: any, extra?: any): Profile {
    const o = profileFile(name)
    if (quirks) o.quirks = { ...(o.quirks ?? {}), ...quirks }
    if (extra) Object.assign(o, extra)
    return parseProfile(o)
}

const NO_STATS = {
    durationMs: 0, lineMinimumMs: 0, msAtBaud: {}, mode: null, baud: 0, retries: 0, errors: 0, charsReceived: 0, dataSets: 0,
}

// ---------------------------------------------------------------- scripted reader

interface ReaderOpts {
    requestChar?: string
    address?: string
    /** ms after the identification's end at which the ack goes out */
    ackDelayMs?: number
    maxBaud?: number
    wakeup?: boolean
    /** ms of NULs, and of silence after them */
    wakeMs?: number
    quietMs?: number
    echo?: boolean
    push?: UartSettings
    timeoutMs?: number
    ackV?: string
    /** do not switch the UART in mode B/C (to see garbage) */
    noSwitch?: boolean
    /** mode B: send ACK 0 Z 0 anyway before switching (as aquaticus/esphome-iec62056 does) */
    ackInModeB?: boolean
    programming?: { password: string | null; registers: string[]; command: "R1" | "R5"; nakFirst?: boolean }
}

function ascii(s: string): number[] {
    return Array.from(s, ch => ch.charCodeAt(0))
}

function withBcc(cs: number[]): number[] {
    return [...cs, bcc(cs, 1, cs.length)]
}

class ScriptedReader implements Engine {
    state = "idle"
    buf: number[] = []
    echoQ: number[] = []
    ident = ""
    identEnd = 0
    baud = 300
    regIdx = 0
    regText = ""
    naked = false
    bad = false
    constructor(public o: ReaderOpts = {}) {}

    private out(send: number[], uart: UartSettings | null, deadline: number | null, events: SessionEvent[] = []): Output {
        if (this.o.echo) for (const c of send) this.echoQ.push(c)
        return { send, uart, deadline, events }
    }
    private finish(now: number, ok: boolean, events: SessionEvent[] = []): Output {
        this.state = "done"
        events.push({ type: "finished", ok, stats: { ...NO_STATS, durationMs: now } })
        return this.out([], null, null, events)
    }
    private request(): number[] {
        return ascii("/" + (this.o.requestChar ?? "?") + (this.o.address ?? "") + "!\r\n")
    }
    start(now: number): Output {
        const to = this.o.timeoutMs ?? 4000
        if (this.o.push) {
            this.state = "push"
            return this.out([], this.o.push, now + (this.o.timeoutMs ?? 10000))
        }
        if (this.o.wakeup) {
            this.state = "wake"
            const n = Math.ceil((this.o.wakeMs ?? 2200) / charMs(300))
            return this.out(new Array(n).fill(0), null, now + n * charMs(300) + (this.o.quietMs ?? 1600))
        }
        this.state = "ident"
        return this.out(this.request(), null, now + to)
    }
    tick(now: number): Output {
        if (this.state === "wake") {
            this.state = "ident"
            return this.out(this.request(), null, now + (this.o.timeoutMs ?? 4000))
        }
        if (this.state === "ack") {
            const z = this.identChar()
            const offered = baudForDigit(z)
            let b = Math.min(offered, this.o.maxBaud ?? 19200)
            const zz = "0123456".charAt([300, 600, 1200, 2400, 4800, 9600, 19200].indexOf(b))
            const y = this.o.programming ? "1" : "0"
            this.baud = b
            this.state = this.o.programming ? "p0" : "data"
            this.buf = []
            return this.out([ACK, ...ascii((this.o.ackV ?? "0") + zz + y + "\r\n")],
                this.o.noSwitch ? null : { baud: b, format: "7E1" }, now + 200 + (this.o.timeoutMs ?? 4000))
        }
        return this.finish(now, false, [{ type: "error", error: { kind: "timeout", message: "scripted reader: " + this.state } }])
    }
    private identChar(): string {
        return this.ident.charAt(4)
    }
    receive(now: number, chars: number[]): Output {
        let send: number[] = []
        let uart: UartSettings | null = null
        const events: SessionEvent[] = []
        let deadline: number | null = now + (this.o.timeoutMs ?? 4000)
        for (const c0 of chars) {
            if (this.echoQ.length > 0 && c0 === this.echoQ[0]) {
                this.echoQ.shift()
                continue
            }
            if (this.state === "done") break
            const c = c0
            if (this.state === "ident") {
                if (this.buf.length === 0 && c !== 0x2f) continue
                this.buf.push(c)
                if (c === LF) {
                    this.ident = String.fromCharCode(...this.buf.slice(0, -2).map(x => x & 0x7f))
                    this.identEnd = now
                    this.buf = []
                    events.push({ type: "identification", identification: {
                        manufacturer: this.ident.slice(1, 4), fastReaction: false, baudChar: this.ident.charAt(4),
                        mode: "C", baud: 300, capability: null, ident: this.ident.slice(5) } })
                    const z = this.identChar()
                    if (baudForDigit(z)) {
                        this.state = "ack"
                        deadline = now + (this.o.ackDelayMs ?? 300)
                    } else if (baudForLetter(z)) {
                        this.state = "data"
                        this.baud = baudForLetter(z)
                        if (this.o.ackInModeB) for (const a of [ACK, ...ascii("050\r\n")]) send.push(a)
                        if (!this.o.noSwitch) uart = { baud: this.baud, format: "7E1" }
                    } else this.state = "data"
                }
            } else if (this.state === "data" || this.state === "reg" || this.state === "p0") {
                if (this.buf.length === 0 && c !== STX && c !== SOH && !(this.state !== "data" && (c === ACK || c === NAK))) continue
                this.buf.push(c)
                const n = this.buf.length
                if (n >= 2 && (this.buf[n - 2] === ETX || this.buf[n - 2] === EOT)) {
                    const r = this.block(now)
                    for (const e of r.events) events.push(e)
                    for (const s of r.send) send.push(s)
                    if (r.deadline === null) deadline = null
                }
            } else if (this.state === "ack" && c === STX) {
                // the meter gave up waiting for the ack and reads out at 300: take it
                this.state = "data"
                this.buf = [c]
            } else if (this.state === "pw") {
                this.state = "reg"
                if (c !== ACK) return this.finish(now, false, [...events, { type: "error", error: { kind: "meter", message: "password refused" } }])
                send = this.readNext()
            } else if (this.state === "push") {
                if (c === 0x2f || (c & 0x7f) === 0x2f || this.buf.length > 4000) this.buf = []
                this.buf.push(c)
                const s = String.fromCharCode(...this.buf.map(x => x & 0x7f))
                if ((this.buf[0] & 0x7f) !== 0x2f) continue
                const framed = s.indexOf("\x02") >= 0
                // a DSMR 4/5 telegram ends "!" + four hex digits of CRC-16/ARC over "/" … "!"
                const crcEnd = !framed ? /!([0-9A-F]{4})\r?\n$/.exec(s) : null
                if ((!framed && (s.endsWith("!\r\n") || s.endsWith("!\n") || crcEnd)) || (framed && this.buf[this.buf.length - 2] === ETX)) {
                    const ok = !this.buf.some(x => (x & RX_ERROR_MASK) !== 0) &&
                        (!framed || bcc(this.buf, s.indexOf("\x02") + 1, this.buf.length - 1) === this.buf[this.buf.length - 1]) &&
                        (!crcEnd || crcArc(s.slice(0, s.lastIndexOf("!") + 1)) === parseInt(crcEnd[1], 16))
                    const nl = s.indexOf("\n")
                    this.ident = s.slice(0, nl).replace("\r", "")
                    const body = framed ? s.slice(s.indexOf("\x02") + 1, s.lastIndexOf("!")) : s.slice(nl + 1, s.lastIndexOf("!"))
                    for (const e of this.parse(body)) events.push(e)
                    events.push({ type: "readout", ok })
                    return this.finish(now, ok, events)
                }
            }
            if (this.state === "done") return this.out(send, uart, null, events)
        }
        return this.out(send, uart, deadline, events)
    }
    private parse(body: string): SessionEvent[] {
        const ev: SessionEvent[] = []
        for (const line of body.split("\n")) {
            const l = line.replace("\r", "")
            if (!l) continue
            const ds = splitLine(l)
            if (!ds) continue
            const prev = ev.length ? (ev[ev.length - 1] as { dataSet: DataSet }).dataSet : null
            const lastText = prev ? prev.values[prev.values.length - 1].text : ""
            // DSMR 2.2: "(00054.386)" alone after "…(m3)" is that header's reading in m3
            if (prev && prev.values.length >= 2 && /^[A-Za-z][^*]{0,7}$/.test(lastText) && prev.values[prev.values.length - 1].unit === null &&
                ds.length === 1 && ds[0].address === "" && ds[0].values.length === 1 && ds[0].values[0].unit === null) {
                prev.values.push({ text: ds[0].values[0].text, number: null, unit: lastText })
                continue
            }
            for (const d of ds)
                ev.push({ type: "dataSet", dataSet: { address: d.address, values: d.values.map(v => ({ text: v.text, number: null, unit: v.unit })) } })
        }
        return ev
    }
    private readNext(): number[] {
        const p = this.o.programming!
        if (this.regIdx >= p.registers.length) {
            this.state = "bye"
            return withBcc([SOH, ...ascii("B0"), ETX])
        }
        this.regText = ""
        return withBcc([SOH, ...ascii(p.command), STX, ...ascii(p.registers[this.regIdx] + "()"), ETX])
    }
    private block(now: number): { events: SessionEvent[]; send: number[]; deadline: number | null } {
        const b = this.buf
        this.buf = []
        const n = b.length
        const clean = !b.some(x => (x & RX_ERROR_MASK) !== 0) && bcc(b, 1, n - 1) === b[n - 1]
        const text = String.fromCharCode(...b.slice(b[0] === SOH ? b.indexOf(STX) + 1 : 1, n - 2).map(x => x & 0x7f))
        if (this.state === "data") {
            const ev = clean ? this.parse(text.slice(0, text.lastIndexOf("!"))) : []
            ev.push({ type: "readout", ok: clean })
            this.finish(now, clean, ev)
            return { events: ev, send: [], deadline: null }
        }
        if (this.state === "p0") {
            const p = this.o.programming!
            if (p.password !== null) {
                this.state = "pw"
                return { events: [], send: withBcc([SOH, ...ascii("P1"), STX, ...ascii("(" + p.password + ")"), ETX]), deadline: 0 }
            }
            this.state = "reg"
            return { events: [], send: this.readNext(), deadline: 0 }
        }
        // register block
        const p = this.o.programming!
        if (!clean || (p.nakFirst && !this.naked)) {
            this.naked = true
            return { events: [], send: [NAK], deadline: 0 }
        }
        this.regText += text
        if (b[n - 2] === EOT) return { events: [], send: [ACK], deadline: 0 }
        const ds = splitLine(this.regText)
        const ev: SessionEvent[] = []
        if (ds && ds.length === 1 && ds[0].address !== "") ev.push({ type: "register", address: p.registers[this.regIdx], dataSet: {
            address: ds[0].address, values: ds[0].values.map(v => ({ text: v.text, number: null, unit: v.unit })) } })
        else ev.push({ type: "error", error: { kind: "meter", message: this.regText } })
        this.regIdx++
        const send = this.readNext()
        if (this.state === "bye") {
            this.finish(now, true, ev)
            return { events: ev, send, deadline: null }
        }
        return { events: ev, send, deadline: 0 }
    }
}

// ---------------------------------------------------------------- helpers

/** CRC-16/ARC (poly 0x8005 reflected, init 0), bit by bit from its definition: the test's own reference */
function crcArc(text: string): number {
    let crc = 0
    for (let i = 0; i < text.length; i++) {
        crc ^= text.charCodeAt(i)
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1
    }
    return crc
}

function session(p: Profile, ro: ReaderOpts = {}, lo: LineOptions = {}, startMs = 0): { r: LineResult; meter: SimMeter; line: VirtualLine } {
    const meter = new SimMeter(p, 0)
    const line = new VirtualLine(meter, lo)
    const r = line.run(new ScriptedReader({ echo: p.quirks.echo, ...ro }), startMs)
    return { r, meter, line }
}

function chars(tr: TraceEntry[], dir: "reader" | "meter") {
    return tr.filter(e => e.kind === "char" && e.dir === dir) as Extract<TraceEntry, { kind: "char" }>[]
}

function flat(p: Profile, rc?: string): { address: string; values: string[] }[] {
    return expectedData(p, rc).dataSets.map(d => ({ address: d.address, values: d.values.map(v => v.raw) }))
}

function received(r: LineResult) {
    return acceptedDataSets(r.events)
}

function readoutOk(r: LineResult): boolean | null {
    const e = r.events.find(x => x.event.type === "readout")
    return e ? (e.event as any).ok : null
}

/** feed characters into a meter directly, back to back from t0; returns the end time */
function feed(m: SimMeter, t0: number, cs: number[], baud = 300): number {
    let t = t0
    for (const c of cs) {
        t += charMs(baud)
        m.receive(t, c, baud, "7E1")
    }
    return t
}

function allOut(m: SimMeter) {
    return m.takeOutput(1e12)
}

const REQ = ascii("/?!\r\n")
const near = (a: number, b: number) => Math.abs(a - b) < 1e-6

// ---------------------------------------------------------------- tests

describe("profiles", () => {
    const files = readdirSync(PROFILE_DIR).filter(f => f.endsWith(".json")).sort()
    test("at least 12 shipped profiles, each with a source", () => {
        assert.ok(files.length >= 12, `${files.length} profiles`)
        for (const f of files) {
            const o = JSON.parse(readFileSync(join(PROFILE_DIR, f), "utf8"))
            const r = checkProfile(o)
            assert.deepEqual(r.errors, [], f)
            assert.ok(r.profile!.source.length > 10, f + " source")
        }
    })

    for (const f of files) {
        const name = f.slice(0, -5)
        test(`${name}: scripted session yields exactly the expected data`, () => {
            const p = shippedProfile(name)
            const exp = expectedData(p)
            assert.deepEqual(exp.skipped, [], "profile lines must be well formed")
            assert.ok(exp.dataSets.length > 0)
            let ro: ReaderOpts = {}
            if (p.mode === "D") ro = { push: { baud: p.maxBaud, format: p.quirks.pushFormat } }
            if (p.quirks.wakeupRequired) ro.wakeup = true
            if (p.quirks.garbleAboveBaud) ro.maxBaud = p.quirks.garbleAboveBaud
            const { r } = session(p, ro, { timeLimitMs: 900000 })
            assert.equal(r.finished, true, name + " finished")
            assert.equal(r.ok, true, name + " ok")
            assert.deepEqual(received(r), flat(p))
        })
    }

    test("UH50 answers /#! with its extended block after a wake-up", () => {
        const p = shippedProfile("lgz-uh50")
        const { r } = session(p, { wakeup: true, requestChar: "#" })
        assert.equal(r.ok, true)
        assert.deepEqual(received(r), flat(p, "#"))
        assert.ok(flat(p, "#").length > flat(p).length)
        assert.ok(received(r).some(d => d.address === "9.4" && d.values[0] === "088*C&082*C"))
    })

    test("energomera CE301 programming mode: P0, P1 password, R1 with partial blocks, B0", () => {
        const p = shippedProfile("energomera-ce301")
        const regs = ["ET0PE", "VOLTA", "SNUMB", "NOPE_"]
        const { r, meter } = session(p, { programming: { password: "777777", registers: regs, command: "R1" } })
        assert.equal(r.ok, true)
        const got = r.events.filter(e => e.event.type === "register").map(e => (e.event as any).dataSet)
        assert.deepEqual(got.map((d: any) => [d.address, d.values[0].text]), [
            ["ET0PE", "0001234.567"], ["VOLTA", "229.81"], ["SNUMB", "011234567141234567"]])
        assert.ok(r.events.some(e => e.event.type === "error" && (e.event as any).error.message === "(ERROR)"))
        // partial blocks: the 16-char chunks end in EOT
        const eots = chars(r.trace, "meter").filter(c => c.char === EOT)
        assert.ok(eots.length >= 2, "partial blocks seen")
        assert.ok(meter.notes.some(n => n.what === "B0: session ends"))
    })
})

describe("meter timing", () => {
    test("identification starts reactionMs after the request's end, at 300 baud; data at the new baud reactionMs after the ack", () => {
        const p = shippedProfile("iskra-mt372")
        const { r } = session(p, { ackDelayMs: 300 })
        const rd = chars(r.trace, "reader")
        const mt = chars(r.trace, "meter")
        const reqEnd = rd[4].at
        assert.ok(near(mt[0].start, reqEnd + 200))
        assert.equal(mt[0].baud, 300)
        assert.equal(mt[0].char, 0x2f)
        const identEnd = mt.find(c => c.char === LF)!.at
        const ack = rd.slice(5)
        assert.equal(ack[0].char, ACK)
        assert.ok(near(ack[0].start, identEnd + 300))
        const ackEnd = ack[5].at
        const stx = mt.find(c => c.char === STX)!
        assert.ok(near(stx.start, ackEnd + 200))
        assert.equal(stx.baud, 9600)
        assert.ok(near(stx.at - stx.start, 10000 / 9600))
        assert.equal(readoutOk(r), true)
    })

    test("each character takes exactly 10 bit times and follows the previous one", () => {
        const p = shippedProfile("iskra-mt174")
        const { r } = session(p)
        const mt = chars(r.trace, "meter")
        for (let i = 1; i < mt.length; i++) {
            assert.ok(near(mt[i].at - mt[i].start, 10000 / mt[i].baud))
            assert.ok(mt[i].start >= mt[i - 1].at - 1e-9)
        }
    })

    test("ack window: uppercase meter ignores an ack before 200 ms, accepts at 200 ms and up to 1500 ms", () => {
        const mk = () => new SimMeter(shippedProfile("iskra-mt372"), 0)
        const probe = (delay: number) => {
            const m = mk()
            const reqEnd = feed(m, 0, REQ)
            const out = allOut(m)
            const identEnd = out[out.length - 1].at
            assert.ok(near(out[0].start, reqEnd + 200))
            const ackEnd = feed(m, identEnd + delay, [ACK, ...ascii("050\r\n")])
            m.tick(ackEnd + 5000)
            const data = allOut(m)
            return { m, data, ackEnd }
        }
        const early = probe(199)
        assert.ok(early.m.notes.some(n => n.what.includes("before the minimum")))
        assert.equal(early.data[0].baud, 300, "no ack accepted -> 300 readout fallback")
        const atMin = probe(200)
        assert.equal(atMin.data[0].baud, 9600)
        assert.ok(near(atMin.data[0].start, atMin.ackEnd + 200))
        const atMax = probe(1500)
        assert.equal(atMax.data[0].baud, 9600)
        const late = probe(1501)
        assert.equal(late.data[0].baud, 300)
        assert.ok(late.m.notes.some(n => n.what.includes("no ack in the window")))
    })

    test("lowercase third letter: the ack is accepted from 20 ms", () => {
        const m = new SimMeter(shippedProfile("iskra-mt174"), 0)
        assert.equal(m.ackMinMs(), 20)
        const reqEnd = feed(m, 0, REQ)
        const out = allOut(m)
        assert.ok(near(out[0].start, reqEnd + 20), "MT174 model reacts in 20 ms")
        const identEnd = out[out.length - 1].at
        feed(m, identEnd + 20, [ACK, ...ascii("050\r\n")])
        const data = allOut(m)
        assert.equal(data[0].baud, 9600)
        const m2 = new SimMeter(shippedProfile("iskra-mt174"), 0)
        feed(m2, 0, REQ)
        const o2 = allOut(m2)
        feed(m2, o2[o2.length - 1].at + 19, [ACK, ...ascii("050\r\n")])
        assert.ok(m2.notes.some(n => n.what.includes("before the minimum")))
    })

    test("early ack ignored, a second ack inside the window is accepted", () => {
        const m = new SimMeter(shippedProfile("iskra-mt372"), 0)
        feed(m, 0, REQ)
        const out = allOut(m)
        const identEnd = out[out.length - 1].at
        const e1 = feed(m, identEnd + 10, [ACK, ...ascii("050\r\n")])
        feed(m, e1 + 300, [ACK, ...ascii("040\r\n")])
        const data = allOut(m)
        assert.equal(data[0].baud, 4800)
    })

    test("late ack: MT174 falls back to a 300 baud readout, the reader that switched sees garbage", () => {
        const p = shippedProfile("iskra-mt174")
        const { r, meter } = session(p, { ackDelayMs: 1510 })
        const data = chars(r.trace, "meter").filter(c => c.char === STX)
        assert.equal(data[0].baud, 300)
        assert.notEqual(readoutOk(r), true)
        assert.deepEqual(received(r), [])
        assert.ok(meter.notes.some(n => n.what === "no ack in the window: readout at 300"))
        // a reader that stays at 300 (no switch) reads the fallback readout
        const r2 = session(p, { ackDelayMs: 1600, noSwitch: true }).r
        assert.equal(readoutOk(r2), true)
        assert.deepEqual(received(r2), flat(p))
    })

    test("late ack: ZMD310 (lateAck silent) says nothing more", () => {
        const p = shippedProfile("lgz-zmd310")
        const { r, meter } = session(p, { ackDelayMs: 1700 })
        const mt = chars(r.trace, "meter")
        assert.equal(mt[mt.length - 1].char, LF, "only the identification was sent")
        assert.equal(r.ok, false)
        assert.ok(meter.notes.some(n => n.what === "no ack in the window: silent"))
    })

    test("an ack that starts inside the window but ends after it is accepted", () => {
        const m = new SimMeter(shippedProfile("iskra-mt372"), 0)
        feed(m, 0, REQ)
        const out = allOut(m)
        const identEnd = out[out.length - 1].at
        // the driver ticks the meter at its deadline while the ack is still arriving
        let t = identEnd + 1490
        for (const c of [ACK, ...ascii("050\r\n")]) {
            t += charMs(300)
            const d = m.nextDeadline()
            if (d !== null && d <= t) m.tick(d)
            m.receive(t, c, 300, "7E1")
        }
        const data = allOut(m)
        assert.equal(data[0].baud, 9600)
    })

    test("mode A: data at 300 right after the identification; mode B: at the letter's baud, no ack", () => {
        const a = session(shippedProfile("elster-a1500")).r
        const am = chars(a.trace, "meter")
        const lf = am.findIndex(c => c.char === LF)
        assert.equal(am[lf + 1].char, STX)
        assert.equal(am[lf + 1].baud, 300)
        assert.ok(near(am[lf + 1].start, am[lf].at + 300), "A1500 reactionMs 300")
        assert.equal(chars(a.trace, "reader").length, 5, "no ack sent")
        const b = session(shippedProfile("lgz-uh50"), { wakeup: true }).r
        const bm = chars(b.trace, "meter")
        const stx = bm.find(c => c.char === STX)!
        assert.equal(stx.baud, 2400)
        assert.equal(b.ok, true)
    })

    test("mode B: an ACK the reader sends anyway is ignored (the meter is already sending)", () => {
        const p = shippedProfile("lgz-uh50")
        const { r } = session(p, { wakeup: true, ackInModeB: true })
        assert.equal(r.ok, true)
        assert.deepEqual(received(r), flat(p))
        const ack = chars(r.trace, "reader").find(c => c.char === ACK)!
        const stx = chars(r.trace, "meter").find(c => c.char === STX)!
        assert.ok(ack.at < stx.start, "the ack left before the data began")
    })

    test("mode E: ACK 2 Z 2 (HDLC) makes the meter go quiet", () => {
        const { r, meter } = session(shippedProfile("iskra-mt372"), { ackV: "2" })
        assert.equal(chars(r.trace, "meter").filter(c => c.char === STX).length, 0)
        assert.ok(meter.notes.some(n => n.what.includes("HDLC")))
    })
})

describe("addressing and request characters", () => {
    test("wrong address -> silence; own address and general request answered", () => {
        const p = shippedProfile("emh-lzqj")
        const wrong = session(p, { address: "12345678" })
        assert.equal(chars(wrong.r.trace, "meter").length, 0)
        assert.ok(wrong.meter.notes.some(n => n.what.includes("is not mine")))
        const own = session(p, { address: "05296170" })
        assert.equal(own.r.ok, true)
        assert.deepEqual(received(own.r), flat(p))
        assert.equal(session(p).r.ok, true)
    })

    test("addressRequired: the general request gets silence", () => {
        const p = shippedProfile("emh-lzqj", { addressRequired: true })
        assert.equal(chars(session(p).r.trace, "meter").length, 0)
        assert.equal(session(p, { address: "05296170" }).r.ok, true)
    })

    test("request characters the meter does not know get silence", () => {
        const p = shippedProfile("iskra-mt174")
        assert.equal(chars(session(p, { requestChar: "#" }).r.trace, "meter").length, 0)
        assert.equal(chars(session(shippedProfile("lgz-uh50"), { requestChar: "2", wakeup: true }).r.trace, "meter").length, 0)
    })
})

describe("wake-up", () => {
    const p = () => shippedProfile("lgz-uh50")
    test("battery meter ignores a plain request", () => {
        const { r } = session(p())
        assert.equal(chars(r.trace, "meter").length, 0)
        assert.equal(r.ok, false)
    })
    test("2.2 s of NULs then 1.6 s quiet -> answered", () => {
        const { r, meter } = session(p(), { wakeup: true })
        assert.equal(r.ok, true)
        assert.ok(meter.notes.some(n => n.what === "woken by NULs"))
    })
    test("NULs for less than 2.0 s do not wake it", () => {
        const { r } = session(p(), { wakeup: true, wakeMs: 1900 })
        assert.equal(chars(r.trace, "meter").length, 0)
    })
    test("a request sooner than 1.4 s after the last NUL is ignored; 1.4 s is enough", () => {
        const early = session(p(), { wakeup: true, quietMs: 1300 })
        assert.equal(chars(early.r.trace, "meter").length, 0)
        assert.ok(early.meter.notes.some(n => n.what.includes("too soon")))
        assert.equal(session(p(), { wakeup: true, quietMs: 1400 }).r.ok, true)
    })
    test("a request after the wake window (5 s) is ignored", () => {
        const { r } = session(p(), { wakeup: true, quietMs: 5200 })
        assert.equal(chars(r.trace, "meter").length, 0)
    })
    test("a gap of 0.5 s or more restarts the NUL run", () => {
        const m = new SimMeter(p(), 0)
        let t = feed(m, 0, new Array(40).fill(0)) // 1.33 s
        t = feed(m, t + 500, new Array(40).fill(0)) // another 1.33 s after a 0.5 s gap
        feed(m, t + 1500, REQ)
        assert.equal(allOut(m).length, 0)
        const m2 = new SimMeter(p(), 0)
        let t2 = feed(m2, 0, new Array(40).fill(0))
        t2 = feed(m2, t2 + 450, new Array(40).fill(0))
        feed(m2, t2 + 1500, REQ)
        assert.ok(allOut(m2).length > 0)
    })
    test("asleep again after the session: a second request needs a new wake-up", () => {
        const meter = new SimMeter(p(), 0)
        const line = new VirtualLine(meter, {})
        const r1 = line.run(new ScriptedReader({ wakeup: true }), 0)
        assert.equal(r1.ok, true)
        const r2 = line.run(new ScriptedReader({}), r1.endMs + 10000)
        assert.equal(chars(r2.trace, "meter").length, 0)
        const r3 = line.run(new ScriptedReader({ wakeup: true }), r2.endMs + 1000)
        assert.equal(r3.ok, true)
    })
})

describe("silence after a readout", () => {
    test("readout budget: the Kamstrup-style meter goes silent after its budget", () => {
        const meter = new SimMeter(shippedProfile("kamstrup-battery", { readoutBudget: 2, silentAfterReadoutMs: 0 }), 0)
        const line = new VirtualLine(meter, {})
        let t = 0
        const oks: boolean[] = []
        for (let i = 0; i < 3; i++) {
            const r = line.run(new ScriptedReader({ wakeup: true }), t)
            oks.push(r.ok)
            t = r.endMs + 1000
        }
        assert.deepEqual(oks, [true, true, false])
        assert.ok(meter.notes.some(n => n.what === "readout budget used up: silent"))
    })
    test("Holley: a second request within 3 s is ignored, later answered", () => {
        const meter = new SimMeter(shippedProfile("holley-dtsd545"), 0)
        const line = new VirtualLine(meter, {})
        const r1 = line.run(new ScriptedReader({}), 0)
        assert.equal(r1.ok, true)
        const r2 = line.run(new ScriptedReader({}), r1.endMs + 1000)
        assert.equal(chars(r2.trace, "meter").length, 0)
        assert.ok(meter.notes.some(n => n.what.includes("silence after readout")))
        const r3 = line.run(new ScriptedReader({}), r2.endMs + 3000)
        assert.equal(r3.ok, true)
    })
})

describe("push meters (mode D)", () => {
    test("eBZ DD3 pushes every 1000 ms from its offset, bare frames at 9600", () => {
        const p = shippedProfile("ebz-dd3")
        const m = new SimMeter(p, 0)
        for (let t = 0; t <= 3500; t += 50) m.tick(t)
        const out = m.takeOutput(1e9)
        const starts = out.filter(c => c.char === 0x2f).map(c => c.start)
        assert.deepEqual(starts, [350, 1350, 2350, 3350])
        assert.ok(out.every(c => c.baud === 9600))
        const s = String.fromCharCode(...out.slice(0, 40).map(c => c.char))
        assert.ok(s.startsWith("/EBZ5DD3BZ06ETA_107\r\n\r\n1-0:0.0.0*255("))
        assert.ok(!out.some(c => c.char === STX || c.char === ETX))
    })

    test("a reader joining mid-telegram resynchronises on the next '/'", () => {
        const p = shippedProfile("ebz-dd3")
        const meter = new SimMeter(p, 0)
        const line = new VirtualLine(meter, {})
        const r = line.run(new ScriptedReader({ push: { baud: 9600, format: "7E1" } }), 500)
        assert.equal(r.ok, true)
        assert.deepEqual(received(r), flat(p))
        assert.ok(r.endMs > 1350)
    })

    test("EasyMeter Q3D sends LF-only lines", () => {
        const m = new SimMeter(shippedProfile("easymeter-q3d"), 0)
        m.tick(1200)
        const out = m.takeOutput(1e9)
        assert.ok(out.some(c => c.char === LF))
        const cr = out.filter(c => c.char === CR).length
        assert.equal(cr, 1, "only the identification ends in CR LF")
    })

    test("framed push: STX .. ! CR LF ETX BCC with a correct BCC", () => {
        const p = shippedProfile("ebz-dd3", { frame: "framed" })
        const m = new SimMeter(p, 0)
        m.tick(350)
        const cs = m.takeOutput(1e9).map(c => c.char)
        const stx = cs.indexOf(STX)
        const etx = cs.indexOf(ETX)
        assert.equal(cs.length, etx + 2)
        assert.equal(cs[etx + 1], bcc(cs, stx + 1, etx + 1))
        assert.equal(session(p, { push: { baud: 9600, format: "7E1" } }).r.ok, true)
    })

    test("8N1 push: a 7E1 reader sees parity errors, an 8N1 reader reads it clean", () => {
        const p = shippedProfile("ebz-dd3", { pushFormat: "8N1" })
        const r7 = session(p, { push: { baud: 9600, format: "7E1" } }).r
        assert.equal(r7.ok, false)
        const r8 = session(p, { push: { baud: 9600, format: "8N1" } }).r
        assert.equal(r8.ok, true)
        assert.deepEqual(received(r8), flat(p))
    })

    test("a push meter left alone for an hour catches up fast and keeps its phase", () => {
        const p = shippedProfile("ebz-dd3")
        const meter = new SimMeter(p, 0)
        const line = new VirtualLine(meter, {})
        const r = line.run(new ScriptedReader({ push: { baud: 9600, format: "7E1" } }), 3600000 + 500)
        assert.equal(r.ok, true)
        assert.deepEqual(received(r), flat(p))
        const first = chars(r.trace, "meter").find(c => c.char === 0x2f)!
        assert.ok(near(first.start % 1000, 350), "pushes stay on the 1000 ms grid from the 350 ms offset")
        assert.ok(meter.pushes < 10, `${meter.pushes} telegrams generated`)
    })

    test("a push meter ignores requests", () => {
        const m = new SimMeter(shippedProfile("ebz-dd3", { pushOffsetMs: 100000 }), 0)
        feed(m, 0, REQ)
        assert.equal(m.nextOutput(), null)
    })
})

describe("integrity quirks", () => {
    test("the readout's BCC is the XOR after STX through ETX", () => {
        const { r } = session(shippedProfile("iskra-mt372"))
        const cs = chars(r.trace, "meter").map(c => c.char)
        const stx = cs.indexOf(STX)
        const etx = cs.lastIndexOf(ETX)
        assert.equal(cs[etx + 1], bcc(cs, stx + 1, etx + 1))
        assert.equal(etx + 2, cs.length)
        assert.deepEqual(cs.slice(etx - 3, etx).map(c => String.fromCharCode(c)).join(""), "!\r\n")
    })

    test("corruptBcc sends a wrong BCC; corruptBcc: 1 only the first block", () => {
        const p = shippedProfile("iskra-mt372", { corruptBcc: true })
        const { r } = session(p)
        const cs = chars(r.trace, "meter").map(c => c.char)
        const stx = cs.indexOf(STX)
        const etx = cs.lastIndexOf(ETX)
        assert.notEqual(cs[etx + 1], bcc(cs, stx + 1, etx + 1))
        assert.equal(readoutOk(r), false)
        assert.deepEqual(received(r), [])
        const meter = new SimMeter(shippedProfile("iskra-mt372", { corruptBcc: 1 }), 0)
        const line = new VirtualLine(meter, {})
        assert.equal(line.run(new ScriptedReader({}), 0).ok, false)
        assert.equal(line.run(new ScriptedReader({}), 30000).ok, true)
    })

    test("parityErrorAt flips the parity of exactly that data character", () => {
        const p = shippedProfile("iskra-mt372", { parityErrorAt: 8 })
        const { r } = session(p)
        const mt = chars(r.trace, "meter")
        const stx = mt.findIndex(c => c.char === STX)
        const bad = mt.filter(c => c.rx !== null && (c.rx & RX_PARITY_ERROR) !== 0)
        assert.equal(bad.length, 1)
        assert.equal(bad[0], mt[stx + 8])
        assert.equal(decode7E1(bad[0].wire) & 0x7f, bad[0].char)
        assert.equal(readoutOk(r), false)
    })

    test("garbleAboveBaud: AUX data at 9600 is garbled, at 4800 clean", () => {
        const p = shippedProfile("aux-mode-e")
        const hi = session(p).r
        assert.notEqual(readoutOk(hi), true)
        assert.deepEqual(received(hi), [])
        assert.ok(chars(hi.trace, "meter").some(c => c.rx !== null && (c.rx & RX_PARITY_ERROR) !== 0))
        const lo = session(p, { maxBaud: 4800 }).r
        assert.equal(lo.ok, true)
        assert.deepEqual(received(lo), flat(p))
    })

    test("ZMD120AP garbles everything above 300; ACK 0 0 0 reads it", () => {
        const p = shippedProfile("lgz-zmd120ap")
        assert.notEqual(readoutOk(session(p).r), true)
        assert.equal(session(p, { maxBaud: 2400 }).r.ok, false)
        assert.equal(session(p, { maxBaud: 300 }).r.ok, true)
    })

    test("ACE3000 sends 0x7F garbage before the identification", () => {
        const { r } = session(shippedProfile("itron-ace3000"))
        const mt = chars(r.trace, "meter")
        assert.deepEqual(mt.slice(0, 6).map(c => c.char), [0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x2f])
        assert.equal(r.ok, true)
    })
})

describe("line", () => {
    test("characters at the wrong baud arrive as garbage (reader does not switch in mode B)", () => {
        const p = shippedProfile("lgz-uh50")
        const { r } = session(p, { wakeup: true, noSwitch: true, timeoutMs: 3000 })
        const data = chars(r.trace, "meter").filter(c => c.baud === 2400)
        assert.ok(data.length > 100)
        assert.ok(data.every(c => c.fault === "garbage"))
        const delivered = data.filter(c => c.rx !== null)
        assert.ok(delivered.length < data.length / 4, "a 300 baud UART sees about one char per 8 at 2400")
        assert.ok(delivered.some(c => ((c.rx as number) & RX_ERROR_MASK) !== 0))
        assert.equal(readoutOk(r), null)
        // deterministic
        const again = session(p, { wakeup: true, noSwitch: true, timeoutMs: 3000 }).r
        assert.deepEqual(again.trace, r.trace)
    })

    test("echo: the reader's own characters come back when the profile says so", () => {
        const p = shippedProfile("lgz-zmd120ap")
        const { r } = session(p, { maxBaud: 300 })
        const rd = chars(r.trace, "reader")
        assert.ok(rd.length > 0 && rd.every(c => c.rx === c.char))
        const noEcho = session(shippedProfile("iskra-mt372")).r
        assert.ok(chars(noEcho.trace, "reader").every(c => c.rx === null))
        const forced = session(shippedProfile("iskra-mt372"), { echo: true }, { echo: true }).r
        assert.ok(chars(forced.trace, "reader").every(c => c.rx === c.char))
        assert.equal(forced.ok, true)
    })

    test("the UART switch applies when the ack's last character has left the line", () => {
        const { r } = session(shippedProfile("iskra-mt372"))
        const u = (r.trace.filter(e => e.kind === "uart") as any[]).slice(1)
        assert.deepEqual(r.trace[0], { kind: "uart", at: 0, baud: 300, format: "7E1" }, "the run starts by recording the UART")
        assert.equal(u.length, 1)
        const lastAck = chars(r.trace, "reader")[10]
        assert.ok(near(u[0].at, lastAck.at))
        assert.equal(u[0].baud, 9600)
    })

    test("same-instant characters are batched; chunkMs coalesces deliveries", () => {
        const p = shippedProfile("iskra-mt372")
        const calls: number[][] = []
        class Spy extends ScriptedReader {
            override receive(now: number, cs: number[]) {
                calls.push([now, cs.length])
                return super.receive(now, cs)
            }
        }
        const meter = new SimMeter(p, 0)
        new VirtualLine(meter, {}).run(new Spy(), 0)
        assert.ok(calls.every(c => c[1] === 1))
        const n1 = calls.length
        calls.length = 0
        new VirtualLine(new SimMeter(p, 0), { chunkMs: 20 }).run(new Spy(), 0)
        assert.ok(calls.every(c => c[0] % 20 === 0))
        assert.ok(calls.length < n1 / 2)
        assert.ok(calls.some(c => c[1] > 1))
    })

    test("fault: dropped meter character -> the block fails", () => {
        const p = shippedProfile("iskra-mt372")
        const base = session(p).r
        const stxIdx = chars(base.trace, "meter").findIndex(c => c.char === STX)
        const { r } = session(p, {}, { dropMeterChars: [stxIdx + 20] })
        assert.equal(chars(r.trace, "meter")[stxIdx + 20].fault, "drop")
        assert.equal(readoutOk(r), false)
    })

    test("fault: duplicated meter character -> the block fails", () => {
        const p = shippedProfile("iskra-mt372")
        const stxIdx = chars(session(p).r.trace, "meter").findIndex(c => c.char === STX)
        const { r } = session(p, {}, { duplicateMeterChars: [stxIdx + 20] })
        assert.equal(readoutOk(r), false)
    })

    test("fault: noise burst corrupts what is on the line and adds garbage", () => {
        const p = shippedProfile("iskra-mt372")
        const base = session(p).r
        const stx = chars(base.trace, "meter").find(c => c.char === STX)!
        const { r } = session(p, {}, { noise: [{ at: stx.at + 20, ms: 15 }] })
        assert.ok(chars(r.trace, "meter").some(c => c.fault === "noise"))
        assert.equal(readoutOk(r), false)
        // noise on an idle line before the request produces garbage characters at the reader
        const idle = session(p, {}, { noise: [{ at: 0, ms: 100 }] }).r
        assert.ok(idle.trace.some(e => e.kind === "noise"))
    })

    test("fault: no reply -> the reader times out", () => {
        const { r, meter } = session(shippedProfile("iskra-mt372"), {}, { noReply: true })
        assert.equal(r.ok, false)
        assert.equal(r.finished, true)
        assert.equal(chars(r.trace, "meter").length, 0)
        assert.equal(meter.readouts, 0)
    })

    test("an engine that keeps asking for a past deadline is stopped, not looped forever", () => {
        class Busy implements Engine {
            start(now: number): Output { return { send: [], uart: null, deadline: now - 1, events: [] } }
            receive(now: number): Output { return { send: [], uart: null, deadline: now - 1, events: [] } }
            tick(now: number): Output { return { send: [], uart: null, deadline: now - 1, events: [] } }
        }
        const r = new VirtualLine(new SimMeter(shippedProfile("iskra-mt372"), 0), {}).run(new Busy(), 0)
        assert.equal(r.stalled, true)
        assert.equal(r.finished, false)
    })

    test("time limit stops a run that never finishes", () => {
        class Mute implements Engine {
            start(now: number): Output { return { send: [], uart: null, deadline: now + 1e9, events: [] } }
            receive(): Output { return { send: [], uart: null, deadline: null, events: [] } }
            tick(): Output { return { send: [], uart: null, deadline: null, events: [] } }
        }
        const r = new VirtualLine(new SimMeter(shippedProfile("ebz-dd3"), 0), { timeLimitMs: 5000 }).run(new Mute(), 0)
        assert.equal(r.finished, false)
        assert.ok(r.endMs <= 5000)
    })

    test("deterministic: the same inputs give the same trace", () => {
        for (const name of ["iskra-mt174", "lgz-uh50", "ebz-dd3", "energomera-ce301"]) {
            const p = shippedProfile(name)
            const ro: ReaderOpts = p.mode === "D" ? { push: { baud: 9600, format: "7E1" } } : { wakeup: p.quirks.wakeupRequired }
            const lo: LineOptions = { noise: [{ at: 1000, ms: 50 }] }
            const a = session(p, ro, lo).r
            const b = session(p, ro, lo).r
            assert.equal(JSON.stringify(a), JSON.stringify(b))
        }
    })
})

describe("programming mode", () => {
    const regs = { password: "777777", registers: ["ET0PE", "TIME_"], command: "R1" as const }
    test("P0 operand after ACK 0 Z 1, framed SOH P0 STX (operand) ETX BCC", () => {
        const { r } = session(shippedProfile("energomera-ce301"), { programming: regs })
        const mt = chars(r.trace, "meter")
        const cs = mt.map(c => c.char)
        const soh = cs.indexOf(SOH)
        const etx = cs.indexOf(ETX, soh)
        assert.equal(String.fromCharCode(...cs.slice(soh + 1, etx)), "P0\x02(00000000)")
        assert.equal(cs[etx + 1], bcc(cs, soh + 1, etx + 1))
        assert.equal(mt[soh].baud, 9600)
    })
    test("reader NAK -> the meter repeats the last block", () => {
        const { r, meter } = session(shippedProfile("energomera-ce301"), { programming: { ...regs, nakFirst: true } })
        assert.equal(r.ok, true)
        assert.ok(meter.notes.some(n => n.what.includes("repeating")))
        const got = r.events.filter(e => e.event.type === "register").map(e => (e.event as any).dataSet.values[0].text)
        assert.deepEqual(got, ["0001234.567", "10:15:30"])
    })
    test("wrong password -> NAK (or B0 with wrongPassword break)", () => {
        const a = session(shippedProfile("energomera-ce301"), { programming: { ...regs, password: "000000" } })
        assert.equal(a.r.ok, false)
        assert.ok(a.meter.notes.some(n => n.what === "wrong password: NAK"))
        const b = session(shippedProfile("energomera-ce301", { wrongPassword: "break" }), { programming: { ...regs, password: "000000" } })
        assert.ok(b.meter.notes.some(n => n.what === "wrong password: B0"))
        // the reader gave up at the first character; the rest is still on its way
        const cs = [...chars(b.r.trace, "meter").map(c => c.char), ...b.meter.takeOutput(1e12).map(c => c.char)]
        assert.equal(String.fromCharCode(...cs.slice(-5, -1)), "\x01B0\x03")
        assert.equal(cs[cs.length - 1], 0x71, "B0 BCC is 'q'")
    })
    test("R5 reads like R1; a command with a bad BCC gets NAK", () => {
        const r = session(shippedProfile("energomera-ce301"), { programming: { ...regs, command: "R5" } }).r
        assert.equal(r.events.filter(e => e.event.type === "register").length, 2)
        const m = new SimMeter(shippedProfile("energomera-ce301"), 0)
        feed(m, 0, REQ)
        const id = allOut(m)
        const ackEnd = feed(m, id[id.length - 1].at + 300, [ACK, ...ascii("051\r\n")])
        const p0 = allOut(m)
        assert.equal(p0[0].char, SOH)
        const bad = [SOH, ...ascii("R1"), STX, ...ascii("ET0PE()"), ETX, 0]
        feed(m, p0[p0.length - 1].at + 50, bad, 9600)
        const ans = allOut(m)
        assert.deepEqual(ans.map(c => c.char), [NAK])
        assert.ok(ackEnd > 0)
    })
    test("EMH LZQJ: R5 reads without a password (no P1)", () => {
        const { r } = session(shippedProfile("emh-lzqj"), { programming: { password: null, registers: ["F.F", "1.8.0"], command: "R5" } })
        assert.equal(r.ok, true)
        const got = r.events.filter(e => e.event.type === "register").map(e => (e.event as any).dataSet)
        assert.deepEqual(got.map((d: any) => [d.address, d.values[0].text, d.values[0].unit]), [["F.F", "00000000", null], ["1.8.0", "0023581.223", "kWh"]])
        assert.equal(chars(r.trace, "reader").filter(c => c.char === SOH).length, 3, "R5, R5, B0")
    })
    test("programming mode times out after programmingTimeoutMs", () => {
        const m = new SimMeter(shippedProfile("energomera-ce301"), 0)
        feed(m, 0, REQ)
        const id = allOut(m)
        feed(m, id[id.length - 1].at + 300, [ACK, ...ascii("051\r\n")])
        allOut(m)
        m.tick(1e6)
        assert.equal(m.stateName(), "idle")
    })
})

describe("profile validation", () => {
    test("every error is collected and names the field and what it accepts", () => {
        const r = checkProfile({
            name: 5, identification: "ISK5", mode: "Z", maxBaud: 1000, dataBlock: "1.8.0(1)\r\n!",
            quirks: { reactionMs: -1, frame: "round", lateAck: "maybe", leadingGarbage: [300], bogus: 1, corruptBcc: "yes" },
            registers: { "1.8.0": 5 }, colour: "red",
        })
        assert.equal(r.profile, null)
        const want = [
            /^name: must be a string/, /^identification: must start with "\/"/, /^mode: must be one of "A", "B", "C", "D", "E"/,
            /^maxBaud: must be one of 300, 600/, /^dataBlock: must not contain "!"/, /^quirks\.reactionMs: must be a whole number from 0 to 1500/,
            /^quirks\.frame: must be one of "bare", "framed"/, /^quirks\.lateAck: must be one of "readout300", "silent"/,
            /^quirks\.leadingGarbage: must be a list/, /^quirks\.bogus: unknown field/, /^quirks\.corruptBcc: must be true, false/,
            /^registers\.1\.8\.0: must be a printable string/, /^colour: unknown field/, /^source: required/,
        ]
        for (const w of want) assert.ok(r.errors.some(e => w.test(e)), `missing ${w} in\n${r.errors.join("\n")}`)
    })
    test("identification and baud must agree", () => {
        const base = { name: "x", dataBlock: "1.8.0(1)\r\n", source: "s" }
        const e1 = checkProfile({ ...base, identification: "/ABC5X", mode: "C", maxBaud: 4800 }).errors
        assert.ok(e1.some(e => e.startsWith("maxBaud: must be 9600")))
        const e2 = checkProfile({ ...base, identification: "/ABC5X", mode: "B", maxBaud: 9600 }).errors
        assert.ok(e2.some(e => e.startsWith("identification: mode B needs a baud letter")))
        const e3 = checkProfile({ ...base, identification: "/ABC5X", mode: "E", maxBaud: 9600 }).errors
        assert.ok(e3.some(e => e.includes('mode E needs "\\2"')))
        assert.deepEqual(checkProfile({ ...base, identification: "/ABCE12", mode: "B", maxBaud: 9600 }).errors, [])
    })
    test("defaults are filled", () => {
        const p = parseProfile({ name: "x", identification: "/ABC5X", mode: "C", maxBaud: 9600, dataBlock: "1.8.0(1)\r\n", source: "s" })
        assert.equal(p.quirks.reactionMs, 200)
        assert.equal(p.quirks.ackWindowMs, 1500)
        assert.equal(p.quirks.lateAck, "readout300")
        assert.equal(p.quirks.echo, false)
        assert.equal(p.requestChars, "?")
        assert.equal(p.address, null)
        assert.throws(() => parseProfile({ name: "y" }), /profile y: identification: required/)
    })
    test("expected data: several data sets per line, multiple values, empty values", () => {
        assert.deepEqual(splitLine("6.8(0029.055*MWh)6.26(01589.28*m3)"), [
            { address: "6.8", values: [{ raw: "0029.055*MWh", text: "0029.055", unit: "MWh" }] },
            { address: "6.26", values: [{ raw: "01589.28*m3", text: "01589.28", unit: "m3" }] }])
        assert.deepEqual(splitLine("1.6.0(0003.456*kW)(2311210915)")![0].values.map(v => v.raw), ["0003.456*kW", "2311210915"])
        assert.deepEqual(splitLine("6.8.1()")![0].values, [{ raw: "", text: "", unit: null }])
        // Actaris ACE5SMLCD with a ")" missing: the "(" starts the next value, as the decoder reads it (issue 12 item 8)
        assert.deepEqual(splitLine("C.1(12880041.0(22:48 18-11-13)"), [
            { address: "C.1", values: [{ raw: "12880041.0", text: "12880041.0", unit: null }, { raw: "22:48 18-11-13", text: "22:48 18-11-13", unit: null }] }])
    })
    test("diffDataSets compares as sent, treats an empty unit as none, names every difference", () => {
        const exp = expectedData(shippedProfile("itron-ace3000")).dataSets
        const got = exp.map(d => ({ address: d.address, values: d.values.map(v => ({ text: v.text, number: null, unit: v.unit === "" ? null : v.unit })) }))
        assert.deepEqual(diffDataSets(exp, got), [])
        const bad = got.slice(0, 3).map(d => ({ ...d }))
        bad[1] = { address: "C.1", values: [{ text: "1126120053322354", number: null, unit: null }] }
        assert.deepEqual(diffDataSets(exp, bad), ['#1 C.1 value 0: "1126120053322354", expected "1126120053322353"', "#3: missing 1.8.0"])
    })
})
