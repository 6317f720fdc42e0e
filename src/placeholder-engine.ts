// PLACEHOLDER until src/core/session.ts lands: a minimal engine behind the
// `Engine` contract so the glue can be built and tested end to end. It speaks
// only the plain data readout (request, identification, mode C ack or mode A,
// STX data ! CR LF ETX BCC) and parses `address(value*unit)` naively. It is not
// the project's protocol engine and is not meant to grow: main.ts switches to
// the real Session with one import line.
import { SessionConfig, Engine, Output, SessionEvent, UartSettings } from "./core/session-types"
import { RX_ERROR_MASK } from "./core/types"

const BAUD_C = [300, 600, 1200, 2400, 4800, 9600, 19200]

/** stands in for core/memory.ts newMemory() */
export function newMemory(): any {
    return {}
}

export class Session implements Engine {
    private state = 0 // 0 ident, 1 data, 2 done
    private line: number[] = []
    private t0 = 0
    private bcc = 0
    private inBlock = false
    private bad = false
    private afterEtx = false
    private baud = 300
    private dataSets = 0
    private chars = 0
    private lastErr = ""

    /** same signature as the real Session(config, memory) */
    constructor(public cfg: SessionConfig, memory?: any) {}

    private out(now: number, events: SessionEvent[], send: number[], uart: UartSettings | null, timeout: number): Output {
        return { send: send, uart: uart, deadline: this.state === 2 ? null : now + timeout, events: events }
    }

    private finish(now: number, ok: boolean, events: SessionEvent[]) {
        this.state = 2
        events.push({
            type: "finished",
            ok: ok,
            stats: {
                durationMs: now - this.t0, lineMinimumMs: 0, msAtBaud: {}, mode: "C", baud: this.baud, retries: 0,
                errors: ok ? 0 : 1, charsReceived: this.chars, dataSets: this.dataSets,
            },
        })
    }

    start(now: number): Output {
        this.t0 = now
        const req: number[] = [0x2f, this.cfg.requestChar.charCodeAt(0)]
        for (let i = 0; i < this.cfg.address.length; i++) req.push(this.cfg.address.charCodeAt(i))
        req.push(0x21, 13, 10)
        return this.out(now, [], req, null, 3000)
    }

    tick(now: number): Output {
        const ev: SessionEvent[] = []
        if (this.state !== 2) {
            ev.push({ type: "error", error: { kind: "timeout", message: this.state === 0 ? "no identification" : "data stopped" } })
            if (this.inBlock) ev.push({ type: "readout", ok: false })
            this.finish(now, false, ev)
        }
        return this.out(now, ev, [], null, 0)
    }

    receive(now: number, chars: number[]): Output {
        const ev: SessionEvent[] = []
        let send: number[] = []
        let uart: UartSettings | null = null
        for (let i = 0; i < chars.length && this.state !== 2; i++) {
            const c = chars[i]
            this.chars++
            if (c & RX_ERROR_MASK) this.bad = true
            const ch = c & 0x7f
            if (this.state === 0) {
                if (ch === 0x2f) this.line = []
                this.line.push(ch)
                if (ch === 10 && this.line[0] === 0x2f && this.line.length >= 7) {
                    let text = ""
                    for (let j = 0; j < this.line.length - 2; j++) text += String.fromCharCode(this.line[j])
                    const z = text.charAt(4)
                    ev.push({
                        type: "identification",
                        identification: {
                            manufacturer: text.slice(1, 4), fastReaction: false, baudChar: z, mode: "C", baud: 300,
                            capability: null, ident: text.slice(5, text.length),
                        },
                    })
                    this.state = 1
                    this.bad = false
                    this.line = []
                    const zi = "0123456".indexOf(z)
                    if (zi >= 0) {
                        let b = BAUD_C[zi]
                        while (b > this.cfg.maxBaud && b > 300) b = b / 2
                        const zc = "0123456".charAt(BAUD_C.indexOf(b))
                        send = [6, 0x30, zc.charCodeAt(0), 0x30, 13, 10]
                        uart = { baud: b, format: "7E1" }
                        this.baud = b
                    }
                }
            } else if (this.afterEtx) {
                const ok = !this.bad && (ch ^ this.bcc) === 0 && this.lastErr === ""
                ev.push({ type: "readout", ok: ok })
                if (!ok) ev.push({ type: "error", error: { kind: this.bad ? "parity" : "bcc", message: "block rejected" } })
                this.finish(now, ok, ev)
            } else if (!this.inBlock) {
                if (ch === 2) {
                    this.bad = c !== ch // errors before the block (echo, line noise) do not count
                    this.inBlock = true
                    this.bcc = 0
                    this.line = []
                }
            } else {
                this.bcc ^= ch
                if (ch === 3) this.afterEtx = true
                else if (ch === 10) {
                    this.dataLine(ev)
                    this.line = []
                } else if (ch !== 13 && this.line.length < 200) this.line.push(ch)
            }
        }
        return this.out(now, ev, send, uart, 3000)
    }

    private dataLine(ev: SessionEvent[]) {
        const l = this.line
        const open = l.indexOf(0x28)
        const close = l.indexOf(0x29)
        if (open <= 0 || close < open) return
        let addr = ""
        for (let j = 0; j < open; j++) addr += String.fromCharCode(l[j])
        let value = ""
        let unit: string | null = null
        let star = -1
        for (let j = open + 1; j < close; j++) if (l[j] === 0x2a) star = j
        const vend = star >= 0 ? star : close
        for (let j = open + 1; j < vend; j++) value += String.fromCharCode(l[j])
        if (star >= 0) {
            unit = ""
            for (let j = star + 1; j < close; j++) unit += String.fromCharCode(l[j])
        }
        this.dataSets++
        ev.push({ type: "dataSet", dataSet: { address: addr, values: [{ text: value, number: null, unit: unit }] } })
    }
}
