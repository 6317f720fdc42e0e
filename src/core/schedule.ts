// When the next session starts: the poll interval after a good readout, a
// bounded exponential backoff after failures (meters that close their port
// after too many polls, or refuse to answer for a while after a readout).

export interface PollConfig {
    /** time from the start of one session to the start of the next after success */
    intervalMs: number
    /** first backoff delay after a failure */
    backoffMs: number
    /** longest backoff delay */
    maxBackoffMs: number
}

/** How the last session went, as far as the schedule cares. */
export const enum SessionKind {
    /** the reader asked the meter (a poll) */
    Polled,
    /** the reader listened to a meter that sends on its own (mode D, push): no interval to keep */
    Push,
}

export class PollSchedule {
    /** failures in a row */
    failures = 0

    constructor(public config: PollConfig) {}

    /** The start time of the next session, given this one started at `startedAt` and ended at `now`. */
    next(startedAt: number, now: number, ok: boolean, kind = SessionKind.Polled): number {
        if (kind === SessionKind.Push) {
            // the meter paces itself: listen again at once, or after the backoff when nothing came
            if (ok) {
                this.failures = 0
                return now
            }
            this.failures++
            return now + this.backoff()
        }
        if (ok) {
            this.failures = 0
            const t = startedAt + this.config.intervalMs
            return t > now ? t : now
        }
        this.failures++
        // never poll sooner than the normal interval would
        const t = now + this.backoff()
        const regular = startedAt + this.config.intervalMs
        return t > regular ? t : regular
    }

    /** The wait after `failures` failures in a row: doubling from backoffMs, capped. */
    private backoff(): number {
        let d = this.config.backoffMs
        for (let i = 1; i < this.failures && d < this.config.maxBackoffMs; i++) d *= 2
        return d > this.config.maxBackoffMs ? this.config.maxBackoffMs : d
    }
}
