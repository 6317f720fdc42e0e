// A simulated meter (src/sim SimMeter) on a serial device, paced at the line
// rate. The meter model decides every character with an exact virtual time (the
// end of its stop bit); here virtual time is wall time since start() and each
// character is written to the device when it is due. A pty does not pace, so
// the pacing is all ours, in both directions:
//  - meter -> reader: a character is written at its stop-bit time, so a reader
//    sees characters arrive at the baud in force (never faster);
//  - reader -> meter: bytes written to a pty arrive at once; the meter takes each
//    one as starting on arrival (or when the previous one ended) and lasting one
//    character time at the baud the meter listens at, so the reader's
//    transmissions cost their wire time too.
// Baud: a pty has no baud, so the meter cannot hear a reader at the wrong baud.
// It follows its own protocol state (it assumes the reader switched when the
// protocol says). With `peerPath` (the reader's end of the pair) it also polls the
// reader's termios speed (`stty -F`) and counts meter characters written while
// the reader's port was set to another baud: a check that the reader switches in
// time, not a simulation of garbled characters.
import { execFile } from "node:child_process"
import { performance } from "node:perf_hooks"
import type { SerialPort } from "serialport"
import { Profile, SimMeter } from "../../src/sim/index"
import { charMs } from "../../src/core/timing"
import { LineFormat, deviceByte, wireOfDeviceByte } from "./line-format"

export interface PacedMeterOptions {
    /** how bytes on the device carry characters (line-format.ts), default "wire" */
    format?: LineFormat
    /** the head echoes the reader's characters (default: the profile's quirks.echo) */
    echo?: boolean
    /** the reader's end of a pty pair: poll its baud with stty to count baud mismatches */
    peerPath?: string
    /** progress lines */
    log?: (s: string) => void
}

export interface PacedMeterStats {
    charsOut: number
    charsIn: number
    /** the latest a meter character was written after its due time (ms): the pacing error */
    maxLateMs: number
    /** meter characters written while the reader's port (peerPath) was at another baud */
    baudMismatches: number
    /** virtual time of the first reader character's arrival, or null */
    firstRxAt: number | null
    /** arrival of the latest reader character that came after >= 3 s without any (a new session's first byte), or null */
    burstAt: number | null
    /** virtual time the last meter character was written, or null */
    lastTxAt: number | null
}

interface Inbound {
    at: number
    wire: number
    baud: number
    byte: number
}

export class PacedMeter {
    readonly meter: SimMeter
    readonly stats: PacedMeterStats = { charsOut: 0, charsIn: 0, maxLateMs: 0, baudMismatches: 0, firstRxAt: null, burstAt: null, lastTxAt: null }
    private t0 = 0
    private format: LineFormat
    private echo: boolean
    private inbound: Inbound[] = []
    private rxLineEnd = 0
    private lastRxArrival = -Infinity
    private timer: NodeJS.Timeout | null = null
    private poller: NodeJS.Timeout | null = null
    private peerBaud: number | null = null
    private stopped = false
    private onData = (d: Buffer) => this.receive(d)

    constructor(public profile: Profile, public port: SerialPort, public opts: PacedMeterOptions = {}) {
        this.meter = new SimMeter(profile, 0)
        this.format = opts.format ?? "wire"
        this.echo = opts.echo ?? profile.quirks.echo
    }

    /** virtual time: ms since start() */
    now(): number {
        return performance.now() - this.t0
    }

    /** Starts the meter at virtual time 0 = now (a push meter starts its schedule here). */
    start() {
        this.t0 = performance.now()
        this.port.on("data", this.onData)
        if (this.opts.peerPath) this.pollPeer(this.opts.peerPath)
        this.pump()
    }

    stop() {
        this.stopped = true
        this.port.off("data", this.onData)
        if (this.timer) clearTimeout(this.timer)
        if (this.poller) clearTimeout(this.poller)
    }

    /** the baud the meter listens at (its private state; SimMeter has no accessor for it yet) */
    private listenBaud(): number {
        return (this.meter as unknown as { rxBaud: number }).rxBaud
    }

    private receive(d: Buffer) {
        const v = this.now()
        if (this.stats.firstRxAt === null) this.stats.firstRxAt = v
        if (v - this.lastRxArrival >= 3000) this.stats.burstAt = v
        this.lastRxArrival = v
        const baud = this.listenBaud()
        for (let i = 0; i < d.length; i++) {
            const start = this.rxLineEnd > v ? this.rxLineEnd : v
            const end = start + charMs(baud)
            this.rxLineEnd = end
            this.inbound.push({ at: end, wire: wireOfDeviceByte(d[i], this.format), baud, byte: d[i] })
        }
        this.pump()
    }

    private pump() {
        if (this.stopped) return
        if (this.timer) {
            clearTimeout(this.timer)
            this.timer = null
        }
        const v = this.now()
        const echo: number[] = []
        let k = 0
        while (k < this.inbound.length && this.inbound[k].at <= v) {
            const c = this.inbound[k++]
            this.meter.receiveWire(c.at, c.wire, c.baud, false)
            this.stats.charsIn++
            if (this.echo) echo.push(c.byte)
        }
        if (k > 0) this.inbound = this.inbound.slice(k)
        this.meter.tick(v)
        const out = this.meter.takeOutput(v)
        if (echo.length > 0 || out.length > 0) {
            const bytes: number[] = echo.slice()
            for (const c of out) {
                bytes.push(deviceByte(c.wire, this.format))
                const late = v - c.at
                if (late > this.stats.maxLateMs) this.stats.maxLateMs = late
                if (this.peerBaud !== null && this.peerBaud !== c.baud) this.stats.baudMismatches++
            }
            this.stats.charsOut += out.length
            if (out.length > 0) this.stats.lastTxAt = v
            this.port.write(Buffer.from(bytes))
        }
        let next = Infinity
        if (this.inbound.length > 0) next = this.inbound[0].at
        const o = this.meter.nextOutput()
        if (o !== null && o.at < next) next = o.at
        const d = this.meter.nextDeadline()
        if (d !== null && d < next) next = d
        if (next < Infinity) this.timer = setTimeout(() => this.pump(), Math.max(0, next - this.now()))
    }

    private pollPeer(path: string) {
        execFile("stty", ["-F", path, "speed"], { timeout: 1000 }, (err, out) => {
            if (this.stopped) return
            if (!err) {
                const b = parseInt(out.trim(), 10)
                if (b > 0) this.peerBaud = b
            }
            this.poller = setTimeout(() => this.pollPeer(path), 20)
        })
    }
}
