// The session engine's contract with whoever drives it (firmware glue, the
// virtual-time line in tests, the bench). The engine is sans-I/O: the driver
// feeds it received characters and the time, and does what the Output says.
import { CoreError, DataSet, Identification, Mode } from "./types"

/** Character format on the wire. 7E1 is the protocol's; 8N1 only for push meters that use it. */
export type Format = "7E1" | "8N1"

export interface UartSettings {
    baud: number
    format: Format
}

/** Reading in programming mode (read-only: no write or execute command exists). */
export interface ProgrammingConfig {
    /** P1 password, or null to skip P1 */
    password: string | null
    /** register addresses to read, e.g. "1.8.0" or "0.0.0" */
    registers: string[]
    /** "R1" (plain read) or "R5" (VDEW/DIN OBIS read) */
    command: "R1" | "R5"
}

export interface SessionConfig {
    /** request character after "/", "?" by default ("2", "#" for some meters) */
    requestChar: string
    /** device address (<= 32 chars), "" for none */
    address: string
    /** highest baud the reader will switch to */
    maxBaud: number
    /** switch to exactly this baud (when the meter offers at least this), or null */
    forceBaud: number | null
    /** mode to use instead of the one the identification implies, or null */
    forceMode: Mode | null
    /** wake a battery meter with NULs: "auto" = only when a plain request got no answer */
    wakeup: "auto" | "always" | "never"
    /** after unreadable data at a switched baud, retry at a lower baud (then 300) */
    fallback: boolean
    /** push meter (mode D): listen only; uart null = hunt for baud and format */
    push: { uart: UartSettings | null } | null
    /** programming-mode reads, or null for a data readout */
    programming: ProgrammingConfig | null
    /** bounded retries inside a session (NAK in programming mode, repeated sign-on) */
    maxRetries: number
}

/** What the driver must do after a call into the engine. */
export interface Output {
    /** 7-bit characters to transmit now, in order (the link adds parity) */
    send: number[]
    /** UART settings to apply once the characters in `send` have left the line, or null to keep the current ones */
    uart: UartSettings | null
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

/** The engine, as drivers see it (implemented by Session in session.ts). */
export interface Engine {
    /** begin a session now (sends the request, or the wake-up, or starts listening) */
    start(now: number): Output
    /** characters received (7-bit, with RX_* error flags), at time `now` */
    receive(now: number, chars: number[]): Output
    /** the deadline passed */
    tick(now: number): Output
}

/** An engine that also takes characters as bytes, as the firmware's link delivers them. */
export interface ByteEngine extends Engine {
    /**
     * receive() for characters as bytes: 7-bit, bit 7 set = the character arrived with a parity or
     * framing error. `waitedMs`: how long the oldest of them waited for the reader; `lost`: characters
     * the serial path dropped since the last call (its overruns): either says the reader fell behind.
     */
    receiveBytes(now: number, chars: Buffer, waitedMs?: number, lost?: number): Output
}
