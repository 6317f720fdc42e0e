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
import { encode7E1, parityBit } from "./core/bytes"
import { RX_PARITY_ERROR } from "./core/types"
import { Format } from "./core/session-types"

/** The meter behind the head. Times are ms (ds.millis()); characters are 7-bit (8-bit for 8N1 meters). */
export interface LineMeter {
    /** one character from the reader has fully arrived; RX_PARITY_ERROR when the meter's UART saw it damaged */
    receive(now: number, c: number): void
    /** the next characters the meter sends (called when the head has room), or null when silent now */
    transmit(now: number): MeterChunk | null
    /** the baud and format the meter's UART listens with right now */
    lineBaud(): number
    lineFormat(): Format
}

/** Characters sent back to back at one baud and format. */
export interface MeterChunk {
    chars: Buffer
    baud: number
    format: Format
    /** the first character not before this time (the meter's reaction time); 0 = as soon as the line is free */
    at: number
}

export interface HeadOptions {
    eightN1Only: boolean
    echo: boolean
    /** 1 = real line rate; larger values run the line faster (for very large readouts in tests) */
    speed: number
}

function evenParityOk(w: number): boolean {
    return parityBit(w & 0x7f) === ((w >> 7) & 1)
}

export class SimHead extends Server implements ds.SerialServerSpec {
    private _baud = 300
    private _bits = 8
    private _parity = ds.SerialParityType.None
    private _enabled = true
    private chunk: MeterChunk = null
    private pos = 0
    private lineFree = 0
    private out: number[] = []
    private reported = ds.emitter<number>()

    constructor(public meter: LineMeter, public opt: HeadOptions) {
        super(ds.Serial.spec)
    }

    enabled() { return this._enabled }
    set_enabled(v: boolean) { this._enabled = v }
    baudRate() { return this._baud }
    set_baudRate(v: number) { this._baud = v }
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
        if (lineBaud !== this._baud) return this._bits === 7 ? 0xff : 0x7f // framing error
        if (this._bits === 8) return w & 0xff
        return evenParityOk(w) ? w & 0x7f : 0x80 | (w & 0x7f)
    }

    /** The reader sends: each byte reaches the meter when its last bit has left. */
    send(data: Buffer): Buffer {
        const now = ds.millis()
        const t = this.charMs(this._baud)
        for (let i = 0; i < data.length; i++) {
            const b = data[i]
            // the wire byte: at 7 data bits the server adds the parity bit
            const w = this._bits === 7 ? encode7E1(b) : b
            let c: number
            if (this._baud !== this.meter.lineBaud()) c = 0x7f | RX_PARITY_ERROR
            else if (this.meter.lineFormat() === "8N1") c = w
            else c = evenParityOk(w) ? w & 0x7f : (w & 0x7f) | RX_PARITY_ERROR
            this.meter.receive(now + (i + 1) * t, c)
            if (this.opt.echo) this.out.push(this.readerSees(w, this._baud))
        }
        return Buffer.alloc(0) // the framework reports this as an empty 0x80: the link ignores it
    }

    /** Puts raw bytes on the reader's RX as they are (tests of error marking). */
    injectRaw(bytes: number[]) {
        for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i])
    }

    /** Moves due characters to the reader every few ms, paced at the line rate. */
    async pump() {
        while (true) {
            const now = ds.millis()
            while (this.out.length < 230) {
                if (this.chunk === null || this.pos >= this.chunk.chars.length) {
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
                const c = m.chars[this.pos++]
                const w = m.format === "7E1" ? encode7E1(c) : c
                this.out.push(this.readerSees(w, m.baud))
            }
            if (this.chunk === null && this.lineFree < now) this.lineFree = now
            await this.flush() // one report per turn: the VM drops packets when flooded
            await ds.sleep(this.chunk !== null ? 5 : 10)
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
