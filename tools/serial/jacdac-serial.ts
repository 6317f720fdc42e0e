// The bridge's Jacdac side: a Serial service server (jacdac-ts) whose register
// writes and `send` commands go to a SerialBridge (bridge.ts) and whose
// `received` reports carry the device's bytes. The firmware's
// `new ds.Serial("meter")` binds to it like to any Serial service on its bus.
//  - the `send` command gets no reply (a reply would be a 0x80 report, the same
//    code as `received`; the firmware's link ignores empty ones anyway);
//  - `received` reports are never empty, at most 200 bytes each (frame limit);
//  - a data-bits/parity write the bridge refuses (framing "software") reads back
//    8/none, which sends the firmware's link onto its software 7E1 path.
// Two ways onto a bus:
//  - devtoolsBus(port): `devs devtools` on this machine (its Jacdac socket, 8082),
//    with the firmware run by `devs run` (devicescript.md §10);
//  - frameBus(link): any frame pipe, e.g. the DeviceScript VM run in-process by
//    tools/vm-host/devs-host.ts (branch fw): frames from the VM go to link.onFrame's
//    callback, frames to the VM through link.send.
// jacdac-ts's package.json "exports" has no "types" entry, so TypeScript with
// nodenext resolution cannot find its declarations: take them by path (type-only,
// erased at run time) and the code from the package.
import type * as JD from "../../node_modules/jacdac-ts/dist/types/src/jacdac"
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jd = require("jacdac-ts") as typeof JD
const { CHANGE, JDBus, JDServerServiceProvider, JDServiceServer, Packet, SRV_SERIAL, SerialCmd, SerialParityType, SerialReg, Transport, createNodeSocketTransport } = jd
type Packet = JD.Packet
type Transport = JD.Transport
type JDBus = JD.JDBus
import { Parity } from "./bridge"

const MAX_REPORT = 200

/** What the Serial server drives: a real serial device (bridge.ts) or a simulated head (tools/vm-host/sim-head.ts). */
export interface SerialDevice {
    opts: { path: string }
    setEnabled(v: boolean): void
    setBaud(v: number): void
    /** returns the data bits now in force (a device that cannot do 7 keeps 8) */
    setDataBits(v: number): number
    /** returns the parity now in force */
    setParity(v: Parity): Parity
    send(data: Uint8Array): void
    /** set by the server: the device's received bytes */
    onReceived: (data: Buffer) => void
    /** set by the server: the device's receive buffer dropped characters (the running total); called before the data after the gap */
    onDropped?: (total: number) => void
}

export class SerialBridgeServer extends JDServiceServer {
    constructor(public bridge: SerialDevice, name = "meter") {
        super(SRV_SERIAL, { instanceName: name })
        const enabled = this.addRegister<[boolean]>(SerialReg.Connected, [true])
        const baud = this.addRegister<[number]>(SerialReg.BaudRate, [300])
        const bits = this.addRegister<[number]>(SerialReg.DataBits, [8])
        const stop = this.addRegister<[number]>(SerialReg.StopBits, [1])
        const parity = this.addRegister<[number]>(SerialReg.ParityMode, [SerialParityType.None])
        this.addRegister<[number]>(SerialReg.BufferSize, [255])
        this.addRegister<[string]>(SerialReg.ConnectionName, [bridge.opts.path])
        enabled.on(CHANGE, () => bridge.setEnabled(!!enabled.values()[0]))
        baud.on(CHANGE, () => bridge.setBaud(baud.values()[0]))
        bits.on(CHANGE, () => {
            const got = bridge.setDataBits(bits.values()[0])
            if (got !== bits.values()[0]) bits.setValues([got], true)
        })
        stop.on(CHANGE, () => {
            if (stop.values()[0] !== 1) stop.setValues([1], true) // the device runs 1 stop bit
        })
        parity.on(CHANGE, () => {
            const want: Parity = parity.values()[0] === SerialParityType.Even ? "even" : parity.values()[0] === SerialParityType.Odd ? "odd" : "none"
            const got = bridge.setParity(want)
            if (got !== want) parity.setValues([SerialParityType.None], true)
        })
        this.addCommand(SerialCmd.Send, (pkt: Packet) => bridge.send(pkt.data))
        bridge.onDropped = (total: number) => {
            // status_code Ready with the running total (mod 65536) in vendor_code, as the native
            // service reports it: the firmware's link counts the difference as lost characters
            this.statusCode.setValues([0, total & 0xffff], true)
            void this.statusCode.sendGetAsync()
        }
        bridge.onReceived = (data: Buffer) => {
            for (let o = 0; o < data.length; o += MAX_REPORT)
                void this.sendPacketAsync(Packet.from(SerialCmd.Received, data.subarray(o, Math.min(data.length, o + MAX_REPORT))))
        }
    }
}

export interface FrameLink {
    /** a frame for the other side */
    send(frame: Uint8Array): void
    /** register the callback for frames from the other side */
    onFrame(cb: (frame: Uint8Array) => void): void
}

class FrameTransport extends Transport {
    constructor(private link: FrameLink) {
        super("frames", { checkPulse: false })
        link.onFrame(f => this.handleFrame(f))
    }
    description() {
        return "in-process frames"
    }
    protected transportSendPacketAsync(data: Uint8Array): Promise<void> {
        // never re-enter the VM from inside its own sendPacket callback: replies handed
        // over synchronously were lost (the firmware's register reads never completed)
        const copy = data.slice()
        return new Promise(res =>
            setImmediate(() => {
                this.link.send(copy)
                res()
            }),
        )
    }
    protected transportConnectAsync(): Promise<void> {
        return Promise.resolve()
    }
    protected transportDisconnectAsync(): Promise<void> {
        return Promise.resolve()
    }
}

/** A bus with the bridge's device on it, over the given transport. */
function busWith(server: SerialBridgeServer, transport: Transport): JDBus {
    const bus = new JDBus([transport], { client: false, disableRoleManager: true })
    bus.addServiceProvider(new JDServerServiceProvider("opto62056-serial-bridge", [server], { deviceDescription: "opto62056 serial bridge" }))
    bus.autoConnect = true
    void bus.connect()
    return bus
}

export function devtoolsBus(server: SerialBridgeServer, port = 8082, host = "127.0.0.1"): JDBus {
    return busWith(server, createNodeSocketTransport(port, host))
}

export function frameBus(server: SerialBridgeServer, link: FrameLink): JDBus {
    return busWith(server, new FrameTransport(link))
}
