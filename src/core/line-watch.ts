// What the line did during one session, counted from the characters both ways
// and the session's events: the facts a diagnosis is made from (diagnosis.ts).
// The session itself filters echo and hides damaged characters; a diagnosis
// needs exactly those (did our own light come back? did errors arrive while the
// meter had no reason to talk?), so they are counted here, beside it.
import { SessionEvent, SessionStats } from "./session-types"
import { charMs } from "./timing"
import { ErrorKind, RX_ERROR_MASK } from "./types"
import { fromBytes } from "./framer"

/** how long after our last character its echo may still arrive (driver latency included) */
const ECHO_WINDOW_MS = 300
/** the reader's own characters kept for echo matching (a wake-up burst is longer, and only its tail matters) */
const ECHO_KEEP = 96
const PLAIN = 0x80808080 | 0

export class LineWatch {
    startAt = 0
    endAt = 0
    txChars = 0
    /** NULs we sent: a wake-up was tried */
    txNuls = 0
    rxChars = 0
    /** received characters that repeat, in order, what we had just sent */
    echoChars = 0
    /** received characters with a parity or framing error */
    errorChars = 0
    /** of those, NUL characters: what a line held in the light (break) reads as */
    nulErrors = 0
    /** wire time the damaged characters occupied: near the session's length means the line never rested */
    errorMs = 0
    /** characters received while the UART ran above 300 Bd, and how many of them were damaged */
    rxAfterSwitch = 0
    errorsAfterSwitch = 0
    /** highest baud the UART was switched to */
    switchedBaud = 300
    identification = false
    readoutsOk = 0
    readoutsBad = 0
    errorKinds: Record<string, number> = {}
    lastError = ""
    finished = false
    ok = false
    stats: SessionStats | null = null
    private echoQ: number[] = []
    private echoPos = 0
    private echoUntil = -1

    /** `now`: the session's start */
    constructor(now: number) {
        this.startAt = now
        this.endAt = now
    }

    sent(now: number, txEnd: number, chars: number[]): void {
        this.endAt = now
        for (let i = 0; i < chars.length; i++) {
            if (chars[i] === 0) this.txNuls++
            this.echoQ.push(chars[i])
        }
        this.txChars += chars.length
        if (this.echoQ.length > ECHO_KEEP) {
            const drop = this.echoQ.length - ECHO_KEEP
            this.echoQ = this.echoQ.slice(drop, this.echoQ.length)
            this.echoPos = this.echoPos > drop ? this.echoPos - drop : 0
        }
        this.echoUntil = txEnd + ECHO_WINDOW_MS
    }

    received(now: number, chars: number[], baud: number): void {
        this.endAt = now
        for (let i = 0; i < chars.length; i++) {
            const c = chars[i]
            this.rxChars++
            if (baud > 300) this.rxAfterSwitch++
            if ((c & RX_ERROR_MASK) !== 0) {
                this.errorChars++
                this.errorMs += charMs(baud)
                if ((c & 0xff) === 0) this.nulErrors++
                if (baud > 300) this.errorsAfterSwitch++
                continue
            }
            if (now <= this.echoUntil && this.echoPos < this.echoQ.length && this.echoQ[this.echoPos] === c) {
                this.echoChars++
                this.echoPos++
            }
        }
        if (now > this.echoUntil) {
            this.echoQ = []
            this.echoPos = 0
        }
    }

    /**
     * Bytes as the engine takes them (raw: 8N1, each as it came; else bit 7 marks an error). A run
     * with no echo to match and no damaged character costs no work per character; at 8N1 the
     * reader never sends (push meters, SML), so there is no echo.
     */
    receivedBytes(now: number, b: Buffer, baud: number, raw: boolean): void {
        // bit 7 of any byte, four at a time
        // (the length read once: a property read per turn cost the VM more than the word read)
        const n = b.length
        let bad = 0
        let i = 0
        for (; i < n - 3; i += 4) bad |= b.getAt(i, "u32")
        for (; i < n; i++) bad |= b[i]
        if (raw || (now > this.echoUntil && (bad & PLAIN) === 0)) {
            this.endAt = now
            this.rxChars += n
            if (baud > 300) this.rxAfterSwitch += n
            this.echoQ = []
            this.echoPos = 0
        }
        // 16 at a time: a chunk's characters as one array asked a fragmented heap for 8 bytes each contiguous
        // (DeviceScript's Buffer.slice does not clamp an end past the buffer's: clamped here)
        else for (let k = 0; k < n; k += 16) this.received(now, fromBytes(b.slice(k, Math.min(k + 16, n))), baud)
    }

    /** One call per engine output, not per event: a data set (one per line) changes nothing here but the time. */
    events(now: number, evs: SessionEvent[]): void {
        if (evs.length) this.endAt = now
        for (let i = 0; i < evs.length; i++) {
            const ev = evs[i]
            if (ev.type === "dataSet") continue // the common case, first
            if (ev.type === "identification") this.identification = true
            else if (ev.type === "readout") {
                if (ev.ok) this.readoutsOk++
                else this.readoutsBad++
            } else if (ev.type === "error") {
                const k = ev.error.kind
                this.errorKinds[k] = this.kindCount(k) + 1
                this.lastError = ev.error.kind + ": " + ev.error.message
            } else if (ev.type === "finished") {
                this.finished = true
                this.ok = ev.ok
                this.stats = ev.stats
            }
        }
    }

    kindCount(k: ErrorKind): number {
        const n = this.errorKinds[k]
        return n === undefined ? 0 : n
    }
}
