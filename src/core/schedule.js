// When the next session starts: the poll interval after a good readout, a
// bounded exponential backoff after failures (meters that close their port
// after too many polls, or refuse to answer for a while after a readout).
export class PollSchedule {
    config;
    /** failures in a row */
    failures = 0;
    constructor(config) {
        this.config = config;
    }
    /** The start time of the next session, given this one started at `startedAt` and ended at `now`. */
    next(startedAt, now, ok) {
        if (ok) {
            this.failures = 0;
            const t = startedAt + this.config.intervalMs;
            return t > now ? t : now;
        }
        this.failures++;
        let d = this.config.backoffMs;
        for (let i = 1; i < this.failures && d < this.config.maxBackoffMs; i++)
            d *= 2;
        if (d > this.config.maxBackoffMs)
            d = this.config.maxBackoffMs;
        // never poll sooner than the normal interval would
        const t = now + d;
        const regular = startedAt + this.config.intervalMs;
        return t > regular ? t : regular;
    }
}
