// The session engine's contract with whoever drives it (firmware glue, the
// virtual-time line in tests, the bench). The engine is sans-I/O: the driver
// feeds it received characters and the time, and does what the Output says.
import { CoreError, DataSet, Identification, Mode } from "./types"

/** What the driver must do after a call into the engine. */
export interface Output {
    /** 7-bit characters to transmit now, in order (the link adds parity) */
    send: number[]
    /** baud to switch to once the characters in `send` have left the line, or null to keep the current one */
    baud: number | null
    /** call `tick(now)` at this time (ms, same clock as the inputs) unless characters arrive first; null = nothing pending */
    deadline: number | null
    /** what happened, in order */
    events: SessionEvent[]
}

export type SessionEvent =
    | { type: "identification"; identification: Identification }
    /** a data set of the block being received; provisional until the block's "readout" event says ok */
    | { type: "dataSet"; dataSet: DataSet }
    /** the block ended: ok = its BCC and parity were clean, so the data sets since the last readout/start are good */
    | { type: "readout"; ok: boolean }
    /** a programming-mode register answer (R1/R5), verified */
    | { type: "register"; address: string; dataSet: DataSet }
    | { type: "error"; error: CoreError }
    | { type: "finished"; ok: boolean; stats: SessionStats }

export interface SessionStats {
    /** from start() to the end of the session */
    durationMs: number
    /** wire time of every character at its baud + the meter's reaction times + the reader's minimum reaction times */
    lineMinimumMs: number
    /** time at each baud, keyed by baud as a decimal string */
    msAtBaud: Record<string, number>
    mode: Mode | null
    baud: number
    retries: number
    errors: number
    /** characters received, and how many of them were data (between STX/ident and ETX/"!") */
    charsReceived: number
    dataSets: number
}
