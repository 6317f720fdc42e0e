// The firmware's side of diagnosis: wraps each session's engine so the line is
// watched and traced, turns the watch into a diagnosis when the session ends
// (logged, and published by the publisher in diagnostics), decides when the
// trace is published (TRACE), and runs the head self-test. The decisions are
// the core's (diagnosis.ts, selftest.ts); this only keeps them between sessions.
import { Diagnoser, Diagnosis } from "../core/diagnosis"
import { ByteEngine, SessionConfig } from "../core/session-types"
import * as ds from "@devicescript/core"
import { LineTrace, traceCursor } from "../core/trace"
import { WatchedEngine } from "../core/watched"
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
    watch(engine: ByteEngine): WatchedEngine {
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

    /**
     * Writes the trace text (the core's LineTrace.text) in pieces of at most 32 characters and yields
     * between them: a flooded line's burst is hundreds of damaged characters, more than one heap
     * block holds as one string and more than the VM's step budget in one turn. TRACE=off writes
     * why there is none.
     */
    async writeTrace(append: (s: string) => void): Promise<void> {
        const t = this.trace
        if (t === null) {
            append("# opto62056 trace: off (set TRACE=on-fail or TRACE=always)\n")
            return
        }
        append(t.headerLines(this.note).join("\n") + "\n")
        const at = traceCursor()
        while (true) {
            const p = t.piece(at, 32)
            if (p === null) break
            append(p)
            await ds.sleep(0)
        }
    }
}
