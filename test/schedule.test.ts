// Poll interval and bounded exponential backoff across sessions.
import { test } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { PollSchedule, SessionKind } from "../src/core/schedule"

test("after success: start to start is the interval, never in the past", () => {
    const s = new PollSchedule({ intervalMs: 60000, backoffMs: 15000, maxBackoffMs: 600000 })
    assert.equal(s.next(0, 5000, true), 60000)
    assert.equal(s.next(0, 70000, true), 70000, "a session longer than the interval starts the next at once")
})

test("failures back off exponentially up to the cap, success resets", () => {
    const s = new PollSchedule({ intervalMs: 10000, backoffMs: 15000, maxBackoffMs: 100000 })
    const delays = [1, 2, 3, 4, 5, 6].map(() => s.next(0, 0, false))
    assert.deepEqual(delays, [15000, 30000, 60000, 100000, 100000, 100000])
    assert.equal(s.failures, 6)
    assert.equal(s.next(0, 0, true), 10000)
    assert.equal(s.failures, 0)
    assert.equal(s.next(0, 0, false), 15000)
})

test("backoff is bounded and never sooner than the interval", () => {
    fc.assert(
        fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e7 }), fc.array(fc.boolean(), { maxLength: 60 }), (interval, backoff, max, results) => {
            const s = new PollSchedule({ intervalMs: interval, backoffMs: backoff, maxBackoffMs: max })
            for (const ok of results) {
                const t = s.next(1000, 2000, ok)
                assert.ok(t >= 2000 && t >= 1000 + interval)
                assert.ok(t <= 2000 + Math.max(interval, backoff, max))
            }
        }),
    )
})

test("push meters: listen again at once after a readout, back off after silence", () => {
    const s = new PollSchedule({ intervalMs: 60000, backoffMs: 5000, maxBackoffMs: 12000 })
    assert.equal(s.next(0, 1800, true, SessionKind.Push), 1800)
    assert.equal(s.next(1800, 4000, false, SessionKind.Push), 9000)
    assert.equal(s.next(9000, 10000, false, SessionKind.Push), 20000)
    assert.equal(s.next(20000, 21000, false, SessionKind.Push), 33000, "capped at maxBackoffMs")
    assert.equal(s.next(33000, 34000, true, SessionKind.Push), 34000)
    assert.equal(s.failures, 0)
})
