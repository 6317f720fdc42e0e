// The head self-test: what the firmware can learn from the head without a meter
// answering. First it listens with TX quiet (RX should rest: no characters, no
// errors), then it sends a probe a meter ignores and watches for its echo (many
// heads see their own LED on the meter's window). An Engine like the session,
// so the same drivers run it; its result is a Diagnosis with the session codes.
// A UART cannot see the line's level, only characters: "RX rests" means no
// characters and no breaks while we were silent.
import { Diagnosis } from "./diagnosis"
import { Engine, Output, SessionStats } from "./session-types"
import { charMs } from "./timing"
import { RX_ERROR_MASK } from "./types"

/** "U": not "/" nor NUL, so no meter takes it for a request or a wake-up; alternating bits show a weak LED too */
export const PROBE = [0x55, 0x55, 0x55, 0x55]
/** listening with TX quiet */
export const QUIET_MS = 1500
/** after the probe's last character: its echo must be back by then (driver latency included) */
export const ECHO_WAIT_MS = 500
/** characters in the quiet phase that mean something is there (one stray is tolerated) */
const BUSY_CHARS = 2

const enum Step {
    Quiet,
    Echo,
    Done,
}

export interface SelfTestResult {
    quietChars: number
    quietErrors: number
    echoChars: number
    echoErrors: number
}

export class SelfTest implements Engine {
    result: SelfTestResult = { quietChars: 0, quietErrors: 0, echoChars: 0, echoErrors: 0 }
    private step = Step.Quiet
    private startAt = 0
    private deadline = 0
    private echoPos = 0

    start(now: number): Output {
        this.startAt = now
        this.step = Step.Quiet
        this.deadline = now + QUIET_MS
        return { send: [], uart: { baud: 300, format: "7E1" }, deadline: this.deadline, events: [] }
    }

    receive(now: number, chars: number[]): Output {
        const r = this.result
        for (let i = 0; i < chars.length; i++) {
            const c = chars[i]
            const bad = (c & RX_ERROR_MASK) !== 0
            if (this.step === Step.Quiet) {
                if (bad) r.quietErrors++
                else r.quietChars++
            } else if (this.step === Step.Echo) {
                if (bad) r.echoErrors++
                else if (this.echoPos < PROBE.length && c === PROBE[this.echoPos]) {
                    r.echoChars++
                    this.echoPos++
                }
            }
        }
        return this.idle()
    }

    tick(now: number): Output {
        if (this.step === Step.Quiet && now >= this.deadline) {
            this.step = Step.Echo
            this.deadline = now + PROBE.length * charMs(300) + ECHO_WAIT_MS
            return { send: PROBE.slice(0, PROBE.length), uart: null, deadline: this.deadline, events: [] }
        }
        if (this.step === Step.Echo && now >= this.deadline) {
            this.step = Step.Done
            const stats: SessionStats = {
                durationMs: now - this.startAt, lineMinimumMs: 0, msAtBaud: {}, mode: null, baud: 300, retries: 0,
                errors: this.result.quietErrors + this.result.echoErrors,
                charsReceived: this.result.quietChars + this.result.quietErrors + this.result.echoChars + this.result.echoErrors, dataSets: 0,
            }
            return { send: [], uart: null, deadline: null, events: [{ type: "finished", ok: this.verdict(false).code === "HEAD_OK", stats: stats }] }
        }
        return this.idle()
    }

    private idle(): Output {
        return { send: [], uart: null, deadline: this.step === Step.Done ? null : this.deadline, events: [] }
    }

    /** The verdict; `headEchoedBefore`: this head showed its own light in an earlier session. */
    verdict(headEchoedBefore: boolean): Diagnosis {
        const r = this.result
        if (r.quietErrors >= BUSY_CHARS)
            return { code: "RX_HELD", text: "Self-test: " + r.quietErrors + " damaged characters (breaks) arrived while nothing was sent: the RX line does not rest. Shade the head from sunlight or lamps, check the RX wiring and the head's supply." }
        if (r.quietChars >= BUSY_CHARS)
            return { code: "RX_BUSY", text: "Self-test: " + r.quietChars + " clean characters arrived while nothing was sent: a meter that pushes on its own (set PUSH_UART=auto) or another device on the line." }
        if (r.echoChars >= PROBE.length - 1)
            return { code: "HEAD_OK", text: "Self-test: RX rests, and the head saw its own light (TX and RX work, RX and TX are not swapped)." }
        if (headEchoedBefore)
            return { code: "NO_SIGNAL", text: "Self-test: RX rests, but the head no longer sees its own light, as it did in earlier sessions: it has moved off the window, a wire came loose, or RX and TX are swapped." }
        return {
            code: "NO_ECHO",
            text: "Self-test: RX rests (no characters, no breaks), but the head did not see its own light. That cannot tell more: many heads see their LED only on a meter's window, some never. If it is on the window and never echoes, check the TX wire and whether RX and TX are swapped.",
        }
    }
}
