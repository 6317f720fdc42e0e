// Drops the reader's own characters when the optical head echoes them, byte by
// byte, whether the head echoes or not. An echo arrives while we transmit (plus
// the driver's delivery latency) and repeats what we sent in order. A character
// is dropped only when at least two in a row repeat what we sent (or the whole
// message, for one-character messages); a single matching character is held back
// until the next one tells: an identification "/ISK…" after our "/?!" is not an
// echo although its "/" matches.
import { RX_ERROR_MASK } from "./types"

export class EchoFilter {
    private q: number[] = []
    private head = 0
    private until = -1
    /** a character that matched the echo but is not confirmed yet, or -1 */
    private held = -1
    /** echoed characters dropped so far */
    dropped = 0

    /** We start transmitting `chars`; the last leaves the line at txEnd; echoes may come until txEnd + windowMs. */
    sent(chars: number[], txEnd: number, windowMs: number): void {
        if (this.head >= this.q.length) {
            this.q = []
            this.head = 0
            this.confirmed = false
        }
        for (let i = 0; i < chars.length; i++) this.q.push(chars[i])
        this.until = txEnd + windowMs
    }

    /** Passes `c`, received at `now`, through: appends to `out` what is not echo (possibly a held character first). */
    filter(now: number, c: number, out: number[]): void {
        this.expire(now, out)
        if (this.head >= this.q.length) {
            out.push(c)
            return
        }
        if ((c & RX_ERROR_MASK) !== 0) {
            // a damaged character while our own are still expected back: a damaged echo
            this.head++
            this.dropped++
            return
        }
        if (this.q[this.head] === c) {
            this.head++
            const whole = this.head >= this.q.length
            if (this.held >= 0 || whole || (this.head >= 2 && this.confirmed)) {
                if (this.held >= 0) this.dropped++
                this.dropped++
                this.held = -1
                this.confirmed = true
            } else this.held = c
            return
        }
        // not an echo: whatever was held was the meter's, and no more echo comes for this message
        this.release(out)
        out.push(c)
    }

    /** True when nothing is expected back and nothing is held: every character passes as it is. */
    idle(): boolean {
        return this.head >= this.q.length && this.held < 0
    }

    /** Call when time passes without characters: a held character past the window was not an echo. */
    expire(now: number, out: number[]): void {
        if (now > this.until && (this.held >= 0 || this.head < this.q.length)) {
            this.release(out)
        }
    }

    private confirmed = false

    /** The held character (if any) was the meter's, and no more echo comes for this message. */
    private release(out: number[]): void {
        if (this.held >= 0) out.push(this.held)
        this.held = -1
        this.confirmed = false
        this.q = []
        this.head = 0
    }
}
