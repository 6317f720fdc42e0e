// The simulated optical head on the Node side of the in-process VM: the device
// that the Serial server (tools/serial/jacdac-serial.ts) drives, with a meter
// model behind it (src/sim/head/line-meter.ts). The firmware in the VM is the
// device's own image, byte for byte: nothing of the simulator has to fit into
// DeviceScript's 64 KB of function code.
//
// It emulates the line as the DeviceScript head (src/sim/head/server.ts) does:
// a character takes 10 bit times at the baud in force (divided by `speed`), the
// reader's UART format decides what it sees (serial-marking.ts: at 7 data bits a
// bad parity arrives as 0x80|c), a character sent at another baud arrives as a
// framing error, an echoing head returns what the reader sends, and a baud
// change applies once the characters already queued have left.
import { performance } from "node:perf_hooks"
import { encode7E1 } from "../../src/core/bytes"
import { serviceDelivers } from "../../src/core/serial-marking"
import { HeadOptions, LineMeter, MeterChunk } from "../../src/sim/head/line-meter"
import type { Parity } from "../serial/bridge"
import type { SerialDevice } from "../serial/jacdac-serial"

/** how often the line is serviced (ms of wall time) */
const PUMP_MS = 4
/** received bytes handed over per pump turn at real line rate (the server splits them into reports); scaled by `speed` */
const MAX_BATCH = 230

export class SimulatedHead implements SerialDevice {
    opts = { path: "simulated head" }
    onReceived: (data: Buffer) => void = () => {}
    private baud = 300
    private pendingBaud = 0
    private dataBits = 8
    private parity: Parity = "none"
    private enabled = true
    private t0 = performance.now()
    private timer: NodeJS.Timeout | null = null
    // the reader's characters on their way to the meter
    private tx: { wire: number; at: number; baud: number }[] = []
    private txFree = 0
    // the meter's characters on their way to the reader
    private chunk: MeterChunk | null = null
    private pos = 0
    private lineFree = 0
    /** a reader at another baud than the line's sees its next damaged character no sooner than this */
    private garbledUntil = 0
    private out: number[] = []

    constructor(public meter: LineMeter, public opt: HeadOptions) {}

    /** ms since the head started, the clock the meter model runs on */
    now(): number {
        return performance.now() - this.t0
    }

    start() {
        this.timer = setInterval(() => this.pump(), PUMP_MS)
    }

    stop() {
        if (this.timer) clearInterval(this.timer)
        this.timer = null
    }

    setEnabled(v: boolean) {
        this.enabled = v
    }

    setBaud(v: number) {
        // like a UART driver: the new baud applies once the characters already queued have left
        if (this.tx.length) this.pendingBaud = v
        else this.baud = v
    }

    setDataBits(v: number): number {
        if (v === 7 && this.opt.eightN1Only) return this.dataBits
        if (v === 7 || v === 8) this.dataBits = v
        return this.dataBits
    }

    setParity(v: Parity): Parity {
        if (v !== "none" && this.opt.eightN1Only) return this.parity
        this.parity = v
        return v
    }

    private charMs(baud: number): number {
        return 10000 / baud / this.opt.speed
    }

    /** What the reader's UART makes of a wire byte: another baud on the line is a framing error. */
    private readerSees(w: number, lineBaud: number): number {
        const garbled = lineBaud !== this.baud || !!this.opt.rxInverted
        return serviceDelivers(garbled ? 0xff : w, this.dataBits, garbled)
    }

    /**
     * The reader sends: each byte reaches the meter (and the echo the reader) when its stop bit has
     * left. The reader's characters take their real time even when the meter's run faster: the
     * firmware's baud change travels as a register write behind its option select, and a sped-up
     * option select let the meter answer at the new baud before the change arrived.
     */
    send(data: Uint8Array) {
        if (!this.enabled) return
        const t = 10000 / this.baud
        let at = Math.max(this.now(), this.txFree)
        for (const b of data) {
            at += t
            // at 7 data bits the UART adds the parity bit
            this.tx.push({ wire: this.dataBits === 7 ? encode7E1(b) : b, at, baud: this.baud })
        }
        this.txFree = at
    }

    private pump() {
        const now = this.now()
        while (this.tx.length && this.tx[0].at <= now) {
            const c = this.tx.shift()!
            this.meter.receiveWire(c.at, c.wire, c.baud)
            if (this.opt.echo) this.out.push(this.readerSees(c.wire, c.baud))
        }
        if (!this.tx.length && this.pendingBaud) {
            this.baud = this.pendingBaud
            this.pendingBaud = 0
        }
        this.meter.tick(now)
        while (this.out.length < MAX_BATCH * (this.opt.speed > 8 ? this.opt.speed / 8 : 1)) {
            if (this.chunk === null || this.pos >= this.chunk.wire.length) {
                this.chunk = this.meter.transmit(now)
                this.pos = 0
                if (this.chunk === null) break
            }
            const m = this.chunk
            const start = Math.max(this.lineFree, this.pos ? 0 : m.at)
            const end = start + this.charMs(m.baud)
            if (end > now + 0.5) {
                if (start > this.lineFree) this.lineFree = start
                break
            }
            this.lineFree = end
            const w = m.wire[this.pos++]
            if (m.baud !== this.baud) {
                // another baud on the line: the reader's UART frames what it can at its own rate, at
                // most one (damaged) character per its character time however fast the meter sends
                if (end < this.garbledUntil) continue
                this.garbledUntil = end + this.charMs(this.baud)
            }
            this.out.push(this.readerSees(w, m.baud))
        }
        if (this.chunk === null && this.lineFree < now) this.lineFree = now
        if (this.out.length && this.enabled) this.onReceived(Buffer.from(this.out))
        this.out = []
    }
}
