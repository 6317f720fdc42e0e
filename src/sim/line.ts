// The virtual line: a deterministic discrete-event driver that connects a reader
// Engine (src/core/session-types.ts) to a SimMeter in virtual time. No timers,
// no sleeping: it jumps from one event to the next.
//
// Rules:
//  - the engine's `send` characters go out one after another at the reader's UART settings
//    (each takes 10000 / baud ms), starting when the reader's TX is free;
//  - `Output.uart` takes effect when the last character queued so far has left the line
//    (immediately when nothing is queued); characters queued after it use the new settings;
//  - the reader receives a character correctly only when its UART had the sender's baud during the
//    whole character (since before the start bit). Same baud, other format: the same 10 bits are
//    read the other way (7E1 reader: parity checked -> RX_PARITY_ERROR; 8N1 reader: the raw byte).
//    Another baud: deterministic garbage (usually with RX_FRAMING_ERROR, parity flags where a 7E1
//    reader would see them); when the meter is more than 1.5x faster, only one garbage character
//    per round(ratio) meter characters;
//  - echo (profile quirk or option): every reader character also arrives at the reader's RX;
//  - `tick(now)` is called at the latest deadline the engine returned, unless characters were
//    delivered first (then the Output of that receive() sets the deadline);
//  - characters completing at the same instant go to the engine in one receive(); with chunkMs > 0
//    they are delivered at the next multiple of chunkMs (a polling driver);
//  - at one instant the order is: reader characters complete (meter hears them, echo), meter
//    characters complete, UART changes apply, meter timers, delivery to the engine, engine tick.
import { Engine, Format, Output, SessionEvent, UartSettings } from "../core/session-types"
import { decode7E1 } from "../core/bytes"
import { RX_FRAMING_ERROR } from "../core/types"
import { SimMeter, WireChar, wireOf } from "./meter"
import { charMs } from "../core/timing"

export interface NoiseBurst {
    /** start (ms, virtual time) */
    at: number
    /** length, ms */
    ms: number
    /** the line is held in the light (a flooded phototransistor): the idle line reads as breaks, not random garbage */
    break?: boolean
}

export interface LineOptions {
    /** stop at this absolute virtual time (default: run start + 600000 ms) */
    timeLimitMs?: number
    /** deliver received characters in chunks at multiples of this many ms (0 = as they complete) */
    chunkMs?: number
    /** the head echoes the reader's characters (default: the profile's quirks.echo) */
    echo?: boolean
    /** meter characters (0-based, counted over the line's life) that never arrive */
    dropMeterChars?: number[]
    /** meter characters that arrive twice */
    duplicateMeterChars?: number[]
    /** noise: characters on the line during a burst arrive as garbage, and the idle line yields garbage */
    noise?: NoiseBurst[]
    /** the meter is absent: it hears nothing and nothing it sends arrives */
    noReply?: boolean
    /** keep a trace (default true) */
    trace?: boolean
    /** reader UART at the start (default 300 7E1) */
    uart?: UartSettings
}

export type TraceEntry =
    | {
          kind: "char"
          /** who sent it */
          dir: "reader" | "meter"
          start: number
          at: number
          baud: number
          format: Format
          /** the character meant */
          char: number
          /** wire byte (8 bits between start and stop bit) */
          wire: number
          /** what the reader's RX got (meter chars; echo of reader chars), null = nothing */
          rx: number | null
          /** "drop", "dup", "noise", "garbage", "absent" */
          fault: string | null
      }
    | { kind: "uart"; at: number; baud: number; format: Format }
    | { kind: "event"; at: number; event: SessionEvent }
    | { kind: "noise"; at: number; rx: number }

export interface TimedEvent {
    at: number
    event: SessionEvent
}

export interface LineResult {
    /** the engine said "finished" */
    finished: boolean
    /** the finished event's ok, or false */
    ok: boolean
    startMs: number
    endMs: number
    events: TimedEvent[]
    trace: TraceEntry[]
    /** how many engine calls were made (start + receive + tick) */
    calls: number
    /** the run stopped because virtual time stood still for too many steps (an engine asking for a deadline in the past again and again) */
    stalled: boolean
}

const BIG = 1e15

function hash32(a: number, b: number): number {
    let h = Math.imul(a ^ 0x5bd1e995, 0x2c1b3c6d) ^ Math.imul(b + 0x165667b1, 0x27d4eb2f)
    h ^= h >>> 15
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
    return h >>> 0
}

function contains(list: number[] | undefined, n: number): boolean {
    return list !== undefined && list.indexOf(n) >= 0
}

export class VirtualLine {
    /** meter characters seen on this line so far (fault indices count these) */
    meterChars = 0
    private garbageSeq = 0
    private echo: boolean
    private chunkMs: number
    private keepTrace: boolean

    // per run
    private trace: TraceEntry[] = []
    private events: TimedEvent[] = []
    private rxUart: UartSettings = { baud: 300, format: "7E1" }
    private rxSince = 0
    private txUart: UartSettings = { baud: 300, format: "7E1" }
    private txQueue: WireChar[] = []
    private txHead = 0
    private txBusy = 0
    private uartQueue: UartSettings[] = []
    private uartAt: number[] = []
    private rxChars: number[] = []
    private rxDeliverAt = BIG
    private deadline = BIG
    private finished = false
    private ok = false
    private noiseIdx = 0
    private noiseNext = BIG
    private calls = 0

    constructor(public meter: SimMeter, public opts: LineOptions = {}) {
        this.echo = opts.echo !== undefined ? opts.echo : meter.profile.quirks.echo
        this.chunkMs = opts.chunkMs !== undefined ? opts.chunkMs : 0
        this.keepTrace = opts.trace !== undefined ? opts.trace : true
    }

    /** Run one session of `engine` from `startMs` until it finishes or the time limit. The meter keeps its state between runs. */
    run(engine: Engine, startMs: number): LineResult {
        this.begin(engine, startMs)
        while (!this.advance(1000000)) {}
        return this.result()
    }

    // per-run progress, so that a run can be advanced in slices (DeviceScript must await between slices)
    private engine: Engine | null = null
    private runStart = 0
    private limit = 0
    private now = 0
    private still = 0
    private stalled = false
    private over = false

    /** Start a run; then call advance() until it returns true, then result(). */
    begin(engine: Engine, startMs: number): void {
        const o = this.opts
        this.engine = engine
        this.runStart = startMs
        this.limit = o.timeLimitMs !== undefined ? o.timeLimitMs : startMs + 600000
        this.trace = []
        this.events = []
        this.rxUart = o.uart !== undefined ? o.uart : { baud: 300, format: "7E1" }
        this.txUart = this.rxUart
        if (this.keepTrace) this.trace.push({ kind: "uart", at: startMs, baud: this.rxUart.baud, format: this.rxUart.format })
        this.rxSince = -BIG
        this.txQueue = []
        this.txHead = 0
        this.txBusy = startMs
        this.uartQueue = []
        this.uartAt = []
        this.rxChars = []
        this.rxDeliverAt = BIG
        this.deadline = BIG
        this.finished = false
        this.ok = false
        this.calls = 0
        this.noiseIdx = 0
        this.noiseNext = BIG
        this.now = startMs
        this.still = 0
        this.stalled = false
        this.over = false
        this.setupNoise(startMs)
        // the meter may have been idle since an earlier run: catch its timers up
        // (a push meter idle for minutes has many pushes to catch up: the meter fires at most 100 per tick)
        for (let guard = 0; guard < 100000; guard++) {
            this.meter.tick(startMs)
            this.drainMeterBefore(startMs)
            const d = this.meter.nextDeadline()
            if (d === null || d > startMs) break
        }
        this.calls++
        this.handle(startMs, engine.start(startMs))
    }

    /** Process at most `maxSteps` events; true when the run is over (finished, time limit or stalled). */
    advance(maxSteps: number): boolean {
        if (this.over) return true
        const engine = this.engine as Engine
        for (let n = 0; n < maxSteps; n++) {
            if (this.finished) return this.end()
            let t = BIG
            if (this.txHead < this.txQueue.length) t = this.txQueue[this.txHead].at
            const mo = this.meter.nextOutput()
            if (mo !== null && mo.at < t) t = mo.at
            if (this.uartAt.length > 0 && this.uartAt[0] < t) t = this.uartAt[0]
            const md = this.meter.nextDeadline()
            if (md !== null && md < t) t = md
            if (this.rxDeliverAt < t) t = this.rxDeliverAt
            if (this.deadline < t) t = this.deadline
            if (this.noiseNext < t) t = this.noiseNext
            if (t >= BIG || t > this.limit) return this.end()
            if (t > this.now) {
                this.now = t
                this.still = 0
            } else if (++this.still > 100000) {
                this.stalled = true
                return this.end()
            }
            this.step(engine, this.now)
        }
        if (this.finished) return this.end()
        return false
    }

    private end(): boolean {
        this.over = true
        // the reader's last characters (e.g. B0) still reach the meter after the engine finished
        if (this.finished) {
            while (this.txHead < this.txQueue.length) {
                const c = this.txQueue[this.txHead++]
                const damaged = this.inNoise(c.start, c.at)
                if (!this.opts.noReply) this.meter.receiveWire(c.at, damaged ? this.garbageWire(c.wire) : c.wire, c.baud, damaged)
                if (this.keepTrace)
                    this.trace.push({
                        kind: "char", dir: "reader", start: c.start, at: c.at, baud: c.baud, format: c.format,
                        char: c.char, wire: c.wire, rx: null, fault: damaged ? "noise" : null,
                    })
            }
        }
        return true
    }

    result(): LineResult {
        return {
            finished: this.finished,
            ok: this.ok,
            startMs: this.runStart,
            endMs: this.now,
            events: this.events,
            trace: this.trace,
            calls: this.calls,
            stalled: this.stalled,
        }
    }

    private setupNoise(startMs: number) {
        const ns = this.opts.noise
        if (ns === undefined) return
        while (this.noiseIdx < ns.length && ns[this.noiseIdx].at + ns[this.noiseIdx].ms < startMs) this.noiseIdx++
        if (this.noiseIdx < ns.length) this.noiseNext = ns[this.noiseIdx].at
    }

    private inNoise(start: number, end: number): boolean {
        const ns = this.opts.noise
        if (ns === undefined) return false
        for (let i = 0; i < ns.length; i++) {
            if (start < ns[i].at + ns[i].ms && end > ns[i].at) return true
        }
        return false
    }

    /** meter characters completed before the run began went nowhere (nobody listened) */
    private drainMeterBefore(t: number) {
        const old = this.meter.takeOutput(t)
        this.meterChars += old.length
    }

    private step(engine: Engine, now: number) {
        // 1. reader characters complete: the meter hears them; the head echoes them
        while (this.txHead < this.txQueue.length && this.txQueue[this.txHead].at <= now) {
            const c = this.txQueue[this.txHead++]
            const damaged = this.inNoise(c.start, c.at)
            if (!this.opts.noReply) this.meter.receiveWire(c.at, damaged ? this.garbageWire(c.wire) : c.wire, c.baud, damaged)
            let rx: number | null = null
            if (this.echo) {
                rx = damaged ? this.garbage(c.wire) : this.read(c)
                this.addRx(c.at, rx)
            }
            if (this.keepTrace)
                this.trace.push({
                    kind: "char", dir: "reader", start: c.start, at: c.at, baud: c.baud, format: c.format,
                    char: c.char, wire: c.wire, rx: rx, fault: damaged ? "noise" : null,
                })
        }
        // 2. meter characters complete
        if (this.meter.nextOutput() !== null && (this.meter.nextOutput() as WireChar).at <= now) {
            const cs = this.meter.takeOutput(now)
            for (let i = 0; i < cs.length; i++) this.meterChar(cs[i])
        }
        // 3. UART changes
        while (this.uartAt.length > 0 && this.uartAt[0] <= now) {
            const u = this.uartQueue[0]
            this.rxUart = u
            this.rxSince = this.uartAt[0]
            if (this.keepTrace) this.trace.push({ kind: "uart", at: this.uartAt[0], baud: u.baud, format: u.format })
            this.uartQueue = this.uartQueue.slice(1)
            this.uartAt = this.uartAt.slice(1)
        }
        // 4. noise on an idle line
        if (this.noiseNext <= now) this.noiseChar(now)
        // 5. meter timers
        this.meter.tick(now)
        if (this.meter.nextOutput() !== null && (this.meter.nextOutput() as WireChar).at <= now) {
            const cs = this.meter.takeOutput(now)
            for (let i = 0; i < cs.length; i++) this.meterChar(cs[i])
        }
        // 6. delivery
        if (this.rxChars.length > 0 && this.rxDeliverAt <= now && !this.finished) {
            const chars = this.rxChars
            this.rxChars = []
            this.rxDeliverAt = BIG
            this.calls++
            this.handle(now, engine.receive(now, chars))
        }
        // 7. engine deadline
        if (this.deadline <= now && !this.finished) {
            this.deadline = BIG
            this.calls++
            this.handle(now, engine.tick(now))
        }
    }

    private noiseChar(now: number) {
        const ns = this.opts.noise as NoiseBurst[]
        const b = ns[this.noiseIdx]
        const busy = this.meter.busyUntil() > now
        if (!busy) {
            const g = b.break ? RX_FRAMING_ERROR : this.garbage(now * 7 + this.noiseIdx)
            this.addRx(now, g)
            if (this.keepTrace) this.trace.push({ kind: "noise", at: now, rx: g })
        }
        const next = now + charMs(this.rxUart.baud)
        if (next < b.at + b.ms) this.noiseNext = next
        else {
            this.noiseIdx++
            this.noiseNext = this.noiseIdx < ns.length ? ns[this.noiseIdx].at : BIG
            if (this.noiseNext < now) this.noiseNext = now
        }
    }

    private meterChar(c: WireChar) {
        const idx = this.meterChars++
        let rx: number | null = null
        let fault: string | null = null
        let times = 1
        if (this.opts.noReply) {
            fault = "absent"
            times = 0
        } else if (contains(this.opts.dropMeterChars, idx)) {
            fault = "drop"
            times = 0
        } else if (contains(this.opts.duplicateMeterChars, idx)) {
            fault = "dup"
            times = 2
        }
        if (times > 0) {
            if (this.inNoise(c.start, c.at)) {
                fault = "noise"
                rx = this.garbage(c.wire + idx * 256)
            } else if (c.baud === this.rxUart.baud && this.rxSince <= c.start) {
                rx = this.read(c)
            } else {
                fault = "garbage"
                const ratio = c.baud / this.rxUart.baud
                const every = ratio > 1.5 ? Math.round(ratio) : 1
                rx = idx % every === 0 ? this.garbage(c.wire + idx * 256) : null
            }
            if (rx !== null) for (let k = 0; k < times; k++) this.addRx(c.at, rx)
        }
        if (this.keepTrace)
            this.trace.push({
                kind: "char", dir: "meter", start: c.start, at: c.at, baud: c.baud, format: c.format,
                char: c.char, wire: c.wire, rx: rx, fault: fault,
            })
    }

    /** a character read with matching baud: the reader's format decides how the 10 bits are taken */
    private read(c: WireChar): number {
        return this.rxUart.format === "7E1" ? decode7E1(c.wire) : c.wire & 0xff
    }

    private garbageWire(seed: number): number {
        return hash32(seed, this.garbageSeq++) & 0xff
    }

    /** a deterministic garbage character as the reader's UART reports it */
    private garbage(seed: number): number {
        const h = hash32(seed, this.garbageSeq++)
        const w = h & 0xff
        const framing = ((h >>> 8) & 3) !== 0 ? RX_FRAMING_ERROR : 0
        return (this.rxUart.format === "7E1" ? decode7E1(w) : w) | framing
    }

    private addRx(at: number, rx: number) {
        if (this.rxChars.length === 0) {
            if (this.chunkMs > 0) this.rxDeliverAt = Math.ceil(at / this.chunkMs) * this.chunkMs
            else this.rxDeliverAt = at
        }
        this.rxChars.push(rx)
    }

    private handle(now: number, out: Output) {
        // events
        for (let i = 0; i < out.events.length; i++) {
            const e = out.events[i]
            this.events.push({ at: now, event: e })
            if (this.keepTrace) this.trace.push({ kind: "event", at: now, event: e })
            if (e.type === "finished") {
                this.finished = true
                this.ok = e.ok
            }
        }
        // transmit
        const fmt = this.txUart.format
        const ms = charMs(this.txUart.baud)
        let t = this.txBusy > now ? this.txBusy : now
        for (let i = 0; i < out.send.length; i++) {
            const c = out.send[i]
            this.txQueue.push({ at: t + ms, start: t, wire: wireOf(c, fmt), char: c, baud: this.txUart.baud, format: fmt })
            t += ms
        }
        this.txBusy = t
        if (this.txHead > 256 && this.txHead * 2 > this.txQueue.length) {
            this.txQueue = this.txQueue.slice(this.txHead)
            this.txHead = 0
        }
        // UART change once the queued characters have left
        if (out.uart !== null) {
            const u: UartSettings = { baud: out.uart.baud, format: out.uart.format }
            this.txUart = u
            if (t <= now && this.uartAt.length === 0) {
                this.rxUart = u
                this.rxSince = now
                if (this.keepTrace) this.trace.push({ kind: "uart", at: now, baud: u.baud, format: u.format })
            } else {
                this.uartQueue.push(u)
                this.uartAt.push(t)
            }
        }
        this.deadline = out.deadline === null ? BIG : out.deadline
    }
}

/** Data sets of the readouts the engine reported ok, in order (provisional sets of a rejected block are dropped). */
export function acceptedDataSets(events: TimedEvent[]): { address: string; values: string[] }[] {
    const out: { address: string; values: string[] }[] = []
    let pending: { address: string; values: string[] }[] = []
    for (let i = 0; i < events.length; i++) {
        const e = events[i].event
        if (e.type === "dataSet") {
            const vs: string[] = []
            for (let k = 0; k < e.dataSet.values.length; k++) {
                const v = e.dataSet.values[k]
                vs.push(v.unit === null ? v.text : v.text + "*" + v.unit)
            }
            pending.push({ address: e.dataSet.address, values: vs })
        } else if (e.type === "readout") {
            if (e.ok) for (let k = 0; k < pending.length; k++) out.push(pending[k])
            pending = []
        }
    }
    return out
}
