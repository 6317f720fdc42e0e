// The peer reader for the bench: smartmeter-obis (npm), its D0 protocol over
// its own serialport, against the same paced meter on a pty pair. It opens its
// port at 7E1, so the meter serves "7bit" bytes (line-format.ts), what an OS
// UART at 7E1 would hand it. Its session time is taken from the meter's side:
// from the first byte it sends (the request or its wake-up) to the moment its
// callback delivers the values. Push meters (mode D) are read with its
// SerialResponseTransport, timed from the start of listening.
import { performance } from "node:perf_hooks"
import { Profile } from "../../src/sim/index"
import { expectedData } from "../../src/sim/expected"
import { openPtyPair } from "../serial/pty"
import { openPort, closePort } from "../serial/engine-port"
import { PacedMeter } from "../serial/paced-meter"

// smartmeter-obis has no type declarations
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SmartmeterObis = require("smartmeter-obis") as {
    init(options: Record<string, unknown>, cb: (err: Error | null, result: Record<string, PeerMeasurement> | null) => void): { process(): void; stop(cb?: () => void): void }
}

interface PeerMeasurement {
    getRawValue(): string
}

export interface PeerRun {
    /** it delivered values */
    ok: boolean
    /** ms from its first byte on the line (push: from listening) to its callback, or null */
    sessionMs: number | null
    /** it delivered exactly the profile's data sets: the same raw bracket contents, no more, no fewer */
    correct: boolean
    /** first error it reported, if any */
    error: string | null
    delivered: number
}

/** The raw values smartmeter-obis keeps per OBIS code ("v1, v2" for several brackets) compared with the profile's. */
export function peerMatches(p: Profile, result: Record<string, PeerMeasurement>): boolean {
    const want = expectedData(p).dataSets.map(d => d.values.map(v => v.raw).join(", ")).sort()
    const got = Object.keys(result).map(k => result[k].getRawValue()).sort()
    return JSON.stringify(want) === JSON.stringify(got)
}

export async function runPeer(p: Profile, timeoutMs = 60000): Promise<PeerRun> {
    const pair = await openPtyPair()
    const mp = await openPort(pair.meterPath)
    const meter = new PacedMeter(p, mp, { format: "7bit" })
    const push = p.mode === "D"
    let transport: { stop(cb?: () => void): void } | null = null
    try {
        return await new Promise<PeerRun>(resolve => {
            let firstError: string | null = null
            let t0 = 0
            const limit = setTimeout(() => resolve({ ok: false, sessionMs: null, correct: false, error: firstError ?? "timeout", delivered: 0 }), timeoutMs)
            const options: Record<string, unknown> = {
                protocol: "D0Protocol",
                transport: push ? "SerialResponseTransport" : "SerialRequestResponseTransport",
                transportSerialPort: pair.readerPath,
                transportSerialBaudrate: push ? p.maxBaud : 300,
                transportSerialDataBits: 7,
                transportSerialParity: "even",
                requestInterval: -1,
                debug: 0,
                logger: () => {},
            }
            if (p.address !== null) options.protocolD0DeviceAddress = p.address
            if (p.quirks.wakeupRequired) options.protocolD0WakeupCharacters = 70
            meter.start()
            t0 = performance.now()
            transport = SmartmeterObis.init(options, (err, result) => {
                if (err) {
                    if (firstError === null) firstError = err.message.slice(0, 200)
                    return
                }
                if (!result) return
                clearTimeout(limit)
                const end = meter.now()
                const begin = push ? t0 - (performance.now() - meter.now()) : meter.stats.firstRxAt ?? 0
                resolve({
                    ok: true,
                    sessionMs: Math.round((end - (push ? 0 : begin)) * 10) / 10,
                    correct: peerMatches(p, result),
                    error: firstError,
                    delivered: Object.keys(result).length,
                })
            }) as unknown as { process(): void; stop(cb?: () => void): void }
            ;(transport as unknown as { process(): void }).process()
        })
    } finally {
        meter.stop()
        await new Promise<void>(r => (transport ? transport.stop(() => r()) : r()))
        await closePort(mp)
        await pair.close()
    }
}
