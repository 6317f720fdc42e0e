// The outage queue: MQTT messages waiting for the broker, oldest first, in one
// buffer allocated at boot (so a long outage cannot fragment or exhaust the
// heap). Each record is [u16 topic length][u16 payload length][u8 flags]
// [topic][payload], written around the ring. When a new message does not fit,
// the oldest are dropped and counted.

const HDR = 5
const RETAIN = 1

export interface OutMessage {
    topic: string
    payload: Buffer
    retain: boolean
}

export class Outbox {
    private buf: Buffer
    private head = 0 // offset of the oldest record
    private used = 0 // bytes in use
    private n = 0
    /** messages dropped because the queue was full (or a message was larger than the queue) */
    dropped = 0

    constructor(public capacity: number) {
        this.buf = Buffer.alloc(capacity)
    }

    count() {
        return this.n
    }

    bytesUsed() {
        return this.used
    }

    private put(off: number, v: number) {
        this.buf[(this.head + off) % this.capacity] = v
    }

    private get(off: number) {
        return this.buf[(this.head + off) % this.capacity]
    }

    private recordSize(at: number) {
        const tl = this.get(at) | (this.get(at + 1) << 8)
        const pl = this.get(at + 2) | (this.get(at + 3) << 8)
        return HDR + tl + pl
    }

    /** Appends a message; drops the oldest ones while it does not fit. Returns false when the message itself is too large. */
    push(topic: string, payload: Buffer, retain: boolean): boolean {
        const t = Buffer.from(topic)
        const size = HDR + t.length + payload.length
        if (size > this.capacity || t.length > 0xffff || payload.length > 0xffff) {
            this.dropped++
            return false
        }
        while (this.capacity - this.used < size) this.dropOldest()
        let off = this.used
        const hdr = [t.length & 0xff, t.length >> 8, payload.length & 0xff, payload.length >> 8, retain ? RETAIN : 0]
        for (let i = 0; i < HDR; i++) this.put(off++, hdr[i])
        off = this.copyIn(off, t)
        this.copyIn(off, payload)
        this.used += size
        this.n++
        return true
    }

    private copyIn(off: number, src: Buffer): number {
        let start = (this.head + off) % this.capacity
        let first = Math.min(src.length, this.capacity - start)
        this.buf.blitAt(start, src, 0, first)
        if (first < src.length) this.buf.blitAt(0, src, first, src.length - first)
        return off + src.length
    }

    private copyOut(off: number, len: number): Buffer {
        const out = Buffer.alloc(len)
        const start = (this.head + off) % this.capacity
        const first = Math.min(len, this.capacity - start)
        out.blitAt(0, this.buf, start, first)
        if (first < len) out.blitAt(first, this.buf, 0, len - first)
        return out
    }

    private dropOldest() {
        if (!this.n) return
        const size = this.recordSize(0)
        this.head = (this.head + size) % this.capacity
        this.used -= size
        this.n--
        this.dropped++
    }

    /** The oldest message (not removed), or null. */
    peek(): OutMessage | null {
        if (!this.n) return null
        const tl = this.get(0) | (this.get(1) << 8)
        const pl = this.get(2) | (this.get(3) << 8)
        const flags = this.get(4)
        return {
            topic: this.copyOut(HDR, tl).toString(),
            payload: this.copyOut(HDR + tl, pl),
            retain: (flags & RETAIN) !== 0,
        }
    }

    /** Removes the oldest message (after it was delivered). */
    shift() {
        if (!this.n) return
        const size = this.recordSize(0)
        this.head = (this.head + size) % this.capacity
        this.used -= size
        this.n--
    }
}
