// End to end through the real firmware: the DeviceScript VM in this process
// (tools/vm-host/devs-host.ts) runs the compiled firmware (src/firmware/main.ts),
// whose `ds.Serial("meter")` binds to the bridge's Serial server (jacdac-serial.ts
// frameBus), which drives a pty pair with the paced meter on the other end.
// The session is timed on the meter's side, from the first byte of the firmware's
// last request after a silence of 3 s (push meters: from the firmware's link being ready) to the end of the
// meter's last character, counted when the firmware then logs "session: ok". The
// log line itself comes late: the firmware publishes before it logs, and no MQTT
// broker is started here (its publisher retries in the background), so the values
// are not checked here either.
import { join } from "node:path"
import { Profile } from "../../src/sim/index"
import { SessionConfig } from "../../src/core/session-types"
import { openPtyPair } from "../serial/pty"
import { FirmwareRun, readEnvSettings, settingValue, startFirmware } from "../vm-host/devs-host"
import { openPort, closePort } from "../serial/engine-port"
import { PacedMeter } from "../serial/paced-meter"
import { SerialBridge } from "../serial/bridge"
import { SerialBridgeServer, frameBus } from "../serial/jacdac-serial"

export interface FirmwareE2e {
    ok: boolean
    /** meter side: first request byte to the end of the meter's last character, or null */
    sessionMs: number | null
    lines: string[]
    /** what the meter noted (request accepted, readout at ..., ignored acks), with virtual times */
    meterNotes: string[]
}

/** Settings for the reader configuration the bench uses for a profile (harness configFor). */
function settingsFor(root: string, config: SessionConfig): Map<string, Buffer> {
    const s = readEnvSettings(root, false)
    const set = (k: string, v: string) => s.set(k, settingValue(JSON.stringify(v))!)
    set("MQTT_URL", "mqtt://127.0.0.1:9") // nobody there: the publisher retries, the poll loop runs on
    set("POLL_MS", "600000")
    if (config.address) set("METER_ADDRESS", config.address)
    if (config.push) set("PUSH_UART", "auto")
    return s
}

export async function runFirmwareE2e(binary: Buffer, p: Profile, config: SessionConfig, timeoutMs: number, root = join(__dirname, "..", "..")): Promise<FirmwareE2e> {
    const pair = await openPtyPair()
    const mp = await openPort(pair.meterPath)
    const meter = new PacedMeter(p, mp, { peerPath: pair.readerPath })
    const bridge = new SerialBridge({ path: pair.readerPath, log: () => {} })
    const lines: string[] = []
    let toBus: (f: Uint8Array) => void = () => {}
    let run: FirmwareRun | null = null
    let bus: { dispose(): Promise<void> } | null = null
    try {
        bridge.start()
        meter.start()
        let endAt: number | null = null
        let linkAt: number | null = null
        let ok = false
        run = await startFirmware({
            binary,
            settings: settingsFor(root, config),
            onLine: l => {
                lines.push(l)
                if (linkAt === null && l.includes("link: 300 baud")) linkAt = meter.now()
                if (endAt === null && l.includes("session: ok")) {
                    endAt = meter.now()
                    ok = true
                } else if (endAt === null && l.includes("session: failed")) endAt = meter.now()
            },
            onFrame: f => toBus(f),
        })
        const r = run
        bus = frameBus(new SerialBridgeServer(bridge), { send: f => r.sendFrame(f), onFrame: cb => (toBus = cb) })
        const t0 = Date.now()
        while (endAt === null && Date.now() - t0 < timeoutMs) await new Promise(res => setTimeout(res, 10))
        // the session that succeeded began with the latest burst after a silence (an earlier failed try is not counted)
        const start = meter.stats.burstAt ?? linkAt
        const end = meter.stats.lastTxAt
        const meterNotes = meter.meter.notes.map(n => `${n.at.toFixed(0)} ms ${n.what}`)
        return { ok, sessionMs: ok && start !== null && end !== null ? Math.round((end - start) * 10) / 10 : null, lines, meterNotes }
    } finally {
        run?.stop()
        meter.stop()
        await bridge.stop()
        await bus?.dispose()
        await closePort(mp)
        await pair.close()
    }
}
