// Test helpers: run text through a DataSetParser and collect what it reports.
import { CoreError, DataSet } from "../../src/core/types"
import { DataSetLimits, DataSetParser } from "../../src/core/datasets"

export interface Parsed {
    dataSets: DataSet[]
    errors: CoreError[]
}

export function collector(limits?: DataSetLimits): { parser: DataSetParser; out: Parsed } {
    const out: Parsed = { dataSets: [], errors: [] }
    const parser = new DataSetParser({ dataSet: d => out.dataSets.push(d), error: e => out.errors.push(e) }, limits)
    return { parser, out }
}

/** every character of a string, in order (a chunk of any size) */
export function pushText(parser: DataSetParser, s: string): void {
    for (let i = 0; i < s.length; i++) parser.push(s.charCodeAt(i))
}

// What the parser holds right now, read from its private fields (test-only introspection: it has no
// place in the device image, where every method costs function code)
/** characters held (address, open value, data sets of the line); never above the line cap */
export function heldChars(parser: DataSetParser): number {
    const p = parser as any
    return p.addr.length + p.content.length + p.held
}

/** values held for the current line */
export function heldValues(parser: DataSetParser): number {
    return (parser as any).values
}

/** the whole text, one character at a time, then end() */
export function parse(text: string, limits?: DataSetLimits): Parsed {
    const { parser, out } = collector(limits)
    for (let i = 0; i < text.length; i++) parser.push(text.charCodeAt(i))
    parser.end()
    return out
}

/** lines joined with CR LF, as most meters send them */
export const crlf = (...lines: string[]) => lines.map(l => l + "\r\n").join("")

/** a data set written back the way a meter sends it */
export function formatDataSet(d: DataSet): string {
    let s = d.address
    for (const v of d.values) s += "(" + v.text + (v.unit === null ? "" : "*" + v.unit) + ")"
    return s
}
