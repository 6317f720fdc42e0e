// A whole SML capture through the reader: what the decode tool and the
// conformance vectors report, shaped like the D0 `Decoded` result.
import { CoreError, DataSet } from "../types"
import { SmlOptions, SmlReader, SmlReading, SmlSink } from "./reader"

export interface SmlDecoded {
    /** the meter as the first intact telegram names it */
    meter: { serverId: string | null; manufacturer: string | null } | null
    /** the data sets of the first intact telegram (a capture repeats the same registers) */
    dataSets: DataSet[]
    /** every intact telegram's readings, oldest first */
    readings: SmlReading[]
    errors: CoreError[]
    diagnosis: string | null
    /** telegrams framed (good trailer CRC) and dropped */
    telegrams: number
    dropped: number
}

/** A result to fill and the sink that fills it, for callers that feed a reader themselves. */
export function smlCollector(): { out: SmlDecoded; sink: SmlSink } {
    const out: SmlDecoded = { meter: null, dataSets: [], readings: [], errors: [], diagnosis: null, telegrams: 0, dropped: 0 }
    return {
        out: out,
        sink: {
            reading: (t: SmlReading) => {
                if (out.meter === null) {
                    out.meter = { serverId: t.serverId, manufacturer: t.manufacturer }
                    out.dataSets = t.dataSets
                    out.diagnosis = t.diagnosis
                }
                out.readings.push(t)
            },
            error: (e: CoreError) => {
                out.errors.push(e)
            },
        },
    }
}

/** Copies the reader's telegram counts into the result once the input is over. */
export function finishDecoded(out: SmlDecoded, r: SmlReader): void {
    const c = r.counts()
    out.telegrams = c.good
    out.dropped = c.bad
}

export function decodeSml(bytes: Buffer | number[], options: Partial<SmlOptions> = {}): SmlDecoded {
    const c = smlCollector()
    const r = new SmlReader(c.sink, options)
    r.pushAll(bytes)
    r.end()
    finishDecoded(c.out, r)
    return c.out
}

/** True when the bytes hold an SML start sequence (1b1b1b1b 01010101) anywhere. */
export function looksLikeSml(bytes: Buffer | number[]): boolean {
    let esc = 0
    let ones = 0
    for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]
        if (b === 0x1b) {
            esc++
            ones = 0
        } else if (b === 0x01 && esc >= 4) {
            if (++ones === 4) return true
        } else {
            esc = 0
            ones = 0
        }
    }
    return false
}
