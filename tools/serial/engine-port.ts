// Drives the sans-I/O engine (src/core Session) over a real serial device with
// wall-clock time, the way the firmware's link does over the Jacdac Serial
// service: the device runs at 8N1 with the parity in software ("wire" format,
// line-format.ts), UART changes are applied after the transmitted bytes have
// drained (with stty, see baud.ts), deadlines are timers. Used by the pty tests and by the bench while the
// firmware runner is not on this branch.
import { performance } from "node:perf_hooks"
import { SerialPort } from "serialport"
import { Session } from "../../src/core/session"
import { ReaderMemory } from "../../src/core/memory"
import { decode7E1, encode7E1 } from "../../src/core/bytes"
import { Format, Output, SessionConfig, SessionStats } from "../../src/core/session-types"
import { TimedEvent, acceptedDataSets } from "../../src/sim/line"
import { setBaud } from "./baud"

export interface PortRun {
    finished: boolean
    ok: boolean
    stats: SessionStats | null
    events: TimedEvent[]
    accepted: { address: string; values: string[] }[]
    errors: string[]
    /** wall ms from start() to the finished event (or the timeout) */
    wallMs: number
}

export function openPort(path: string, baudRate = 300): Promise<SerialPort> {
    return new Promise((res, rej) => {
        const p = new SerialPort({ path, baudRate, dataBits: 8, parity: "none", stopBits: 1, autoOpen: false })
        p.open(e => (e ? rej(e) : res(p)))
    })
}

export function closePort(p: SerialPort): Promise<void> {
    return new Promise(res => (p.isOpen ? p.close(() => res()) : res()))
}

/** One session of the engine over an open port (left open). */
export function runEngineOnPort(port: SerialPort, config: SessionConfig, memory: ReaderMemory, timeoutMs = 60000): Promise<PortRun> {
    return new Promise(resolve => {
        const engine = new Session(config, memory)
        const t0 = performance.now()
        const now = () => performance.now() - t0
        const events: TimedEvent[] = []
        let format: Format = "7E1"
        let timer: NodeJS.Timeout | null = null
        let done = false
        let chain: Promise<unknown> = updateBaud(port, 300)
        const limit = setTimeout(() => finish(null), timeoutMs)

        function finish(stats: SessionStats | null, ok = false) {
            if (done) return
            done = true
            clearTimeout(limit)
            if (timer) clearTimeout(timer)
            port.off("data", onData)
            const errors: string[] = []
            for (const e of events) if (e.event.type === "error") errors.push(`${e.event.error.kind}: ${e.event.error.message}`)
            resolve({ finished: stats !== null, ok, stats, events, accepted: acceptedDataSets(events), errors, wallMs: now() })
        }

        function handle(out: Output) {
            if (done) return
            const t = now()
            for (const e of out.events) {
                events.push({ at: t, event: e })
                if (e.type === "finished") {
                    finish(e.stats, e.ok)
                    return
                }
            }
            if (out.send.length > 0) {
                const fmt = format
                const bytes = Buffer.from(out.send.map(c => (fmt === "7E1" ? encode7E1(c) : c & 0xff)))
                chain = chain.then(() => writeDrain(port, bytes))
            }
            if (out.uart !== null) {
                const u = out.uart
                format = u.format // characters queued from now on use it
                chain = chain.then(() => updateBaud(port, u.baud))
            }
            if (timer) clearTimeout(timer)
            timer = null
            if (out.deadline !== null) {
                const dl = out.deadline
                timer = setTimeout(() => {
                    timer = null
                    handle(engine.tick(Math.max(now(), dl)))
                }, Math.max(0, dl - now()))
            }
        }

        function onData(d: Buffer) {
            if (done) return
            const chars: number[] = []
            for (let i = 0; i < d.length; i++) chars.push(format === "7E1" ? decode7E1(d[i]) : d[i])
            handle(engine.receive(now(), chars))
        }

        port.on("data", onData)
        void chain.then(() => handle(engine.start(now())))
    })
}

function writeDrain(port: SerialPort, b: Buffer): Promise<void> {
    return new Promise(res => port.write(b, () => port.drain(() => res())))
}

/** sets the baud without serialport's flush (baud.ts); a refusal is an error event, not a crash */
function updateBaud(port: SerialPort, baud: number): Promise<void> {
    return setBaud(port, port.path, baud).catch(e => {
        process.stderr.write(`engine-port: ${(e as Error).message}\n`)
    })
}
