// The simulated optical head on the Node side of the in-process VM: the device
// that the Serial server (tools/serial/jacdac-serial.ts) drives, with a meter
// model behind it (src/sim/head/line-meter.ts). The firmware in the VM is the
// device's own image, byte for byte: nothing of the simulator has to fit into
// DeviceScript's 64 KB of function code.
//
// The line itself is HeadLine's (src/sim/head/head-line.ts), as in the DeviceScript head.
import { performance } from "node:perf_hooks"
import { HeadLine } from "../../src/sim/head/head-line"
import { HeadOptions, LineMeter } from "../../src/sim/head/line-meter"
import type { Parity } from "../serial/bridge"
import type { SerialDevice } from "../serial/jacdac-serial"

/** how often the line is serviced (ms of wall time) */
const PUMP_MS = 4
/** received bytes handed over per pump turn at real line rate (the server splits them into reports); scaled by `speed` */
const MAX_BATCH = 230

export class SimulatedHead implements SerialDevice {
    opts = { path: "simulated head" }
    onReceived: (data: Buffer) => void = () => {}
    private line: HeadLine
    private parity: Parity = "none"
    private enabled = true
    private t0 = performance.now()
    private timer: NodeJS.Timeout | null = null

    onDropped?: (total: number) => void
    /** characters the service's receive buffer dropped, since the start */
    dropped = 0

    /**
     * `ring` > 0: the head behaves like a serial service with a receive buffer of that many
     * characters (the native service's is 1024): the line does not wait for the reader, so what
     * came due while the reader was busy beyond that is lost, oldest first, and reported. 0: the
     * line waits for the reader (at most MAX_BATCH per turn), which no real meter does, but keeps
     * a loaded test machine from losing characters a device would not.
     */
    constructor(public meter: LineMeter, public opt: HeadOptions, public ring = 0) {
        this.line = new HeadLine(meter, opt)
    }

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
        this.line.setBaud(v)
    }

    setDataBits(v: number): number {
        if (v === 7 && this.opt.eightN1Only) return this.line.dataBits
        if (v === 7 || v === 8) this.line.dataBits = v
        return this.line.dataBits
    }

    setParity(v: Parity): Parity {
        if (v !== "none" && this.opt.eightN1Only) return this.parity
        this.parity = v
        return v
    }

    send(data: Uint8Array) {
        if (this.enabled) this.line.send(this.now(), Buffer.from(data))
    }

    private pump() {
        const out: number[] = []
        this.line.step(this.now(), out, this.ring > 0 ? Infinity : MAX_BATCH * (this.opt.speed > 8 ? this.opt.speed / 8 : 1))
        if (!out.length || !this.enabled) return
        if (this.ring > 0 && out.length > this.ring) {
            this.dropped += out.length - this.ring
            out.splice(0, out.length - this.ring)
            this.onDropped?.(this.dropped)
        }
        this.onReceived(Buffer.from(out))
    }
}
