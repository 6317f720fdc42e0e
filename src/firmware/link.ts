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
import { RX_PARITY_ERROR } from "../core/types"
import { Format, UartSettings } from "../core/session-types"
import { Framing } from "./settings"

const REPORT_RECEIVED = 0x80
/** received characters waiting for the main loop (2 bytes each, allocated once); beyond this they are an overrun */
const RX_CAPACITY = 2048

export class SerialLink {
    /** true when the server does 7E1 itself */
    hardware7E1 = false
    format: Format = "7E1"
    baud = 300
    overruns = 0
    private ring = Buffer.alloc(RX_CAPACITY * 2)
    private head = 0
    private count = 0
    /** emits when characters are waiting */
    readonly rx = ds.emitter<number>()

    constructor(public ser: ds.Serial, public framing: Framing) {}

    private subscribed = false

    /** Binds the report handler (once) and negotiates the character format (again after a change of `framing`). */
    async init() {
        const self = this
        if (!this.subscribed) this.ser.report().subscribe(pkt => {
            if (pkt.serviceCommand !== REPORT_RECEIVED) return
            const data = pkt.payload
            // the server framework answers our `send` with an empty 0x80 report: not data
            if (!data || !data.length) return
            self.onBytes(data)
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
        console.log(`link: 300 baud, ${this.hardware7E1 ? "7E1 by the serial server" : "8N1 with software 7E1"}`)
    }

    private onBytes(data: Buffer) {
        const hw = this.hardware7E1
        const raw8 = this.format === "8N1"
        for (let i = 0; i < data.length; i++) {
            const b = data[i]
            const c = linkReceives(b, hw, raw8)
            if (this.count >= RX_CAPACITY) {
                // overrun: the newest character is lost, so flag the last one kept and the block fails
                this.overruns++
                const last = ((this.head + this.count - 1) % RX_CAPACITY) * 2
                this.ring[last + 1] |= RX_PARITY_ERROR >> 8
                continue
            }
            const at = ((this.head + this.count) % RX_CAPACITY) * 2
            this.ring[at] = c & 0xff
            this.ring[at + 1] = c >> 8
            this.count++
        }
        this.rx.emit(data.length)
    }

    available() {
        return this.count
    }

    /** Takes up to `max` waiting characters (7-bit, with RX_* flags), oldest first. */
    take(max: number): number[] {
        const n = Math.min(max, this.count)
        const out: number[] = []
        for (let i = 0; i < n; i++) {
            const at = this.head * 2
            out.push(this.ring[at] | (this.ring[at + 1] << 8))
            this.head = (this.head + 1) % RX_CAPACITY
        }
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
