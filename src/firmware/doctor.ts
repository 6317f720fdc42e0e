// The firmware's side of diagnosis: wraps each session's engine so the line is
// watched and traced, turns the watch into a diagnosis when the session ends
// (logged, and published by the publisher in diagnostics), decides when the
// trace is published (TRACE), and runs the head self-test. The decisions are
// the core's (diagnosis.ts, selftest.ts); this only keeps them between sessions.
import { Diagnoser, Diagnosis } from "../core/diagnosis"
import { Engine, SessionConfig } from "../core/session-types"
import * as ds from "@devicescript/core"
import { burstLine, LineTrace } from "../core/trace"
import { WatchedEngine } from "../core/watched"
import { SelfTest } from "../core/selftest"
import { TraceMode } from "./settings"

/** characters kept in the trace: a sign-on and the end of a readout, 8 bytes each (4 KB) */
export const TRACE_CHARS = 512

export class Doctor {
    diagnoser = new Diagnoser()
    trace: LineTrace | null
    current: WatchedEngine | null = null
    /** the last session's diagnosis, or null before the first */
    diagnosis: Diagnosis | null = null
    selfTest: Diagnosis | null = null
    /** the diagnosis line of the last session, for the trace's header */
    private note = ""

    constructor(public mode: TraceMode, public cfg: SessionConfig) {
        this.trace = mode === "off" ? null : new LineTrace(TRACE_CHARS)
    }

    /** The engine to run, watched. */
    watch(engine: Engine): WatchedEngine {
        this.current = new WatchedEngine(engine, this.trace)
        return this.current
    }

    /** After the session's finished event: the diagnosis, logged. */
    sessionEnded(): Diagnosis | null {
        if (this.current === null) return null
        const d = this.diagnoser.session(this.current.watch, this.cfg)
        this.diagnosis = d
        this.note = "session " + (this.current.watch.ok ? "ok" : "failed") + ": " + d.code
        if (d.code !== "OK") console.log("diagnosis: " + d.code + ": " + d.text)
        return d
    }

    /** The trace text to publish after a session that ended `ok`, or null (TRACE decides). */
    async traceAfter(ok: boolean): Promise<string | null> {
        if (this.trace === null || this.mode === "off") return null
        if (this.mode === "on-fail" && ok) return null
        return await this.traceText()
    }

    /** The trace as it is now (the `trace` command), or why there is none. */
    async traceNow(): Promise<string> {
        if (this.trace === null) return "# opto62056 trace: off (set TRACE=on-fail or TRACE=always)\n"
        return await this.traceText()
    }

    /** The core's LineTrace.text, written a few bursts per scheduler turn: a full trace is more than the VM's step budget. */
    private async traceText(): Promise<string> {
        const t = this.trace as LineTrace
        const lines = t.headerLines(this.note)
        const bs = t.bursts()
        for (let i = 0; i < bs.length; i++) {
            if ((i & 7) === 7) await ds.sleep(0)
            lines.push(burstLine(bs[i]))
        }
        return lines.join("\n") + "\n"
    }

    newSelfTest(): SelfTest {
        return new SelfTest()
    }

    selfTestEnded(st: SelfTest): Diagnosis {
        const d = st.verdict(this.diagnoser.headEchoes)
        if (d.code === "HEAD_OK") this.diagnoser.headEchoes = true
        this.selfTest = d
        console.log("selftest: " + d.code + ": " + d.text)
        return d
    }
}
