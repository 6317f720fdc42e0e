// An engine wrapped so that everything crossing it is seen: characters both
// ways go to the line watch (for the diagnosis) and the trace ring, with the
// UART settings in force at their time. The wrapped engine is untouched and
// the driver cannot tell the difference, so the firmware, the virtual line and
// the bench drive it exactly like a bare Session.
import { ByteEngine, Output, UartSettings } from "./session-types"
import { LineWatch } from "./line-watch"
import { LineTrace } from "./trace"
import { charMs } from "./timing"

export class WatchedEngine implements ByteEngine {
    watch = new LineWatch(0)
    private uart: UartSettings = { baud: 300, format: "7E1" }
    private pending: UartSettings | null = null
    private txFree = 0

    /** `trace` null: no trace (TRACE=off keeps no buffer at all) */
    constructor(public inner: ByteEngine, public trace: LineTrace | null) {}

    start(now: number): Output {
        this.watch = new LineWatch(now)
        if (this.trace !== null) this.trace.clear(now)
        this.uart = { baud: 300, format: "7E1" }
        this.pending = null
        this.txFree = now
        return this.seen(now, this.inner.start(now))
    }

    receive(now: number, chars: number[]): Output {
        this.settle(now)
        const u = this.uart
        this.watch.received(now, chars, u.baud)
        if (this.trace !== null) for (let i = 0; i < chars.length; i++) this.trace.add(now, "RX", chars[i], u.baud, u.format)
        return this.seen(now, this.inner.receive(now, chars))
    }

    /** the run as it is (at 7E1 bit 7 marks a damaged character; at 8N1, push meters and SML, the byte is as it came): no work per character */
    receiveBytes(now: number, bytes: Buffer, waitedMs = 0, lost = 0): Output {
        if (this.pending !== null) this.settle(now) // (no call when nothing waits: this runs per chunk)
        const u = this.uart
        this.watch.receivedBytes(now, bytes, u.baud, u.format === "8N1")
        if (this.trace !== null) this.trace.addBytes(now, bytes, u.baud, u.format)
        return this.seen(now, this.inner.receiveBytes(now, bytes, waitedMs, lost))
    }

    tick(now: number): Output {
        this.settle(now)
        return this.seen(now, this.inner.tick(now))
    }

    /** a UART change applies once our characters have left the line, as the drivers do it */
    private settle(now: number): void {
        if (this.pending !== null && now >= this.txFree) {
            this.uart = this.pending
            this.pending = null
            // the highest baud the UART was switched to
            if (this.uart.baud > this.watch.switchedBaud) this.watch.switchedBaud = this.uart.baud
        }
    }

    private seen(now: number, out: Output): Output {
        if (out.send.length) {
            const u = this.pending !== null ? this.pending : this.uart
            const ms = charMs(u.baud)
            let t = this.txFree > now ? this.txFree : now
            for (let i = 0; i < out.send.length; i++) {
                t += ms
                if (this.trace !== null) this.trace.add(t, "TX", out.send[i], u.baud, u.format)
            }
            this.watch.sent(now, t, out.send)
            this.txFree = t
        }
        if (out.uart !== null) {
            this.pending = out.uart
            this.settle(now)
        }
        this.watch.events(now, out.events)
        return out
    }
}
