// Typed records that cross the core's seams: what a meter sent (identification,
// data sets) and what went wrong (errors are values, never exceptions).

/** Flags on a received character: bit 8 = parity error, bit 9 = framing error. */
export const RX_PARITY_ERROR = 0x100
export const RX_FRAMING_ERROR = 0x200
export const RX_ERROR_MASK = 0x300

export type ErrorKind =
    | "bcc" // block check character does not match
    | "parity" // a character arrived with a parity (or framing) error
    | "overlength" // a field or line exceeded its bound; the parser resynchronised
    | "syntax" // a line or message did not follow the protocol; it was skipped
    | "meter" // the meter answered with an error message such as (ER11)
    | "timeout" // no answer, or a message stopped mid-way
    | "overrun" // the reader fell behind the line: received characters waited too long or were lost
    | "unsupported" // the meter wants something the reader does not do (HDLC)
    | "config" // a setting is invalid
    | "unconfirmed" // a frame without a check character did not match the one before it: held back

export interface CoreError {
    kind: ErrorKind
    message: string
}

export function coreError(kind: ErrorKind, message: string): CoreError {
    return { kind: kind, message: message }
}

/** One value inside brackets, e.g. `00132.149*kWh`. */
export interface Value {
    /** the value exactly as the meter sent it (without the unit), e.g. "00132.149" */
    text: string
    /** the number parsed once from `text`, or null for text, hex, dates, empty */
    number: number | null
    /** the unit as sent after `*`, or null when there is none */
    unit: string | null
}

/** One data set: `address(value*unit)(value)...` */
export interface DataSet {
    /** the address exactly as the meter sent it, e.g. "1-0:1.8.0*255" or "F.F" */
    address: string
    values: Value[]
}

export type Mode = "A" | "B" | "C" | "D" | "E"

export interface Identification {
    /** three letters, as sent (case kept) */
    manufacturer: string
    /** third letter lowercase: the meter reacts within 20 ms */
    fastReaction: boolean
    /** the baud character Z */
    baudChar: string
    /** mode implied by Z and the capability (D cannot be told from the line itself) */
    mode: Mode
    /** highest baud the meter offers (300 for mode A) */
    baud: number
    /** the W of `\W`, or null */
    capability: string | null
    /** the identification text after Z (and `\W`) */
    ident: string
}
