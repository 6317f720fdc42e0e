// Falling behind the line on the chip, end to end through the native Serial service's host build:
// a D0 data block at 19200 Bd 7E1 goes into the service (native/build/serial-host, virtual time,
// the ESP32's 10 ms loop) while the consumer takes each report at 2 ms per byte (a quarter of the
// line's rate, the slow end of issue 16's estimate for an ESP32). The service's ring overflows;
// it drops the oldest bytes and tells the total in an unsolicited status_code report (0x1103) ahead of the data
// after the gap. What it delivered is then fed to the engine the way the firmware link does,
// with `lost` = the growth of the reported total: the session must say "overrun", must not take
// the damaged block as a good readout, and must cap the next sign-ons at 9600 Bd.
import { test, describe } from "node:test"
import { privateSerialHost } from "./helpers/serial-host"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { newMemory } from "../src/core/memory"
import { Output, SessionEvent } from "../src/core/session-types"
import { errorKinds as kinds, toDataPhase } from "./helpers/data-phase"

const serialHost = privateSerialHost()

/** STX, 120 data lines, "!", CR LF, ETX, BCC: 2766 bytes, 1.44 s at 19200 Bd 7E1. */
function dataBlock(): Buffer {
    let body = ""
    for (let i = 0; i < 120; i++) body += `1.8.${i % 10}(${String(1000 + i * 37).padStart(6, "0")}.${String(i * 7).padStart(3, "0")}*kWh)\r\n`
    body += "!\r\n\x03"
    let bcc = 0
    for (let i = 0; i < body.length; i++) bcc ^= body.charCodeAt(i)
    return Buffer.from("\x02" + body + String.fromCharCode(bcc), "latin1")
}

/** A stream script: the block at 19200 7E1 into the service, 10 ms loop, the consumer at 2 ms per byte. */
function script(block: Buffer): string {
    const lines = ["set baudRate 19200", "set dataBits 7", "set parityMode even", "poll 10ms", "consumer 2ms"]
    for (let i = 0; i < block.length; i += 64) {
        let t = ""
        for (const b of block.subarray(i, i + 64)) t += b <= 0x20 || b === 0x5c || b >= 0x7f ? "\\x" + b.toString(16).padStart(2, "0") : String.fromCharCode(b)
        lines.push("rxt " + t)
    }
    return lines.join("\n") + "\n"
}

type Report = { atUs: number; data: Buffer } | { atUs: number; dropped: number }

/** The service's reports in the order it sent them (`-t`), and its own count of dropped bytes (`-s`). */
function runService(input: string): { reports: Report[]; rxDropped: number } {
    const r = spawnSync(serialHost(), ["-t", "-s"], { input, encoding: "utf8" })
    assert.equal(r.status, 0, r.stderr)
    const reports: Report[] = []
    let rxDropped = -1
    for (const line of r.stdout.split("\n")) {
        let m = /^@(\d+) dropped (\d+)$/.exec(line)
        if (m) reports.push({ atUs: +m[1], dropped: +m[2] })
        else if ((m = /^@(\d+) ([0-9a-f]+)$/.exec(line))) reports.push({ atUs: +m[1], data: Buffer.from(m[2], "hex") })
        else if ((m = /^# rx_errors=\d+ rx_dropped=(\d+) /.exec(line))) rxDropped = +m[1]
        else assert.equal(line, "", `unexpected output line ${line}`)
    }
    return { reports, rxDropped }
}

describe("the native service with a consumer slower than the line", () => {
    test("19200 Bd D0 block, consumer at 2 ms per byte: the drops are told before the data after them, and the session reads them as an overrun", () => {
        const block = dataBlock()
        assert.equal(block.length, 2766)
        const { reports, rxDropped } = runService(script(block))

        // the service: every byte fed is either delivered or told as dropped, and it told them all
        const delivered = reports.reduce((n, r) => n + ("data" in r ? r.data.length : 0), 0)
        const drops = reports.filter((r): r is { atUs: number; dropped: number } => "dropped" in r)
        assert.ok(drops.length >= 1, "the consumer was not slow enough to overflow the service")
        const told = drops[drops.length - 1].dropped
        assert.equal(delivered + told, 2766)
        assert.equal(told, rxDropped)
        // the block's end survives (the oldest bytes go first): the last report ends with "!\r\n", ETX, BCC
        const last = reports[reports.length - 1]
        assert.ok("data" in last && last.data.subarray(-5).equals(block.subarray(-5)))
        // each data report is the block's bytes after everything delivered and dropped before it (found by
        // content: every 236-byte stretch of the block is unique); when bytes were dropped since the last
        // data report, a drop report came in between, so the reader knew of the gap before these bytes
        let end = 0 // where the last data report ended in the block
        let deliveredSoFar = 0
        let toldSoFar = 0
        let toldAtLastData = 0
        for (let i = 0; i < reports.length; i++) {
            const r = reports[i]
            if ("dropped" in r) {
                assert.ok(i > 0 && "data" in reports[i - 1], "a drop report not after data")
                toldSoFar = r.dropped
                continue
            }
            const at = block.indexOf(r.data, end)
            assert.ok(at >= end, `report ${i} is not the block's bytes in order`)
            const droppedBefore = at - deliveredSoFar // bytes dropped before these, since the start
            assert.ok(droppedBefore >= toldSoFar && droppedBefore <= told, `report ${i}: ${droppedBefore} dropped before it, ${toldSoFar} told`)
            if (droppedBefore > toldAtLastData) assert.ok(toldSoFar > toldAtLastData, `report ${i} follows an untold gap`)
            end = at + r.data.length
            deliveredSoFar += r.data.length
            toldAtLastData = toldSoFar
        }
        assert.equal(end, 2766)

        // the engine, fed as the firmware link feeds it: each data report as it comes, lost = the growth of the total
        const memory = newMemory()
        const { s, t, sent } = toDataPhase(memory)
        assert.deepEqual(sent[1], [0x06, 0x30, 0x36, 0x30, 0x0d, 0x0a]) // ACK 0 6 0: 19200 Bd
        const events: SessionEvent[] = []
        let out: Output | null = null
        let lastTotal = 0
        let pending = 0
        let lostFed = 0
        let overrunAt = -1
        for (const r of reports) {
            const now = t + 500 + Math.floor(r.atUs / 1000)
            // the firmware's loop: expired deadlines are ticks before the next characters
            while (out !== null && out.deadline !== null && out.deadline <= now) {
                out = s.tick(out.deadline)
                events.push(...out.events)
            }
            if ("dropped" in r) {
                pending += (r.dropped - lastTotal) & 0xffff // totals modulo 65536, as the link counts them
                lastTotal = r.dropped
                continue
            }
            out = s.receiveBytes(now, r.data, 0, pending)
            lostFed += pending
            pending = 0
            if (overrunAt < 0 && kinds(out.events).includes("overrun")) overrunAt = lostFed
            events.push(...out.events)
        }
        assert.equal(lostFed, told)
        assert.equal(kinds(events).filter(k => k === "overrun").length, 1)
        assert.equal(kinds(events)[0], "overrun")
        assert.ok(overrunAt > 0, "the overrun was said with the first data after a told gap")
        // the damaged block is not a good readout: none of its data sets reach the publisher as good
        assert.deepEqual(events.filter(e => e.type === "readout"), [{ type: "readout", ok: false }])
        assert.equal(memory.baudCap, 9600)
        // and the next sign-on asks for 9600 Bd
        const next = toDataPhase(memory)
        assert.deepEqual(next.sent[1], [0x06, 0x30, 0x35, 0x30, 0x0d, 0x0a]) // ACK 0 5 0: 9600 Bd
    })
})
