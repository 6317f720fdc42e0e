// The outage queue: MQTT messages waiting for the broker, oldest first, in one
// buffer allocated at boot (so a long outage cannot fragment or exhaust the
// heap). Each record is [u16 topic length][u16 payload length][u8 flags]
// [u16 topic hash][topic][payload], written around the ring. When a new message
// does not fit, what matters least goes first: a retained message that a newer
// one for the same topic supersedes (the broker would keep only the newer), then
// the oldest. History messages (each readout's state) are never superseded:
// every one is a reading. Every drop is counted.
//
// Nothing here asks the heap for a block larger than PIECE (+ a few bytes): after a
// long readout the 64 KB heap is fragmented (once: 16 KB free, none of it in one
// block over 520 B), so a message goes in and comes out in pieces.

const HDR = 7
const RETAIN = 1
const HISTORY = 2
/** bytes moved per step when a record is cut out of the middle (a small scratch, no large block) */
const SCRATCH = 64
/** the largest piece a message is copied in or out as (bytes; characters for text going in) */
const PIECE = 128

export interface OutMessage {
    topic: string
    /** payload bytes: read with piece() */
    size: number
    retain: boolean
}

export class Outbox {
    private buf: Buffer
    private head = 0 // offset of the oldest record
    used = 0 // bytes in use (read only)
    /** messages queued (read only) */
    count = 0
    /** messages dropped because the queue was full (or a message was larger than the queue) */
    dropped = 0

    private scratch = Buffer.alloc(SCRATCH)

    constructor(public capacity: number) {
        this.buf = Buffer.alloc(capacity)
    }

    /** size of the record at ring position (absolute) p */
    private sizeAt(p: number) {
        return HDR + this.w(p, 0) + this.w(p, 2)
    }

    // a record being written piece by piece (begin/append/end): absolute ring positions
    private recStart = -1
    private pend = 0
    private recFailed = false

    /** Starts a message whose payload is appended in pieces, so no large payload string is ever needed. */
    begin(topic: string, retain: boolean, history?: boolean) {
        const t = Buffer.from(topic)
        this.recStart = (this.head + this.used) % this.capacity
        this.pend = 0
        this.recFailed = false
        // the topic's hash, to find records for the same topic fast
        let h = 0
        for (let i = 0; i < t.length; i++) h = ((h * 31) ^ t[i]) & 0xffff
        this.raw(Buffer.from([t.length & 0xff, t.length >> 8, 0, 0, (retain ? RETAIN : 0) | (history ? HISTORY : 0), h & 0xff, h >> 8]))
        this.raw(t)
    }

    /** Appends payload text to the message begun last. */
    append(s: string) {
        for (let i = 0; i < s.length; i += PIECE) this.raw(Buffer.from(s.slice(i, i + PIECE)))
    }

    /** Finishes the message begun last; false when it did not fit (it is dropped and counted). */
    end(): boolean {
        const ok = !this.recFailed && this.pend - HDR >= 0
        if (ok) {
            const pl = this.pend - HDR - this.w(this.recStart, 0)
            if (pl > 0xffff) this.recFailed = true
            else {
                this.buf[(this.recStart + 2) % this.capacity] = pl & 0xff
                this.buf[(this.recStart + 3) % this.capacity] = pl >> 8
                this.used += this.pend
                this.count++
            }
        }
        if (this.recFailed) this.dropped++
        this.recStart = -1
        this.pend = 0
        return !this.recFailed
    }

    private raw(b: Buffer) {
        if (this.recFailed) return
        while (this.capacity - this.used - this.pend < b.length) {
            // a record that cannot fit even alone fails as soon as that shows, dropping no more records
            if (!this.count || this.pend + b.length > this.capacity) {
                this.recFailed = true // larger than the whole queue
                return
            }
            // frees one record: the oldest superseded one if there is one, else the oldest
            if (!this.dropSuperseded()) {
                this.shift()
                this.dropped++
            }
        }
        const at = (this.recStart + this.pend) % this.capacity
        const first = Math.min(b.length, this.capacity - at)
        this.buf.blitAt(at, b, 0, first)
        if (first < b.length) this.buf.blitAt(0, b, first, b.length - first)
        this.pend += b.length
    }

    /** `len` bytes from ring offset `off` */
    private copyOut(off: number, len: number): Buffer {
        const out = Buffer.alloc(len)
        const start = (this.head + off) % this.capacity
        const first = Math.min(len, this.capacity - start)
        out.blitAt(0, this.buf, start, first)
        if (first < len) out.blitAt(first, this.buf, 0, len - first)
        return out
    }

    /** bit sets over 512 topic-hash buckets: a record seen (bytes 0-63), a second one seen (64-127); allocated once, as no block may be asked for when the queue overflows */
    private bits = Buffer.alloc(128)

    /** the 16-bit little-endian number at ring position (absolute) p + k */
    private w(p: number, k: number) {
        return this.buf[(p + k) % this.capacity] | (this.buf[(p + k + 1) % this.capacity] << 8)
    }

    /**
     * Cuts out the oldest retained, non-history record that a later record for its topic supersedes.
     * Headers are read by absolute position, a call a number: an overflowing queue runs this for
     * every record it drops, within one VM step budget.
     */
    private dropSuperseded(): boolean {
        const bits = this.bits
        const cap = this.capacity
        for (let k = 0; k < 128; k++) bits[k] = 0
        let p = this.head
        for (let i = 0; i < this.count; i++) {
            const h = this.w(p, 5) & 511
            const at = (bits[h >> 3] & (1 << (h & 7)) ? 64 : 0) + (h >> 3)
            bits[at] = bits[at] | (1 << (h & 7))
            p = (p + this.sizeAt(p)) % cap
        }
        p = this.head
        for (let i = 0; i < this.count - 1; i++) {
            const hash = this.w(p, 5)
            const tl = this.w(p, 0)
            const next = (p + this.sizeAt(p)) % cap
            const f = this.buf[(p + 4) % cap]
            // only a record whose hash bucket holds another can be superseded
            if ((bits[64 + ((hash & 511) >> 3)] & (1 << (hash & 7))) !== 0 && (f & RETAIN) !== 0 && (f & HISTORY) === 0) {
                let q = next
                for (let j = i + 1; j < this.count; j++) {
                    // the same topic: same hash, length and bytes
                    let same = this.w(q, 0) === tl && this.w(q, 5) === hash
                    for (let k = 0; k < tl && same; k++) if (this.buf[(p + HDR + k) % cap] !== this.buf[(q + HDR + k) % cap]) same = false
                    if (same) {
                        this.cut((p - this.head + cap) % cap)
                        return true
                    }
                    q = (q + this.sizeAt(q)) % cap
                }
            }
            p = next
        }
        return false
    }

    /** Removes the record at ring offset `at` by moving the older records after it, newest bytes first, through the scratch. */
    private cut(at: number) {
        const size = this.sizeAt(this.head + at)
        let left = at // bytes before the record, all moved forward by `size`
        while (left > 0) {
            const len = Math.min(SCRATCH, left)
            left -= len
            const from = (this.head + left) % this.capacity
            const f1 = Math.min(len, this.capacity - from)
            this.scratch.blitAt(0, this.buf, from, f1)
            if (f1 < len) this.scratch.blitAt(f1, this.buf, 0, len - f1)
            const to = (this.head + left + size) % this.capacity
            const first = Math.min(len, this.capacity - to)
            this.buf.blitAt(to, this.scratch, 0, first)
            if (first < len) this.buf.blitAt(0, this.scratch, first, len - first)
        }
        this.head = (this.head + size) % this.capacity
        this.used -= size
        this.count--
        this.dropped++
    }

    /** The oldest message (not removed), or null. */
    peek(): OutMessage | null {
        if (!this.count) return null
        const tl = this.w(this.head, 0)
        return {
            topic: this.copyOut(HDR, tl).toString(), // topics are short: one piece
            size: this.w(this.head, 2),
            retain: (this.buf[(this.head + 4) % this.capacity] & RETAIN) !== 0,
        }
    }

    /** Piece i (PIECE bytes, the last one shorter) of the oldest message's payload: copied while it is sent, never all at once. */
    piece(i: number): Buffer {
        const at = i * PIECE
        return this.copyOut(HDR + this.w(this.head, 0) + at, Math.min(PIECE, this.w(this.head, 2) - at))
    }

    /** Removes the oldest message (after it was delivered). */
    shift() {
        if (!this.count) return
        const size = this.sizeAt(this.head)
        this.head = (this.head + size) % this.capacity
        this.used -= size
        this.count--
    }
}
