// Bench split probe (profiling aid, not part of the device image; host: tools/bench/cpu.ts --split):
// the firmware's session loop (src/firmware/app.ts runSession) and serial link (src/firmware/link.ts)
// as the device runs them, against the same simulated head and generated readout as the CPU bench,
// with less behind them, so the bench's figure splits into its parts:
//   stage 1 (split-link.ts)    the link and the loop with an engine that only signs on and counts
//                              the bytes up to the BCC (no core): report handler + ring copy, wait,
//                              take, the loop's turn per chunk
//   stage 2 (split-engine.ts)  + the real engine as the firmware builds it (Session inside
//                              WatchedEngine, the 512-character trace unless TRACE=off), its events
//                              to a sink that drops them (no publisher)
// The full firmware adds the publisher (hold per data set, the readout's commit and MQTT).
// Each prints "session: ok calls N bytes M" (receiveBytes calls and their bytes after the sign-on).
import * as ds from "@devicescript/core"
import { ByteEngine, Output, SessionEvent } from "../../core/session-types"
import { DataSet } from "../../core/types"
import { Session } from "../../core/session"
import { WatchedEngine } from "../../core/watched"
import { LineTrace } from "../../core/trace"
import { newMemory } from "../../core/memory"
import { runSession } from "../../firmware/app"
import { SerialLink } from "../../firmware/link"
import { loadConfig } from "../../firmware/settings"
import { TRACE_CHARS } from "../../firmware/doctor"

const ETX = 3
const LF = 10

function output(): Output {
    return { send: [], uart: null, deadline: null, events: [] }
}

/** Signs on with fixed messages (as src/sim/head/drain.ts), then counts the bytes up to the block's BCC. */
class SignOnOnly implements ByteEngine {
    phase = 0
    calls = 0
    bytes = 0
    etxAt = -1

    start(now: number): Output {
        const o = output()
        o.send = [0x2f, 0x3f, 0x21, 13, 10]
        return o
    }
    receive(now: number, chars: number[]): Output {
        return output()
    }
    receiveBytes(now: number, b: Buffer, waitedMs?: number, lost?: number): Output {
        const o = output()
        if (this.phase === 0) {
            if (b.indexOf(LF) >= 0) {
                this.phase = 1
                o.deadline = now + 250
            }
        } else if (this.phase === 2) {
            this.calls++
            if (this.etxAt < 0) {
                const i = b.indexOf(ETX)
                if (i >= 0) this.etxAt = this.bytes + i
            }
            this.bytes += b.length
            if (this.etxAt >= 0 && this.bytes >= this.etxAt + 2) o.events.push({ type: "finished", ok: true, stats: null })
        } else o.deadline = now + 1
        return o
    }
    tick(now: number): Output {
        const o = output()
        if (this.phase === 1) {
            // ACK 0 6 0 CR LF: 19200 Bd
            o.send = [6, 0x30, 0x36, 0x30, 13, 10]
            o.uart = { baud: 19200, format: "7E1" }
            this.phase = 2
        }
        return o
    }
}

/** Counts the real engine's receiveBytes calls once it reads the data (at 19200 Bd). */
class Counted implements ByteEngine {
    calls = 0
    bytes = 0
    fast = false
    constructor(public inner: ByteEngine) {}
    start(now: number): Output {
        return this.inner.start(now)
    }
    receive(now: number, chars: number[]): Output {
        return this.inner.receive(now, chars)
    }
    receiveBytes(now: number, b: Buffer, waitedMs?: number, lost?: number): Output {
        if (this.fast) {
            this.calls++
            this.bytes += b.length
        }
        return this.inner.receiveBytes(now, b, waitedMs, lost)
    }
    tick(now: number): Output {
        const o = this.inner.tick(now)
        if (o.uart !== null && o.uart.baud > 300) this.fast = true
        return o
    }
}

export async function runSplit(stage: number) {
    const { config } = await loadConfig()
    const link = new SerialLink(new ds.Serial("meter"), config.framing)
    await link.init()
    const drop = {
        onEvent: async (ev: SessionEvent) => {},
        hold: (d: DataSet) => {},
    }
    if (stage === 1) {
        const e = new SignOnOnly()
        const ok = await runSession(e, link, drop)
        console.log(`session: ${ok ? "ok" : "failed"} calls ${e.calls} bytes ${e.bytes}`)
    } else {
        const e = new Counted(new WatchedEngine(new Session(config.session, newMemory()), config.trace === "off" ? null : new LineTrace(TRACE_CHARS)))
        const ok = await runSession(e, link, drop)
        console.log(`session: ${ok ? "ok" : "failed"} calls ${e.calls} bytes ${e.bytes}`)
    }
}
