// The largest readout the firmware reads in the simulator without running out of
// VM heap: the simulated head streams generated data lines (never held in memory
// on the meter side), the line runs 8x faster than real time, and the size grows
// by 4x per step up to a cap. Streaming should make it unbounded; the cap keeps
// the bench's time in check. Used by `npm run bench` (footprint line).
import { startBroker } from "../vm-host/broker"
import { readEnvSettings, settingValue } from "../vm-host/devs-host"
import { SimProfile, startSimulation } from "../vm-host/sim-profile"

/** Bytes of data lines in a generated readout of n lines (the generator's own line format). */
export function generatedBytes(n: number): number {
    let bytes = 0
    for (let i = 0; i < n; i++) bytes += `1.8.${i}(${i}.000*kWh)\r\n`.length
    return bytes
}

/**
 * A generated 19200 Bd readout of `lines` data lines behind a head `speed` times the line rate,
 * and the settings that read it once: 19200 allowed, 40 values kept, no second poll.
 */
export function generatedRun(lines: number, speed: number, brokerUrl: string): { p: SimProfile; s: Map<string, Buffer> } {
    const p: SimProfile = { name: "generated", meter: { identification: "/ABC6BIG" }, head: { eightN1Only: false, speed }, generated: lines }
    const s = readEnvSettings(undefined, false)
    const put = (k: string, v: string) => s.set(k, settingValue(v)!)
    put("MQTT_URL", JSON.stringify(brokerUrl))
    put("MAX_BAUD", "19200")
    put("MAX_VALUES", "40")
    put("POLL_MS", "600000")
    return { p, s }
}

/** Reads one generated readout of `lines` lines; true when a state was published and the VM never ran out of memory. */
export async function readsWithoutOom(lines: number, timeoutMs: number): Promise<{ ok: boolean; why: string }> {
    const broker = await startBroker()
    let state = false
    broker.aedes.on("publish", (packet, client) => {
        if (client && packet.topic.endsWith("/state")) state = true
    })
    const log: string[] = []
    const { p, s } = generatedRun(lines, 8, broker.url)
    let panic = 0
    const run = await startSimulation(p, { settings: s, onLine: l => log.push(l), onPanic: c => (panic = c) })
    const t0 = Date.now()
    const oom = () => panic !== 0 || log.some(l => /OutOfMemory|PANIC/i.test(l))
    while (!state && !oom() && Date.now() - t0 < timeoutMs) await new Promise(r => setTimeout(r, 100))
    await run.stop()
    await broker.close()
    if (state && !oom()) return { ok: true, why: "" }
    return { ok: false, why: oom() ? `out of memory or panic ${panic}` : `no readout within ${timeoutMs} ms` }
}

/** Grows the readout from 16 KB by 4x up to `capBytes`; returns the largest size that completed. */
export async function maxReadoutBytes(capBytes: number): Promise<{ bytes: number; note: string }> {
    let best = 0
    let note = ""
    for (let lines = 700; ; lines *= 4) {
        const bytes = generatedBytes(lines)
        if (bytes > capBytes) {
            note = `every size up to the cap passed (next step ${bytes} B > cap ${capBytes} B)`
            break
        }
        // 19200 Bd at 8x: ~15 KB/s of line time, plus margin
        const r = await readsWithoutOom(lines, 30000 + bytes / 10)
        if (!r.ok) {
            note = `${bytes} B failed: ${r.why}`
            break
        }
        best = bytes
    }
    return { bytes: best, note }
}
