// A small MQTT 3.1.1 client with a delivery guarantee, on @devicescript/net sockets.
// The stock @devicescript/net MQTTClient uses one fixed packet id, never waits for
// PUBACK and reports success once bytes are written, so a message written just
// before the broker dies is lost silently. Here every publish is QoS 1 with its
// own packet id and `publish` returns true only after the broker's PUBACK; the
// caller keeps the message until then. One connection, one publish in flight.
import * as ds from "@devicescript/core"
import { connect, Socket } from "@devicescript/net"

export interface MqttOptions {
    host: string
    port: number
    tls: boolean
    clientId: string
    username: string
    password: string
    keepAliveSec: number
    willTopic: string
    willPayload: string
    willRetain: boolean
}

function u16(n: number): Buffer {
    const b = Buffer.alloc(2)
    b[0] = (n >> 8) & 0xff
    b[1] = n & 0xff
    return b
}

function str(s: string): Buffer {
    const b = Buffer.from(s)
    return u16(b.length).concat(b)
}

/** Fixed header: the packet type byte and the remaining length. */
function header(byte1: number, bodyLength: number): Buffer {
    let len = bodyLength
    const lb: number[] = [byte1]
    while (true) {
        let d = len & 127
        len = len >> 7
        if (len > 0) d |= 128
        lb.push(d)
        if (len === 0) break
    }
    return Buffer.from(lb)
}

function packet(byte1: number, body: Buffer): Buffer {
    return header(byte1, body.length).concat(body)
}

/** an incoming packet longer than this closes the connection: we only subscribe to one-word commands */
const MAX_INCOMING = 1024
const PACKET_PUBLISH = 3
const PACKET_SUBSCRIBE = 0x82 // type 8, reserved flags 0010 (MQTT 3.1.1 section 3.8.1)

export class MqttConnection {
    /** topics subscribed (QoS 0) after every connect: the session is clean, so the broker forgets them */
    subscriptions: string[] = []
    /** called for every PUBLISH the broker forwards (QoS 0: nothing to acknowledge) */
    onMessage: ((topic: string, payload: Buffer) => void) | null = null
    private sock: Socket = null
    private rx: Buffer = null
    private events = ds.emitter<number>()
    private connack = -1
    private acked = -1
    private nextPid = 1
    private lastSend = 0
    private lastRecv = 0
    private closed = true
    /** the last reason the connection failed or closed */
    lastError = ""

    constructor(public opt: MqttOptions) {}

    isConnected() {
        return !this.closed && this.connack === 0
    }

    /** Opens the socket, sends CONNECT and waits for CONNACK. */
    async connect(timeoutMs: number): Promise<boolean> {
        const o = this.opt
        await this.close()
        this.rx = null
        this.connack = -1
        try {
            this.sock = await connect({
                host: o.host,
                port: o.port,
                proto: o.tls ? "tls" : "tcp",
                timeout: timeoutMs,
            })
        } catch (e) {
            this.lastError = "connect: " + (e as Error).message
            this.sock = null
            return false
        }
        this.closed = false
        this.lastRecv = ds.millis()
        const s = this.sock
        this.reader.start(s)
        let flags = 0x02 // clean session
        let payload = str(o.clientId)
        if (o.willTopic.length) {
            flags |= 0x04 | 0x08 // will, QoS 1
            if (o.willRetain) flags |= 0x20
            payload = payload.concat(str(o.willTopic)).concat(str(o.willPayload))
        }
        if (o.username.length) {
            flags |= 0x80
            payload = payload.concat(str(o.username))
            if (o.password.length) {
                flags |= 0x40
                payload = payload.concat(str(o.password))
            }
        }
        const vh = str("MQTT").concat(Buffer.from([4, flags])).concat(u16(o.keepAliveSec))
        if (!(await this.writeParts(packet(0x10, vh.concat(payload)), 0, null))) return false
        const t0 = ds.millis()
        while (this.connack < 0 && !this.closed && ds.millis() - t0 < timeoutMs)
            await ds.wait(this.events, timeoutMs - (ds.millis() - t0))
        if (this.connack !== 0) {
            this.lastError =
                this.connack > 0 ? "broker refused the connection (code " + this.connack + ")" : this.closed ? this.lastError : "no CONNACK"
            await this.close()
            return false
        }
        for (let i = 0; i < this.subscriptions.length; i++) {
            const body = u16(this.nextPid).concat(str(this.subscriptions[i])).concat(Buffer.from([0]))
            this.nextPid = this.nextPid >= 65535 ? 1 : this.nextPid + 1
            if (!(await this.writeParts(packet(PACKET_SUBSCRIBE, body), 0, null))) return false
        }
        return true
    }

    /** QoS 1 publish of `size` payload bytes, asked for piece by piece (piece(0), piece(1)…); true once the broker acknowledged it. */
    async publish(topic: string, size: number, piece: (i: number) => Buffer, retain: boolean, timeoutMs: number): Promise<boolean> {
        if (!this.isConnected()) return false
        const pid = this.nextPid
        this.nextPid = pid >= 65535 ? 1 : pid + 1
        this.acked = -1
        // the header and each piece go out as separate writes: a state message is kilobytes, and
        // one contiguous block of that size may not exist in a fragmented heap
        const vh = str(topic).concat(u16(pid))
        if (!(await this.writeParts(header(0x32 | (retain ? 1 : 0), vh.length + size).concat(vh), size, piece))) return false
        const t0 = ds.millis()
        while (this.acked !== pid && !this.closed && ds.millis() - t0 < timeoutMs)
            await ds.wait(this.events, timeoutMs - (ds.millis() - t0))
        if (this.acked !== pid) {
            if (!this.closed) this.lastError = "no PUBACK within " + timeoutMs + " ms"
            await this.close()
            return false
        }
        return true
    }

    /** Keeps the connection alive: a PINGREQ when nothing was sent for half the keep-alive; a broker silent for 1.5 keep-alives is gone. */
    async keepAlive() {
        if (!this.isConnected()) return
        const now = ds.millis()
        const k = this.opt.keepAliveSec
        if (now - this.lastRecv > k * 1500) {
            this.lastError = "broker silent for " + k * 1.5 + " s"
            await this.close()
        } else if (now - this.lastSend > (k * 1000) / 2) await this.writeParts(Buffer.from([0xc0, 0]), 0, null)
    }

    async close() {
        const s = this.sock
        this.sock = null
        this.closed = true // connack is kept: a refusal arrives together with the close
        if (s) {
            try {
                await s.close()
            } catch {}
        }
        this.events.emit(0)
    }

    private sending = false

    /** Sends one packet: its head, then `size` bytes from piece(0), piece(1)…; no other packet's bytes can come between them. */
    private async writeParts(head: Buffer, size: number, piece: (i: number) => Buffer): Promise<boolean> {
        while (this.sending) await ds.sleep(1)
        const s = this.sock
        if (!s) return false
        this.sending = true
        try {
            await s.send(head)
            for (let i = 0, sent = 0; sent < size; i++) {
                const b = piece(i)
                await s.send(b)
                sent += b.length
            }
            this.lastSend = ds.millis()
            return true
        } catch (e) {
            this.lastError = "send: " + (e as Error).message
            await this.close()
            return false
        } finally {
            this.sending = false
        }
    }

    /** Reads packets from one socket until it closes. */
    private async reader(s: Socket) {
        while (true) {
            let b: Buffer
            try {
                b = await s.recv()
            } catch (e) {
                if (this.sock === s) this.lastError = (e as Error).message
                break
            }
            if (b === null || this.sock !== s) break
            if (b === undefined) continue
            this.rx = this.rx ? this.rx.concat(b) : b
            this.lastRecv = ds.millis()
            this.parse()
        }
        if (this.sock === s) {
            if (!this.lastError.length) this.lastError = "connection closed by the broker"
            await this.close()
        }
    }

    private parse() {
        while (this.rx && this.rx.length >= 2) {
            const r = this.rx
            let len = 0
            let mul = 1
            let i = 1
            while (true) {
                if (i >= r.length) return
                const d = r[i++]
                len += (d & 127) * mul
                mul *= 128
                if (!(d & 128)) break
                if (i > 4) {
                    this.rx = null
                    return
                }
            }
            if (len > MAX_INCOMING) {
                this.lastError = "the broker sent a packet of " + len + " bytes (at most " + MAX_INCOMING + ")"
                this.rx = null
                this.close.start()
                return
            }
            if (r.length < i + len) return
            const type = r[0] >> 4
            if (type === PACKET_PUBLISH && len >= 2) {
                // the variable header starts at i, the body is len bytes
                const tlen = (r[i] << 8) | r[i + 1]
                let p = i + 2 + tlen
                if ((r[0] >> 1) & 3) p += 2 // QoS > 0 carries a packet id (we subscribe at QoS 0, so the broker should not)
                const end = i + len
                if (p <= end && this.onMessage) this.onMessage(r.slice(i + 2, i + 2 + tlen).toString(), r.slice(p, end))
            }
            else if (type === 2 && len >= 2) this.connack = r[i + 1]
            else if (type === 4 && len >= 2) this.acked = (r[i] << 8) | r[i + 1]
            // PINGRESP (13) and anything else: nothing to do
            this.rx = r.length > i + len ? r.slice(i + len, r.length) : null
            this.events.emit(type)
        }
    }
}
