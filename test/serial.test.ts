// Over a real tty: a socat pty pair, the paced meter server (tools/serial) on one
// end, and on the other end (a) raw reads that check the pacing and (b) the
// engine (src/core Session) driven by wall-clock time over serialport for a full
// readout. Needs socat: CI installs it (.ci/run); elsewhere the tests skip and
// say so. In CI a missing socat is a failure, not a skip.
import { test } from "node:test"
import assert from "node:assert/strict"
import { performance } from "node:perf_hooks"
import { testProfile, configFor, expectedSets, runSession } from "./helpers/harness"
import { newMemory } from "../src/core/memory"
import { encode7E1, ascii } from "../src/core/bytes"
import { openPtyPair, socatMissing } from "../tools/serial/pty"
import { PacedMeter } from "../tools/serial/paced-meter"
import { openPort, closePort, runEngineOnPort } from "../tools/serial/engine-port"
import { setBaud } from "../tools/serial/baud"

const missing = socatMissing()
if (missing && process.env.CI) throw new Error(`serial tests: ${missing}; .ci/run should have installed it`)
const skip = missing ? `SKIPPED: ${missing}` : false

// a short mode C meter at 9600 with a 20 ms reaction time: about 0.8 s per session
const meter9600 = () =>
    testProfile({
        identification: "/ABc5SERIALTEST",
        mode: "C",
        maxBaud: 9600,
        dataBlock: "0.0.0(12345678)\r\n1.8.0(0001234.567*kWh)\r\n2.8.0(0000012.345*kWh)\r\n1.7.0(00.456*kW)\r\n1.6.0(0001.234*kW)(2611221830)\r\n",
        quirks: { reactionMs: 20 },
    })

async function withPair<T>(fn: (meterPath: string, readerPath: string) => Promise<T>): Promise<T> {
    const pair = await openPtyPair()
    try {
        return await fn(pair.meterPath, pair.readerPath)
    } finally {
        await pair.close()
    }
}

test("the meter server paces characters at the baud in force (300 baud ident, 9600 data)", { skip, timeout: 20000 }, async () => {
    await withPair(async (mPath, rPath) => {
        const p = meter9600()
        const mp = await openPort(mPath)
        const rp = await openPort(rPath)
        const m = new PacedMeter(p, mp, { peerPath: rPath })
        const arrivals: { t: number; b: number }[] = []
        rp.on("data", (d: Buffer) => {
            const t = performance.now()
            for (const b of d) arrivals.push({ t, b })
        })
        m.start()
        const t0 = performance.now()
        const send = (s: string) => new Promise<void>(r => rp.write(Buffer.from(ascii(s).map(encode7E1)), () => rp.drain(() => r())))
        await send("/?!\r\n")
        // ident: 17 characters at 300 baud = 567 ms, starting 20 ms after the request's 5 characters (167 ms)
        while (!arrivals.some(a => a.b === 0x0a)) await new Promise(r => setTimeout(r, 5))
        const identEnd = arrivals[arrivals.length - 1].t - t0
        assert.ok(identEnd >= 167 + 20 + 567 - 5, `ident ended at ${identEnd.toFixed(0)} ms, too early: not paced (meter wrote up to ${m.stats.maxLateMs.toFixed(1)} ms late)`)
        assert.ok(identEnd <= 167 + 20 + 567 + 60, `ident ended at ${identEnd.toFixed(0)} ms, too late`)
        const identChars = arrivals.length
        // ack for 9600, then switch this end (the pty does not care, the meter's pacing does)
        await new Promise(r => setTimeout(r, 25))
        await send("\x06050\r\n")
        const ackSent = performance.now()
        await setBaud(rp, rPath, 9600)
        while (!arrivals.some((a, i) => i >= identChars && a.b === 0x03)) await new Promise(r => setTimeout(r, 5))
        await new Promise(r => setTimeout(r, 20))
        const stx = arrivals.findIndex((a, i) => i >= identChars && a.b === 0x82)
        assert.ok(stx > 0, `no STX after the identification: ${Buffer.from(arrivals.map(a => a.b)).toString("hex")}`)
        const data = arrivals.slice(stx)
        const notes = m.meter.notes.map(n => `${n.at.toFixed(0)} ms ${n.what}`).join("; ")
        const spanMs = data[data.length - 1].t - data[0].t
        const want = ((data.length - 1) * 10000) / 9600
        // an unpaced pty delivers it all at once; a busy machine can make the meter late and bunch some up
        assert.ok(spanMs >= want * 0.6, `data of ${data.length} chars took ${spanMs.toFixed(1)} ms, line minimum ${want.toFixed(1)}: not paced (meter wrote up to ${m.stats.maxLateMs.toFixed(1)} ms late)`)
        assert.ok(spanMs <= want * 1.25 + 25, `data of ${data.length} chars took ${spanMs.toFixed(1)} ms, line minimum ${want.toFixed(1)}: too slow (meter: ${notes})`)
        // the data starts after the ack's 6 characters at 300 baud (200 ms) + the reaction time
        const firstData = data[0].t - ackSent
        assert.ok(firstData >= 200 + 20 - 5, `data began ${firstData.toFixed(0)} ms after the ack was written (${identChars} ident chars, STX at ${stx})`)
        assert.equal(m.stats.baudMismatches, 0, "the meter sent while the reader's port had another baud")
        m.stop()
        await closePort(rp)
        await closePort(mp)
    })
})

test("a full readout through the engine over the pty: exact values, near the line minimum", { skip, timeout: 30000 }, async () => {
    await withPair(async (mPath, rPath) => {
        const p = meter9600()
        const mp = await openPort(mPath)
        const rp = await openPort(rPath)
        const m = new PacedMeter(p, mp, { peerPath: rPath })
        m.start()
        const r = await runEngineOnPort(rp, configFor(p), newMemory(), 20000)
        m.stop()
        await closePort(rp)
        await closePort(mp)
        assert.ok(r.finished && r.ok, `session did not finish ok: ${r.errors.join("; ")}`)
        assert.deepEqual(r.accepted, expectedSets(p))
        assert.equal(r.stats!.baud, 9600)
        const virtual = runSession(p, configFor(p))
        const ratio = r.stats!.durationMs / virtual.stats!.lineMinimumMs
        assert.ok(ratio >= 0.97 && ratio < 1.25, `wall session ${r.stats!.durationMs.toFixed(1)} ms vs line minimum ${virtual.stats!.lineMinimumMs.toFixed(1)} ms (ratio ${ratio.toFixed(3)})`)
        assert.equal(m.stats.baudMismatches, 0)
    })
})

test("a 7-bit line (as a 7E1 port delivers it) carries a readout too", { skip, timeout: 30000 }, async () => {
    await withPair(async (mPath, rPath) => {
        const p = meter9600()
        const mp = await openPort(mPath)
        const rp = await openPort(rPath)
        const m = new PacedMeter(p, mp, { format: "7bit" })
        const got: number[] = []
        rp.on("data", (d: Buffer) => got.push(...d))
        m.start()
        rp.write(Buffer.from("/?!\r\n"))
        const t0 = Date.now()
        while (!got.includes(0x0a) && Date.now() - t0 < 3000) await new Promise(r => setTimeout(r, 5))
        m.stop()
        await closePort(rp)
        await closePort(mp)
        assert.equal(Buffer.from(got).toString("latin1"), "/ABc5SERIALTEST\r\n")
    })
})
