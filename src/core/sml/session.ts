// Push sessions for SML meters, as Engines (session-types.ts) so the firmware
// loop, the publisher and the virtual line drive them like a D0 session:
// SmlSession listens at 9600 8N1 until one intact telegram, and reports it as
// identification (the server id names the meter) + data sets + readout +
// finished. AutoPushSession is PUSH_UART=auto with PROTOCOL=auto: SML first at
// 9600 8N1 (most push meters in the field), then the D0 push hunt; what it
// finds is remembered, so later sessions go straight to it.
import { ReaderMemory } from "../memory"
import { Session } from "../session"
import { Engine, Output, SessionConfig, SessionEvent, SessionStats } from "../session-types"
import { CoreError, DataSet } from "../types"
import { SmlOptions, SmlReader, SmlReading } from "./reader"

export const SML_BAUD = 9600

/** How long one session waits for an intact telegram: meters push every 1–4 s, so two chances and more. */
export const SML_LISTEN_MS = 10000
/** How long the auto hunt listens for an SML start sequence before trying D0. */
export const SML_HUNT_MS = 5000
/** Errors reported per session; a line full of noise must not flood the event stream. */
const MAX_ERRORS = 4

function emptyOutput(): Output {
    return { send: [], uart: null, deadline: null, events: [] }
}

export class SmlSession implements Engine {
    private reader: SmlReader
    private startMs = 0
    private deadline = 0
    private chars = 0
    private errors = 0
    private done = false
    private count = 0
    private now = 0
    private out: Output = emptyOutput()
    /** set by the auto hunt: an SML start sequence was seen */
    sawStart = false

    constructor(public options: Partial<SmlOptions> = {}, public listenMs: number = SML_LISTEN_MS) {
        const self = this
        this.reader = new SmlReader(
            {
                reading: (t: SmlReading) => self.onReading(t),
                error: (e: CoreError) => self.onError(e),
            },
            options
        )
    }

    start(now: number): Output {
        this.startMs = now
        this.deadline = now + this.listenMs
        const o = emptyOutput()
        o.uart = { baud: SML_BAUD, format: "8N1" }
        o.deadline = this.deadline
        return o
    }

    receive(now: number, chars: number[]): Output {
        this.now = now
        this.out = emptyOutput()
        for (let i = 0; i < chars.length && !this.done; i++) {
            this.chars++
            // at 8N1 the link hands over whole bytes; error flags above bit 7 are left to the CRC
            this.reader.push(chars[i] & 0xff)
            if (!this.sawStart && this.reader.inTelegram()) this.sawStart = true
        }
        if (!this.done) this.out.deadline = this.deadline
        return this.out
    }

    tick(now: number): Output {
        this.out = emptyOutput()
        if (this.done) return this.out
        if (now >= this.deadline) this.finish(now, false, "no intact SML telegram within " + this.listenMs + " ms")
        else this.out.deadline = this.deadline
        return this.out
    }

    private emit(e: SessionEvent): void {
        this.out.events.push(e)
    }

    private onError(e: CoreError): void {
        if (this.done || ++this.errors > MAX_ERRORS) return
        this.emit({ type: "error", error: e })
    }

    private onReading(t: SmlReading): void {
        if (this.done) return
        const id = t.serverId !== null ? t.serverId : "sml"
        this.emit({
            type: "identification",
            identification: { manufacturer: t.manufacturer !== null ? t.manufacturer : "SML", fastReaction: false, baudChar: "", mode: "D", baud: SML_BAUD, capability: null, ident: id },
        })
        if (t.diagnosis !== null) this.emit({ type: "error", error: { kind: "meter", message: t.diagnosis } })
        for (let i = 0; i < t.dataSets.length; i++) this.emit({ type: "dataSet", dataSet: t.dataSets[i] as DataSet })
        this.emit({ type: "readout", ok: true })
        this.count = t.dataSets.length
        this.finish(this.now, true, "")
    }

    private finish(now: number, ok: boolean, why: string): void {
        if (!ok) this.emit({ type: "error", error: { kind: "timeout", message: why } })
        this.done = true
        const stats: SessionStats = {
            durationMs: now - this.startMs,
            lineMinimumMs: (this.chars * 10000) / SML_BAUD,
            msAtBaud: {},
            mode: "D",
            baud: SML_BAUD,
            retries: 0,
            errors: this.errors,
            charsReceived: this.chars,
            dataSets: this.count,
        }
        this.emit({ type: "finished", ok: ok, stats: stats })
    }

    isDone(): boolean {
        return this.done
    }

    inTelegram(): boolean {
        return this.reader.inTelegram()
    }
}

/**
 * PUSH_UART=auto, PROTOCOL=auto: SML at 9600 8N1 for SML_HUNT_MS; an SML start
 * sequence in that window makes it an SML session, silence or anything else
 * hands over to the D0 push hunt (which starts its own candidates).
 */
export class AutoPushSession implements Engine {
    private sml: SmlSession | null
    private d0: Engine | null = null
    private huntEnd = 0

    constructor(public config: SessionConfig, public memory: ReaderMemory, public options: Partial<SmlOptions> = {}) {
        this.sml = memory.pushProtocol === "d0" ? null : new SmlSession(options)
        if (this.sml === null) this.d0 = new Session(config, memory)
    }

    start(now: number): Output {
        if (this.d0 !== null) return this.d0.start(now)
        const o = (this.sml as SmlSession).start(now)
        if (this.memory.pushProtocol !== "sml") {
            this.huntEnd = now + SML_HUNT_MS
            o.deadline = this.huntEnd
        }
        return o
    }

    private fromSml(o: Output): Output {
        const s = this.sml as SmlSession
        for (let i = 0; i < o.events.length; i++) {
            const e = o.events[i]
            if (e.type === "readout" && e.ok) this.memory.pushProtocol = "sml"
        }
        if (!s.isDone() && this.huntEnd > 0 && !s.sawStart && o.deadline !== null && o.deadline > this.huntEnd) o.deadline = this.huntEnd
        return o
    }

    private toD0(now: number): Output {
        this.sml = null
        this.d0 = new Session(this.config, this.memory)
        const o = this.d0.start(now)
        return this.rememberD0(o)
    }

    private rememberD0(o: Output): Output {
        for (let i = 0; i < o.events.length; i++) {
            const e = o.events[i]
            if (e.type === "readout" && e.ok) this.memory.pushProtocol = "d0"
        }
        return o
    }

    receive(now: number, chars: number[]): Output {
        if (this.d0 !== null) return this.rememberD0(this.d0.receive(now, chars))
        return this.fromSml((this.sml as SmlSession).receive(now, chars))
    }

    tick(now: number): Output {
        if (this.d0 !== null) return this.rememberD0(this.d0.tick(now))
        const s = this.sml as SmlSession
        // nothing SML-like in the hunt window: this is not an SML meter (or not at 9600 8N1)
        if (this.huntEnd > 0 && now >= this.huntEnd && !s.sawStart && !s.isDone()) return this.toD0(now)
        return this.fromSml(s.tick(now))
    }
}
