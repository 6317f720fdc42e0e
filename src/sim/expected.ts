// What a reader must get from a profile: the data sets of its data block, split
// by a small splitter of its own (independent of the core's parser) that only
// needs to handle the profiles' own well-formed lines:
//   line     = dataset { dataset }
//   dataset  = address "(" content ")" { "(" content ")" }
//   content  = value [ "*" unit ]      (split at the first "*"; "&" is kept in the text)
// A line that does not follow this (unbalanced brackets, text outside brackets)
// is reported in `skipped`, never guessed at.
import { Profile } from "./profiles"

export interface ExpectedValue {
    /** everything between the brackets, e.g. "00132.149*kWh" or "088*C&082*C" */
    raw: string
    /** before the first "*", e.g. "00132.149" */
    text: string
    /** after the first "*", or null */
    unit: string | null
}

export interface ExpectedDataSet {
    address: string
    values: ExpectedValue[]
}

export interface ExpectedData {
    dataSets: ExpectedDataSet[]
    /** lines the splitter could not take apart (a well-behaved reader skips them too) */
    skipped: string[]
}

function value(raw: string): ExpectedValue {
    const star = raw.indexOf("*")
    if (star < 0) return { raw: raw, text: raw, unit: null }
    return { raw: raw, text: raw.slice(0, star), unit: raw.slice(star + 1) }
}

/** The data sets of one line, or null when the line is not well formed. */
export function splitLine(line: string): ExpectedDataSet[] | null {
    const out: ExpectedDataSet[] = []
    let i = 0
    const n = line.length
    while (i < n) {
        const open = line.indexOf("(", i)
        if (open < 0) return null
        const address = line.slice(i, open)
        if (address.indexOf(")") >= 0) return null
        const values: ExpectedValue[] = []
        i = open
        while (i < n && line.charAt(i) === "(") {
            const close = line.indexOf(")", i + 1)
            if (close < 0) return null
            const raw = line.slice(i + 1, close)
            if (raw.indexOf("(") >= 0) return null
            values.push(value(raw))
            i = close + 1
        }
        out.push({ address: address, values: values })
    }
    return out
}

/** Data sets of a block of lines (CR LF or LF separated). */
export function expectedFromBlock(block: string): ExpectedData {
    const lines = block.split("\n")
    const dataSets: ExpectedDataSet[] = []
    const skipped: string[] = []
    for (let k = 0; k < lines.length; k++) {
        let line = lines[k]
        if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, line.length - 1)
        if (line.length === 0) continue
        const ds = splitLine(line)
        if (ds === null) skipped.push(line)
        else for (let j = 0; j < ds.length; j++) dataSets.push(ds[j])
    }
    return { dataSets: dataSets, skipped: skipped }
}

/** The data sets a readout of this profile yields (for request character `requestChar`, default "?"). */
export function expectedData(p: Profile, requestChar?: string): ExpectedData {
    const rc = requestChar === undefined ? "?" : requestChar
    const block = p.altDataBlocks[rc] !== undefined ? p.altDataBlocks[rc] : p.dataBlock
    return expectedFromBlock(block)
}
