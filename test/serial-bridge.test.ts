// The serial bridge over a real tty (socat pty pair, paced meter server on the
// other end): the firmware's side is played here by calling the bridge the way
// the Jacdac Serial server does (register writes, send), and by Jacdac packets
// into the server itself. Device trouble (missing, unplugged) must be retried,
// never thrown. Skips without socat, except in CI.
import { test } from "node:test"
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { testProfile } from "./helpers/harness"
import { ascii } from "../src/core/bytes"
import { openPtyPair, socatMissing } from "../tools/serial/pty"
import { PacedMeter } from "../tools/serial/paced-meter"
import { openPort, closePort } from "../tools/serial/engine-port"
import { SerialBridge } from "../tools/serial/bridge"
import { SerialBridgeServer } from "../tools/serial/jacdac-serial"

const missing = socatMissing()
if (missing && process.env.CI) throw new Error(`serial bridge tests: ${missing}; .ci/run should have installed it`)
const skip = missing ? `SKIPPED: ${missing}` : false

const block = "1.8.0(0001234.567*kWh)\r\n2.8.0(0000012.345*kWh)\r\n"
const meterProfile = (quirks: Record<string, unknown> = {}) =>
    testProfile({ identification: "/ABc5BRIDGE", mode: "C", maxBaud: 9600, dataBlock: block, quirks: { reactionMs: 20, ...quirks } })

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function waitFor(cond: () => boolean, ms: number, what: string) {
    const t0 = Date.now()
    while (!cond()) {
        if (Date.now() - t0 > ms) throw new Error(`timeout waiting for ${what}`)
        await sleep(5)
    }
}

/** a mode C readout through the bridge in 7-bit mode: what the firmware's link would see */
async function readout(bridge: SerialBridge, got: number[]) {
    bridge.setDataBits(7)
    bridge.setParity("even")
    bridge.setBaud(300)
    bridge.send(Buffer.from(ascii("/?!\r\n")))
    await waitFor(() => got.includes(0x0a), 3000, "identification")
    await sleep(25)
    bridge.send(Buffer.from(ascii("\x06050\r\n")))
    bridge.setBaud(9600) // queued: applied once the ack has drained
    await waitFor(() => got.includes(0x03), 3000, "ETX")
    await sleep(30) // the BCC
}

test("bridge: 7E1 readout over a pty with a baud switch; characters arrive 7-bit, a parity error with bit 7 set", { skip, timeout: 20000 }, async () => {
    const pair = await openPtyPair()
    const mp = await openPort(pair.meterPath)
    // character 5 of the data message goes out with its parity bit flipped
    const m = new PacedMeter(meterProfile({ parityErrorAt: 5 }), mp, { peerPath: pair.readerPath })
    const logs: string[] = []
    const bridge = new SerialBridge({ path: pair.readerPath, log: s => logs.push(s) })
    const got: number[] = []
    bridge.onReceived = d => {
        assert.ok(d.length > 0, "empty received report")
        got.push(...d)
    }
    bridge.start()
    await waitFor(() => bridge.isOpen(), 3000, "the bridge to open the pty")
    m.start()
    try {
        await readout(bridge, got)
        const s = Buffer.from(got.map(c => c & 0x7f)).toString("latin1")
        assert.ok(s.startsWith("/ABc5BRIDGE\r\n\x02" + block.slice(0, 4)), JSON.stringify(s))
        const stx = got.indexOf(0x02)
        const flagged = got.map((c, i) => (c & 0x80 ? i - stx : -1)).filter(i => i >= 0)
        assert.deepEqual(flagged, [5], "exactly the damaged character carries bit 7")
        assert.equal(m.stats.baudMismatches, 0, "the bridge switched the device's baud in time")
        assert.equal(bridge.baud, 9600)
    } finally {
        m.stop()
        await bridge.stop()
        await closePort(mp)
        await pair.close()
    }
})

test("bridge: framing software refuses 7 bits and passes wire bytes through", { skip, timeout: 20000 }, async () => {
    const pair = await openPtyPair()
    const mp = await openPort(pair.meterPath)
    const m = new PacedMeter(meterProfile(), mp)
    const bridge = new SerialBridge({ path: pair.readerPath, framing: "software", log: () => {} })
    const got: number[] = []
    bridge.onReceived = d => got.push(...d)
    bridge.start()
    await waitFor(() => bridge.isOpen(), 3000, "open")
    m.start()
    try {
        assert.equal(bridge.setDataBits(7), 8)
        assert.equal(bridge.setParity("even"), "none")
        // the firmware now adds parity itself: "/?!\r\n" as wire bytes
        bridge.send(Buffer.from([0xaf, 0x3f, 0x21, 0x8d, 0x0a]))
        await waitFor(() => got.includes(0x0a), 3000, "identification")
        assert.equal(got[0], 0xaf, "the / comes with its parity bit, untouched")
    } finally {
        m.stop()
        await bridge.stop()
        await closePort(mp)
        await pair.close()
    }
})

test("bridge: a missing port is retried until it appears, an unplugged one until it is back; nothing throws", { skip, timeout: 30000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "opto-bridge-"))
    const path = join(dir, "head")
    const logs: string[] = []
    const bridge = new SerialBridge({ path, log: s => logs.push(s), retryMinMs: 100, retryMaxMs: 400 })
    bridge.send(Buffer.from(ascii("/?!\r\n"))) // nothing to send to yet: dropped, not thrown
    bridge.start()
    const socat = () => spawn("socat", [`pty,raw,echo=0,link=${path}`, `pty,raw,echo=0,link=${path}-meter`], { stdio: "ignore" })
    try {
        await sleep(350)
        assert.ok(logs.some(l => l.includes("does not exist")), logs.join("\n"))
        assert.ok(bridge.stats.openErrors >= 2, "retried")
        assert.ok(bridge.stats.dropped >= 5)
        let s = socat()
        await waitFor(() => bridge.isOpen(), 5000, "the bridge to open the new port")
        // unplug
        s.kill()
        await waitFor(() => !bridge.isOpen(), 5000, "the bridge to notice the unplug")
        assert.ok(logs.some(l => /closed|error|disappeared/i.test(l)), logs.join("\n"))
        s = socat()
        await waitFor(() => existsSync(path), 3000, "the new pty")
        await waitFor(() => bridge.isOpen(), 5000, "the bridge to reopen")
        assert.ok(bridge.stats.opened >= 2)
        s.kill()
    } finally {
        await bridge.stop()
        rmSync(dir, { recursive: true, force: true })
    }
})

test("Serial server: register writes reach the bridge, refused ones read back, send gets no reply, received is a 0x80 report", () => {
    const bridge = new SerialBridge({ path: "/nonexistent", framing: "software", log: () => {} })
    const srv = new SerialBridgeServer(bridge)
    const sent: { cmd: number; data: Buffer }[] = []
    ;(srv as unknown as { sendPacketAsync: (p: { serviceCommand: number; data: Uint8Array }) => Promise<void> }).sendPacketAsync = async p => {
        sent.push({ cmd: p.serviceCommand, data: Buffer.from(p.data) })
    }
    const reg = (code: number) => srv.registers.find(r => r.identifier === code)!
    // data bits 7: refused by a software-framing bridge, reads back 8
    reg(0x81).setValues([7])
    assert.equal(reg(0x81).values()[0], 8)
    reg(0x83).setValues([1])
    assert.equal(reg(0x83).values()[0], 0)
    // send: forwarded to the bridge (dropped there: no device), and no report in reply
    const cmds = (srv as unknown as { commands: Record<number, (p: unknown) => void> }).commands
    cmds[0x80]({ data: new Uint8Array([0xaf, 0x3f]) })
    assert.equal(sent.length, 0)
    // a received chunk becomes one report; a long one several, never empty
    bridge.onReceived(Buffer.from("/ABc5X\r\n"))
    bridge.onReceived(Buffer.alloc(450, 0x41))
    assert.deepEqual(sent.map(s => [s.cmd, s.data.length]), [[0x80, 8], [0x80, 200], [0x80, 200], [0x80, 50]])
})
