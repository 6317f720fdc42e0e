// The bridge's Serial server bound to a real DeviceScript VM in this process:
// a ds.Serial client program (test/ds/serial-probe.ts) reads the paced meter on a
// pty through jacdac-ts, the bridge and serialport, with a switch to 9600. Needs
// socat; skips and says why when it is missing (a missing socat fails in CI).
import { test } from "node:test"
import assert from "node:assert/strict"
import { testProfile } from "./helpers/harness"
import { openPtyPair, socatMissing } from "../tools/serial/pty"
import { openPort, closePort } from "../tools/serial/engine-port"
import { PacedMeter } from "../tools/serial/paced-meter"
import { SerialBridge } from "../tools/serial/bridge"
import { SerialBridgeServer, frameBus } from "../tools/serial/jacdac-serial"
import { buildFirmware, loadVmFactory } from "../tools/vm-host/devs-host"

const missing = socatMissing()
if (missing && process.env.CI) throw new Error(`serial VM test: ${missing}; .ci/run should have installed it`)
const skip = missing ? `SKIPPED: ${missing}` : false

interface Vm {
    dmesg: (s: string) => void
    log: (...a: unknown[]) => void
    error: (...a: unknown[]) => void
    flashLoad: null
    flashSave: null
    sendPacket: (f: Uint8Array) => void
    handlePacket: (f: Uint8Array) => void
    devsSetDeviceId(id: string): void
    devsStart(): void
    devsStop(): void
    devsDeploy(b: Uint8Array): number
}

test("a ds.Serial client in the DeviceScript VM reads the pty meter through the bridge, 300 then 9600 baud", { skip, timeout: 60000 }, async () => {
    const binary = buildFirmware("test/ds/serial-probe.ts")
    const pair = await openPtyPair()
    const mp = await openPort(pair.meterPath)
    const p = testProfile({ identification: "/ABc5PROBE", mode: "C", maxBaud: 9600, dataBlock: "1.8.0(0001234.5*kWh)\r\n", quirks: { reactionMs: 20 } })
    const meter = new PacedMeter(p, mp, { peerPath: pair.readerPath })
    const bridge = new SerialBridge({ path: pair.readerPath, log: () => {} })
    bridge.start()
    const vm: Vm = await loadVmFactory()()
    const lines: string[] = []
    let toBus: (f: Uint8Array) => void = () => {}
    vm.dmesg = s => lines.push(s)
    vm.log = (...a) => lines.push(a.join(" "))
    vm.error = (...a) => lines.push("error: " + a.join(" "))
    vm.flashLoad = null
    vm.flashSave = null
    vm.sendPacket = f => toBus(f)
    const bus = frameBus(new SerialBridgeServer(bridge), { send: f => vm.handlePacket(f), onFrame: cb => (toBus = cb) })
    try {
        meter.start()
        vm.devsSetDeviceId("0ff0620560000042")
        vm.devsStart()
        await new Promise(r => setTimeout(r, 100))
        assert.equal(vm.devsDeploy(binary), 0)
        const t0 = Date.now()
        while (!lines.some(l => l.includes("> done")) && Date.now() - t0 < 15000) await new Promise(r => setTimeout(r, 20))
        const rx = lines.filter(l => l.startsWith("> rx ")).map(l => l.slice(5)).join("")
        const text = Buffer.from(rx, "hex").toString("latin1")
        assert.ok(lines.some(l => l.includes("> bits 7")), "the bridge accepts 7 data bits")
        assert.equal(text.slice(0, 13), "/ABc5PROBE\r\n\x02", JSON.stringify(text))
        assert.ok(text.includes("1.8.0(0001234.5*kWh)\r\n!\r\n\x03"), JSON.stringify(text))
        assert.ok(Buffer.from(rx, "hex").every(b => b < 0x80), "clean 7-bit characters")
        assert.equal(bridge.baud, 9600)
        assert.equal(meter.stats.baudMismatches, 0)
    } finally {
        vm.devsStop()
        meter.stop()
        await bridge.stop()
        await bus.dispose()
        await closePort(mp)
        await pair.close()
    }
})
