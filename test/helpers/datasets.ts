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
