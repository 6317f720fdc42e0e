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
        await this.close()
        this.rx = null
        this.connack = -1
        try {
            this.sock = await connect({
                host: this.opt.host,
                port: this.opt.port,
                proto: this.opt.tls ? "tls" : "tcp",
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
        let payload = str(this.opt.clientId)
        if (this.opt.willTopic.length) {
            flags |= 0x04 | 0x08 // will, QoS 1
            if (this.opt.willRetain) flags |= 0x20
            payload = payload.concat(str(this.opt.willTopic)).concat(str(this.opt.willPayload))
        }
        if (this.opt.username.length) {
            flags |= 0x80
            payload = payload.concat(str(this.opt.username))
            if (this.opt.password.length) {
                flags |= 0x40
                payload = payload.concat(str(this.opt.password))
            }
        }
        const vh = str("MQTT").concat(Buffer.from([4, flags])).concat(u16(this.opt.keepAliveSec))
        if (!(await this.write(packet(0x10, vh.concat(payload))))) return false
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
            if (!(await this.write(packet(PACKET_SUBSCRIBE, body)))) return false
        }
        return true
    }

    /** QoS 1 publish; true once the broker acknowledged it. */
    async publish(topic: string, payload: Buffer, retain: boolean, timeoutMs: number): Promise<boolean> {
        if (!this.isConnected()) return false
        const pid = this.nextPid
        this.nextPid = pid >= 65535 ? 1 : pid + 1
        this.acked = -1
        // header and payload go out as two writes: a state message is kilobytes, and copying it
        // into one packet buffer needed two more contiguous blocks of that size from a fragmented heap
        const vh = str(topic).concat(u16(pid))
        const head = header(0x32 | (retain ? 1 : 0), vh.length + payload.length).concat(vh)
        if (!(await this.writeParts(head, payload))) return false
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
        if (now - this.lastRecv > this.opt.keepAliveSec * 1500) {
            this.lastError = "broker silent for " + this.opt.keepAliveSec * 1.5 + " s"
            await this.close()
        } else if (now - this.lastSend > (this.opt.keepAliveSec * 1000) / 2) await this.write(Buffer.from([0xc0, 0]))
    }

    /** Clean close: DISCONNECT, so the broker does not send the will. */
    async disconnect() {
        if (this.isConnected()) await this.write(Buffer.from([0xe0, 0]))
        await this.close()
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

    private async write(b: Buffer): Promise<boolean> {
        return await this.writeParts(b, null)
    }

    private sending = false

    /** Sends one packet given in one or two parts; no other packet's bytes can come between them. */
    private async writeParts(a: Buffer, b: Buffer | null): Promise<boolean> {
        while (this.sending) await ds.sleep(1)
        const s = this.sock
        if (!s) return false
        this.sending = true
        try {
            await s.send(a)
            if (b !== null) await s.send(b)
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

    /** A PUBLISH whose variable header starts at `at` and whose body is `len` bytes. */
    private incoming(r: Buffer, at: number, len: number) {
        const tlen = (r[at] << 8) | r[at + 1]
        let p = at + 2 + tlen
        if ((r[0] >> 1) & 3) p += 2 // QoS > 0 carries a packet id (we subscribe at QoS 0, so the broker should not)
        const end = at + len
        if (p > end || !this.onMessage) return
        this.onMessage(r.slice(at + 2, at + 2 + tlen).toString(), r.slice(p, end))
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
            if (type === PACKET_PUBLISH && len >= 2) this.incoming(r, i, len)
            else if (type === 2 && len >= 2) this.connack = r[i + 1]
            else if (type === 4 && len >= 2) this.acked = (r[i] << 8) | r[i + 1]
            // PINGRESP (13) and anything else: nothing to do
            this.rx = r.length > i + len ? r.slice(i + len, r.length) : null
            this.events.emit(type)
        }
    }
}
