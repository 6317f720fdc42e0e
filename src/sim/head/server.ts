// The simulated optical head: a Jacdac Serial server inside the DeviceScript
// simulator (role "meter", the one the link binds to) with a meter model behind
// it. It emulates the line: characters take 10 bit times at the current baud,
// the reader's UART format decides what it sees (a 7E1 character read at 8N1
// has its parity in bit 7; read at 7 data bits with bad parity it arrives as
// 0x80|c, as the native ESP32 service marks it), a baud mismatch arrives as a
// framing error, and an IR head can echo what the reader sends.
// `eightN1Only` makes it a server that cannot do 7 data bits (it keeps reading
// back 8/none), which drives the link onto its software 7E1 path.
import * as ds from "@devicescript/core"
import { Server, startServer } from "@devicescript/server"
import { encode7E1 } from "../../core/bytes"
import { serviceDelivers } from "../../core/serial-marking"

import { HeadOptions, LineMeter, MeterChunk } from "./line-meter"
export { HeadOptions, LineMeter, MeterChunk } from "./line-meter"

/** serviceDelivers(w, 7, false) for every wire byte */
const SEES7 = Buffer.alloc(256)
for (let w = 0; w < 256; w++) SEES7[w] = serviceDelivers(w, 7, false)

export class SimHead extends Server implements ds.SerialServerSpec {
    private _baud = 300
    private _bits = 8
    private _parity = ds.SerialParityType.None
    private _enabled = true
    private chunk: MeterChunk = null
    private pos = 0
    private txWire: number[] = []
    private txAt: number[] = []
    private txBaud: number[] = []
    private txFree = 0
    private pendingBaud = 0
    private lineFree = 0
    private out: number[] = []
    private reported = ds.emitter<number>()

    constructor(public meter: LineMeter, public opt: HeadOptions) {
        super(ds.Serial.spec)
    }

    enabled() { return this._enabled }
    set_enabled(v: boolean) { this._enabled = v }
    baudRate() { return this.pendingBaud ? this.pendingBaud : this._baud }
    set_baudRate(v: number) {
        // like a UART driver: the new baud applies once the characters already queued have left
        if (this.txAt.length) this.pendingBaud = v
        else this._baud = v
    }
    dataBits() { return this._bits }
    set_dataBits(v: number) {
        if (v === 7 && this.opt.eightN1Only) return // cannot: keeps 8
        if (v === 7 || v === 8) this._bits = v
    }
    stopBits() { return 1 }
    set_stopBits(v: number) {}
    parityMode() { return this._parity }
    set_parityMode(v: ds.SerialParityType) {
        if (v !== ds.SerialParityType.None && this.opt.eightN1Only) return
        this._parity = v
    }
    bufferSize() { return 255 }
    set_bufferSize(v: number) {}

    private charMs(baud: number) {
        return 10000 / baud / this.opt.speed
    }

    /** What the reader's UART makes of a wire byte w (the 8 bits after the start bit). */
    private readerSees(w: number, lineBaud: number): number {
        // another baud on the line: the reader's UART sees a framing error
        if (lineBaud !== this._baud) return serviceDelivers(0xff, this._bits, true)
        // by table: the CPU bench subtracts the head's cost, so less of it means less noise in the figure
        return this._bits === 7 ? SEES7[w & 0xff] : w & 0xff
    }

    /** The reader sends: each byte reaches the meter (and the echo the reader) when its stop bit has left. */
    send(data: Buffer): Buffer {
        const t = this.charMs(this._baud)
        let at = Math.max(ds.millis(), this.txFree)
        for (let i = 0; i < data.length; i++) {
            const b = data[i]
            at += t
            // the wire byte: at 7 data bits the server adds the parity bit
            this.txWire.push(this._bits === 7 ? encode7E1(b) : b)
            this.txAt.push(at)
            this.txBaud.push(this._baud)
        }
        this.txFree = at
        return Buffer.alloc(0) // the framework reports this as an empty 0x80: the link ignores it
    }

    /** Reader characters whose stop bit has ended reach the meter (and the echo). */
    private deliverTx(now: number) {
        while (this.txAt.length && this.txAt[0] <= now) {
            const w = this.txWire.shift()
            const at = this.txAt.shift()
            const baud = this.txBaud.shift()
            this.meter.receiveWire(at, w, baud)
            if (this.opt.echo) this.out.push(this.readerSees(w, baud))
        }
        if (!this.txAt.length && this.pendingBaud) {
            this._baud = this.pendingBaud
            this.pendingBaud = 0
        }
    }

    /** Puts raw bytes on the reader's RX as they are (tests of error marking). */
    injectRaw(bytes: number[]) {
        for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i])
    }

    /** Moves due characters to the reader every few ms, paced at the line rate. */
    async pump() {
        while (true) {
            const now = ds.millis()
            this.deliverTx(now)
            this.meter.tick(now)
            // at most 96 characters a turn: at 115200 Bd a late turn finds hundreds due, and
            // making them all in one turn (meter model, CRC, line) overran the VM's step budget
            while (this.out.length < 96) {
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
                this.out.push(this.readerSees(m.wire[this.pos++], m.baud))
            }
            if (this.chunk === null && this.lineFree < now) this.lineFree = now
            await this.flush() // one report per turn: the VM drops packets when flooded
            await ds.sleep(this.chunk !== null || this.txAt.length ? 5 : 10)
        }
    }

    private async flush() {
        if (!this.out.length) return
        const b = Buffer.from(this.out)
        this.out = []
        await this._send(ds.Serial.spec.lookup("received").encode(b))
    }
}

/** Starts the head as the "meter" role's server and its line pump. */
export function startSimHead(meter: LineMeter, opt: HeadOptions): SimHead {
    const h = new SimHead(meter, opt)
    startServer(h, { roleName: "meter" })
    h.pump.start()
    return h
}
