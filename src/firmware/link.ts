// The serial link to the optical head, over the Jacdac Serial service (role
// "meter"). It moves 7-bit characters: at start it asks the server for 7 data
// bits + even parity; when the server cannot (it reads back other values), the
// UART runs at 8N1 and the core's software 7E1 codec adds and checks parity
// here. FRAMING=hardware|software forces either path.
//
// Error marking agreed with the native ESP32 service: with 7 data bits a
// character with a parity/framing error arrives as 0x80|c; at 8N1 a framing
// error arrives as 0x7F, which the software decoder rejects (odd parity).
import * as ds from "@devicescript/core"
import { encode7E1 } from "../core/bytes"
import { linkReceives } from "../core/serial-marking"
import { Format, UartSettings } from "../core/session-types"
import { Framing } from "./settings"

const REPORT_RECEIVED = 0x80
/**
 * The service's status_code register report (Jacdac system register 0x103, which DeviceScript
 * passes to report() for any service): our services send it when their receive buffer dropped
 * characters, the running total (mod 65536) in its vendor_code. A custom register would not
 * reach the script: the runtime passes on only reports its spec knows.
 */
const REPORT_STATUS = 0x1103
/** received characters waiting for the main loop (one byte each, allocated once); beyond this they are an overrun */
const RX_CAPACITY = 2048

export class SerialLink {
    /** true when the server does 7E1 itself */
    hardware7E1 = false
    format: Format = "7E1"
    baud = 300
    /** characters lost because the ring was full, or the serial service dropped them, since boot */
    overruns = 0
    /** the service's last reported total of dropped characters (mod 65536) */
    private serviceDropped = 0
    // 7-bit characters with bit 7 set for an error: the byte form the engine takes (receiveBytes)
    private ring = Buffer.alloc(RX_CAPACITY)
    private head = 0
    /** characters waiting (read only: take and clear change it) */
    count = 0
    /**
     * since when characters have been waiting without a break (ms; read only): now minus this is the
     * age of the oldest waiting character while the reader keeps up (each take empties the ring), and
     * how long it has not caught up once when it does not
     */
    waitingSince = 0
    /** software 7E1: byte on the wire -> character, bit 7 set on odd parity */
    private decode: Buffer = null
    /** emits when characters are waiting */
    readonly rx = ds.emitter<number>()

    constructor(public ser: ds.Serial, public framing: Framing) {}

    private subscribed = false

    /** Binds the report handler (once) and negotiates the character format (again after a change of `framing`). */
    async init() {
        const self = this
        if (!this.subscribed) this.ser.report().subscribe(pkt => {
            const data = pkt.payload
            if (pkt.serviceCommand === REPORT_STATUS) {
                const total = data.getAt(2, "u16")
                self.overruns += (total - self.serviceDropped) & 0xffff
                self.serviceDropped = total
            }
            if (pkt.serviceCommand !== REPORT_RECEIVED) return
            // the server framework answers our `send` with an empty 0x80 report: not data
            if (!data || !data.length) return
            let n = data.length
            if (self.count === 0) self.waitingSince = ds.millis()
            if (self.count + n > RX_CAPACITY) {
                // overrun: the newest characters are lost, so flag the last one kept and the block fails
                self.overruns += self.count + n - RX_CAPACITY
                n = RX_CAPACITY - self.count
            }
            // 7 data bits (0x80|c marks an error) and 8N1 push meters (the engine flags bytes >= 0x80): as they come
            const dec = self.format === "7E1" && !self.hardware7E1 ? self.decode : null
            const ring = self.ring
            let at = (self.head + self.count) % RX_CAPACITY
            let i = 0
            while (i < n) {
                const k = Math.min(n - i, RX_CAPACITY - at)
                if (dec === null) ring.blitAt(at, data, i, k)
                else for (let j = 0; j < k; j++) ring[at + j] = dec[data[i + j]]
                i += k
                at = (at + k) % RX_CAPACITY
            }
            self.count += n
            if (n < data.length && self.count > 0) ring[(self.head + self.count - 1) % RX_CAPACITY] |= 0x80
            self.rx.emit(data.length)
        })
        this.subscribed = true
        this.format = "7E1"
        await this.ser.enabled.write(true)
        await this.ser.baudRate.write(300)
        await this.ser.stopBits.write(1)
        if (this.framing === "software") this.hardware7E1 = false
        else {
            await this.ser.dataBits.write(7)
            await this.ser.parityMode.write(ds.SerialParityType.Even)
            const bits = await this.ser.dataBits.read()
            const parity = await this.ser.parityMode.read()
            this.hardware7E1 = this.framing === "hardware" || (bits === 7 && parity === ds.SerialParityType.Even)
            if (!this.hardware7E1) {
                await this.ser.dataBits.write(8)
                await this.ser.parityMode.write(ds.SerialParityType.None)
            }
        }
        if (!this.hardware7E1 && this.decode === null) {
            this.decode = Buffer.alloc(256)
            for (let b = 0; b < 256; b++) {
                const c = linkReceives(b, false, false)
                this.decode[b] = c > 0x7f ? 0x80 | (c & 0x7f) : c
            }
        }
        console.log(`link: 300 baud, ${this.hardware7E1 ? "7E1 by the serial server" : "8N1 with software 7E1"}`)
    }

    /** Takes up to `max` waiting characters as bytes (7-bit, bit 7 set = parity or framing error), oldest first. */
    take(max: number): Buffer {
        // up to the ring's end (Math.min takes only two arguments in DeviceScript)
        const n = Math.min(Math.min(max, this.count), RX_CAPACITY - this.head)
        const out = this.ring.slice(this.head, this.head + n)
        this.head = (this.head + n) % RX_CAPACITY
        this.count -= n
        return out
    }

    /** Drops everything waiting. */
    clear() {
        this.head = 0
        this.count = 0
    }

    /** Sends characters in the current format. */
    async send(chars: number[]) {
        if (!chars.length) return
        const b = Buffer.alloc(chars.length)
        const sw = this.format === "7E1" && !this.hardware7E1
        for (let i = 0; i < chars.length; i++) b[i] = sw ? encode7E1(chars[i]) : chars[i] & (this.format === "8N1" ? 0xff : 0x7f)
        await this.ser.send(b)
    }

    /** Applies UART settings (after a send: the server switches once its output drained). */
    async apply(u: UartSettings) {
        if (u.format !== this.format && this.hardware7E1) {
            await this.ser.dataBits.write(u.format === "7E1" ? 7 : 8)
            await this.ser.parityMode.write(u.format === "7E1" ? ds.SerialParityType.Even : ds.SerialParityType.None)
        }
        if (u.baud !== this.baud) await this.ser.baudRate.write(u.baud)
        this.baud = u.baud
        this.format = u.format
    }
}
