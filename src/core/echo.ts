// Drops the reader's own characters when the optical head echoes them.
// Matching is by content and by time: an echo arrives while we transmit (plus
// the driver's delivery latency), whereas a meter answers no earlier than 20 ms
// after our message ended and its first character takes a whole character time,
// so nothing in that window can be the meter's. Heads that do not echo lose nothing.
import { RX_ERROR_MASK } from "./types"

export class EchoFilter {
    private q: number[] = []
    private head = 0
    private until = -1
    /** echoed characters dropped so far */
    dropped = 0

    /** We start transmitting `chars`; the last leaves the line at txEnd. */
    sent(chars: number[], txEnd: number, windowMs: number): void {
        if (this.head >= this.q.length) {
            this.q = []
            this.head = 0
        }
        for (let i = 0; i < chars.length; i++) this.q.push(chars[i])
        this.until = txEnd + windowMs
    }

    /** True when `c`, received at `now`, is our own echo and must be dropped. */
    take(now: number, c: number): boolean {
        if (now > this.until || this.head >= this.q.length) {
            this.q = []
            this.head = 0
            return false
        }
        const plain = c & 0x7f
        if ((c & RX_ERROR_MASK) !== 0) {
            // a damaged echo inside the window: drop it and skip the character it stood for
            this.head++
            this.dropped++
            return true
        }
        // allow one lost echo character
        for (let k = 0; k < 2 && this.head + k < this.q.length; k++)
            if (this.q[this.head + k] === plain) {
                this.head += k + 1
                this.dropped++
                return true
            }
        return false
    }

    clear(): void {
        this.q = []
        this.head = 0
        this.until = -1
    }
}
