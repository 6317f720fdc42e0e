// The simulated optical head: a Jacdac Serial server inside the DeviceScript
// simulator (role "meter", the one the link binds to) with a meter model behind
// it; the line itself is HeadLine's (head-line.ts), as in the Node head.
// `eightN1Only` makes it a server that cannot do 7 data bits (it keeps reading
// back 8/none), which drives the link onto its software 7E1 path.
import * as ds from "@devicescript/core"
import { Server, startServer } from "@devicescript/server"
import { HeadLine } from "./head-line"
import { HeadOptions, LineMeter } from "./line-meter"
export { HeadOptions, LineMeter, MeterChunk } from "./line-meter"

export class SimHead extends Server implements ds.SerialServerSpec {
    private _parity = ds.SerialParityType.None
    private _enabled = true
    private line: HeadLine
    private out: number[] = []

    constructor(public meter: LineMeter, public opt: HeadOptions) {
        super(ds.Serial.spec)
        this.line = new HeadLine(meter, opt)
    }

    enabled() { return this._enabled }
    set_enabled(v: boolean) { this._enabled = v }
    baudRate() { return this.line.pendingBaud ? this.line.pendingBaud : this.line.baud }
    set_baudRate(v: number) { this.line.setBaud(v) }
    dataBits() { return this.line.dataBits }
    set_dataBits(v: number) {
        if (v === 7 && this.opt.eightN1Only) return // cannot: keeps 8
        if (v === 7 || v === 8) this.line.dataBits = v
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

    send(data: Buffer): Buffer {
        this.line.send(ds.millis(), data)
        return Buffer.alloc(0) // the framework reports this as an empty 0x80: the link ignores it
    }

    /** Puts raw bytes on the reader's RX as they are (tests of error marking). */
    injectRaw(bytes: number[]) {
        for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i])
    }

    /** Moves due characters to the reader every few ms, paced at the line rate. */
    async pump() {
        while (true) {
            // at most 96 characters a turn: at 115200 Bd a late turn finds hundreds due, and
            // making them all in one turn (meter model, CRC, line) overran the VM's step budget
            this.line.step(ds.millis(), this.out, 96)
            await this.flush() // one report per turn: the VM drops packets when flooded
            await ds.sleep(this.line.busy() ? 5 : 10)
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
