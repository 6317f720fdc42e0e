// The serial bridge's device side: what the firmware's Serial role asks for
// (baud, data bits, parity; bytes to send) carried out on a real serial device
// through serialport, and the device's bytes handed back as `received` reports.
// The Jacdac side lives in jacdac-serial.ts; this file knows nothing of Jacdac, so
// it is tested directly over a pty.
//
// Character format (agreed with the native ESP32 service, native/esp32/README.md):
//  - the device always runs at 8N1; 7E1 travels as the same waveform with the
//    parity in bit 7 ("wire" bytes, line-format.ts), so parity is done here:
//  - 7 data bits + even parity requested: every byte sent is `c | parity(c) << 7`;
//    every byte received is its 7-bit character, with bit 7 set when its parity
//    was wrong (that is how the native service marks a parity/framing error);
//  - 8 data bits: bytes pass unchanged. The native service reports an 8N1 framing
//    error as 0x7F; serialport cannot see framing errors, so the bridge never does.
//  - framing "software": the bridge refuses 7 data bits (reads back 8/none), so the
//    firmware's link does the parity itself; the bytes on the device are the same.
// Register changes are applied in order after what was sent before them has
// drained from the device (a baud switch right after the ack, as the protocol
// wants). The baud is set with stty (baud.ts): serialport's update() flushes.
// Nothing the device does may stop the firmware: a missing or busy port, a port
// unplugged mid-session, a baud the device refuses are logged with what to do,
// retried with backoff (500 ms doubling to 10 s), and meanwhile bytes to send are
// dropped (counted) so the firmware sees a silent meter and runs its own timeouts.
import { existsSync } from "node:fs"
import { SerialPort } from "serialport"
import { decode7E1, encode7E1 } from "../../src/core/bytes"
import { RX_ERROR_MASK } from "../../src/core/types"
import { setBaud } from "./baud"

export type Parity = "none" | "even" | "odd"

export interface BridgeOptions {
    path: string
    /** "hardware" (default): the bridge accepts 7 data bits + parity and does them; "software": it refuses them */
    framing?: "hardware" | "software"
    log?: (s: string) => void
    retryMinMs?: number
    retryMaxMs?: number
}

export interface BridgeStats {
    opened: number
    openErrors: number
    bytesSent: number
    bytesReceived: number
    /** bytes the firmware sent while the device was not open */
    dropped: number
    baudErrors: number
}

export class SerialBridge {
    baud = 300
    dataBits = 8
    parity: Parity = "none"
    enabled = true
    readonly stats: BridgeStats = { opened: 0, openErrors: 0, bytesSent: 0, bytesReceived: 0, dropped: 0, baudErrors: 0 }
    /** received bytes, never empty */
    onReceived: (data: Buffer) => void = () => {}
    private port: SerialPort | null = null
    private queue: Promise<void> = Promise.resolve()
    private retryMs: number
    private retryTimer: NodeJS.Timeout | null = null
    private stopped = false
    private lastError = ""
    private log: (s: string) => void
    /** the baud actually in force on the device */
    private deviceBaud = 0

    constructor(public opts: BridgeOptions) {
        this.log = opts.log ?? (s => process.stderr.write(`bridge: ${s}\n`))
        this.retryMs = opts.retryMinMs ?? 500
    }

    isOpen(): boolean {
        return this.port !== null && this.port.isOpen
    }

    /** Opens the device (retrying in the background until it works). */
    start() {
        this.stopped = false
        this.open()
    }

    async stop() {
        this.stopped = true
        if (this.retryTimer) clearTimeout(this.retryTimer)
        const p = this.port
        this.port = null
        if (p && p.isOpen) await new Promise<void>(r => p.close(() => r()))
    }

    /** 7-bit characters with parity done here */
    sevenBit(): boolean {
        return this.dataBits === 7 && this.parity !== "none"
    }

    // ---- what the firmware asks (Jacdac register writes and the send command) ----

    setEnabled(v: boolean) {
        this.enabled = v
    }

    /** returns the value now in force (the register reads it back) */
    setDataBits(v: number): number {
        this.enqueue(async () => {
            if (v === 7 && this.opts.framing === "software") return
            if (v === 7 || v === 8) this.dataBits = v
        })
        return v === 7 && this.opts.framing === "software" ? 8 : v === 7 || v === 8 ? v : this.dataBits
    }

    setParity(v: Parity): Parity {
        const refuse = v !== "none" && this.opts.framing === "software"
        this.enqueue(async () => {
            if (!refuse) this.parity = v
        })
        return refuse ? "none" : v
    }

    setBaud(v: number) {
        if (!(v > 0)) return
        this.enqueue(async () => {
            this.baud = v
            await this.applyBaud()
        })
    }

    send(data: Uint8Array) {
        if (data.length === 0) return
        this.enqueue(async () => {
            const p = this.port
            if (!this.enabled) return
            if (!p || !p.isOpen) {
                this.stats.dropped += data.length
                return
            }
            const seven = this.sevenBit()
            const odd = this.parity === "odd"
            const b = Buffer.alloc(data.length)
            for (let i = 0; i < data.length; i++) b[i] = seven ? encode7E1(data[i]) ^ (odd ? 0x80 : 0) : data[i]
            await new Promise<void>(res => {
                p.write(b, err => {
                    if (err) {
                        this.log(`write to ${this.opts.path} failed: ${err.message}`)
                        return res()
                    }
                    this.stats.bytesSent += b.length
                    p.drain(() => res())
                })
            })
        })
    }

    // ---- the device ----

    private enqueue(op: () => Promise<void>) {
        this.queue = this.queue.then(op).catch(e => this.log(`${(e as Error).message}`))
    }

    private received(d: Buffer) {
        if (!this.enabled || d.length === 0) return
        this.stats.bytesReceived += d.length
        let out = d
        if (this.sevenBit()) {
            out = Buffer.alloc(d.length)
            const odd = this.parity === "odd"
            for (let i = 0; i < d.length; i++) {
                const c = decode7E1(odd ? d[i] ^ 0x80 : d[i])
                out[i] = (c & 0x7f) | (c & RX_ERROR_MASK ? 0x80 : 0)
            }
        }
        this.onReceived(out)
    }

    private async applyBaud() {
        const p = this.port
        if (!p || !p.isOpen || this.deviceBaud === this.baud) return
        try {
            await setBaud(p, this.opts.path, this.baud)
            this.deviceBaud = this.baud
        } catch (e) {
            this.stats.baudErrors++
            this.log(`${(e as Error).message}; keeping ${this.deviceBaud} baud, trying again in ${this.retryMs} ms`)
            this.retryLater(() => this.enqueue(() => this.applyBaud()))
        }
    }

    private retryLater(fn: () => void) {
        if (this.stopped || this.retryTimer) return
        const ms = this.retryMs
        this.retryMs = Math.min(ms * 2, this.opts.retryMaxMs ?? 10000)
        this.retryTimer = setTimeout(() => {
            this.retryTimer = null
            fn()
        }, ms)
    }

    private open() {
        if (this.stopped) return
        const path = this.opts.path
        const p = new SerialPort({ path, baudRate: this.baud, dataBits: 8, parity: "none", stopBits: 1, autoOpen: false })
        p.open(err => {
            if (this.stopped) {
                if (!err) p.close()
                return
            }
            if (err) {
                this.stats.openErrors++
                const why = explain(err.message, path)
                if (why !== this.lastError) this.log(`${why}; retrying every ${(this.retryMs / 1000).toFixed(1)}..${((this.opts.retryMaxMs ?? 10000) / 1000).toFixed(0)} s`)
                this.lastError = why
                this.retryLater(() => this.open())
                return
            }
            this.port = p
            this.deviceBaud = this.baud
            this.stats.opened++
            this.retryMs = this.opts.retryMinMs ?? 500
            this.lastError = ""
            this.log(`${path} open at ${this.baud} baud (8N1 on the device${this.sevenBit() ? ", 7E1 in the bridge" : ""})`)
            p.on("data", (d: Buffer) => this.received(d))
            p.on("error", e => this.log(`${path}: ${e.message}`))
            // a device node that disappears is an unplug even when no read error comes (seen on ptys under load)
            const watch = setInterval(() => {
                if (p.isOpen && !existsSync(path)) {
                    this.log(`${path} disappeared (unplugged?)`)
                    p.close(() => {})
                }
            }, 250)
            p.on("close", (e: (Error & { disconnected?: boolean }) | null) => {
                clearInterval(watch)
                if (this.port === p) this.port = null
                if (this.stopped) return
                this.log(`${path} closed${e ? ": " + e.message : ""}${e?.disconnected ? " (unplugged?)" : ""}; reopening`)
                this.retryLater(() => this.open())
            })
            // the baud may have changed while the device was away
            this.enqueue(() => this.applyBaud())
        })
    }
}

function explain(msg: string, path: string): string {
    if (/ENOENT|No such file/i.test(msg)) return `${path} does not exist (head not plugged in, or another name: ls /dev/ttyUSB* /dev/ttyACM*)`
    if (/lock|EBUSY|busy|Resource temporarily unavailable/i.test(msg)) return `${path} is busy (another program has it open: fuser ${path})`
    if (/EACCES|Permission denied/i.test(msg)) return `no permission for ${path} (add yourself to the dialout group)`
    return `cannot open ${path}: ${msg}`
}
