// The line minimum of a session: how long it could not have been shorter on
// this line. It adds up the characters' wire time (ours and the meter's), the
// meter's reaction times (gaps while we wait for it) and the reader's own
// minimum reaction times the standard demands (gaps before our characters, up
// to the minimum). The bench compares a session's real duration with it; the
// engine only feeds it, and nothing it decides depends on it.

export class LineMinimum {
    private wireMs = 0
    private meterMs = 0
    private readerMinMs = 0
    /** end of the last character accounted, either direction */
    private lineEnd: number
    private baud = 300
    private atBaudSince: number
    /** time spent at each baud (key: the baud as text), for the stats */
    readonly msAtBaud: Record<string, number> = {}

    constructor(start: number) {
        this.lineEnd = start
        this.atBaudSince = start
    }

    /** Our characters occupy the line from `start` for `durationMs`; `minGap` is the reader's minimum reaction time before them. */
    sent(start: number, durationMs: number, minGap: number): void {
        const gap = start - this.lineEnd
        if (gap > 0) this.readerMinMs += gap < minGap ? gap : minGap
        this.wireMs += durationMs
        this.lineEnd = start + durationMs
    }

    /**
     * A character of the meter's ended at `end`. A clean one counts its wire time (only the part not
     * already counted) and, when we were waiting for the meter, the gap before it; one with errors
     * only moves the line's end.
     */
    received(end: number, charMs: number, clean: boolean, waitingForMeter: boolean): void {
        if (!clean) {
            if (end > this.lineEnd) this.lineEnd = end
            return
        }
        const start = end - charMs
        const gap = start - this.lineEnd
        if (gap > 0 && waitingForMeter) this.meterMs += gap
        const from = start > this.lineEnd ? start : this.lineEnd
        if (end > from) this.wireMs += end - from
        if (end > this.lineEnd) this.lineEnd = end
    }

    /** Intact characters back to back, ending at `end`, right after one accounted with received(): their span beyond what is counted. */
    receivedRun(end: number): void {
        if (end > this.lineEnd) {
            this.wireMs += end - this.lineEnd
            this.lineEnd = end
        }
    }

    /**
     * The baud changes to `baud` once the transmitter drains at `txFreeAt`, seen at `now`: the time
     * since the last change counts for the old one.
     */
    baudChanged(txFreeAt: number, now: number, baud: number): void {
        this.close(txFreeAt > this.atBaudSince ? txFreeAt : now)
        this.baud = baud
    }

    /** Closes the time at the current baud up to `at` (at the session's end); the line minimum so far. */
    close(at: number): number {
        const k = "" + this.baud
        const prev = this.msAtBaud[k]
        this.msAtBaud[k] = (prev === undefined ? 0 : prev) + (at - this.atBaudSince)
        this.atBaudSince = at
        return this.wireMs + this.meterMs + this.readerMinMs
    }
}
