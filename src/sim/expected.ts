// What a reader must get from a profile: the data sets of its data block, split
// by a small splitter of its own (independent of the core's parser) that only
// needs to handle the profiles' own well-formed lines:
//   line     = dataset { dataset }
//   dataset  = address "(" content ")" { "(" content ")" }
//   content  = value [ "*" unit ]      (split at the first "*"; "&" is kept in the text)
// A line that does not follow this (unbalanced brackets, text outside brackets)
// is reported in `skipped`, never guessed at.
import { DataSet } from "../core/types"
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
            const nested = line.indexOf("(", i + 1)
            // "C.1(12880041.0(22:48 18-11-13)" (Actaris, a ")" missing): the "(" starts the next value
            const end = nested >= 0 && nested < close ? nested : close
            values.push(value(line.slice(i + 1, end)))
            i = end === close ? close + 1 : end
        }
        out.push({ address: address, values: values })
    }
    return out
}

// A lone value without unit after a header whose last value names a unit ("m3").
function isGasReading(prev: ExpectedDataSet, line: ExpectedDataSet[]): boolean {
    if (!prev.address.length || prev.values.length < 2) return false
    if (line.length !== 1 || line[0].address.length || line[0].values.length !== 1 || line[0].values[0].unit !== null) return false
    const u = prev.values[prev.values.length - 1].raw
    const c = u.charCodeAt(0)
    return u.length > 0 && u.length <= 8 && u.indexOf("*") < 0 && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122))
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
        const prev = dataSets.length ? dataSets[dataSets.length - 1] : null
        if (ds === null) skipped.push(line)
        else if (prev !== null && isGasReading(prev, ds)) {
            // DSMR 2.2/3: "(00054.386)" on its own line is the reading of the header before it, in its unit
            const unit = prev.values[prev.values.length - 1].raw
            prev.values.push({ raw: ds[0].values[0].raw + "*" + unit, text: ds[0].values[0].text, unit: unit })
        } else for (let j = 0; j < ds.length; j++) dataSets.push(ds[j])
    }
    return { dataSets: dataSets, skipped: skipped }
}

/** The data sets a readout of this profile yields (for request character `requestChar`, default "?"). */
export function expectedData(p: Profile, requestChar?: string): ExpectedData {
    const rc = requestChar === undefined ? "?" : requestChar
    const block = p.altDataBlocks[rc] !== undefined ? p.altDataBlocks[rc] : p.dataBlock
    return expectedFromBlock(block)
}

/** A received value as the meter wrote it: text, then "*unit" when there is a unit. */
export function valueAsSent(text: string, unit: string | null): string {
    return unit === null || unit === "" ? text : text + "*" + unit
}

function rawNoEmptyUnit(raw: string): string {
    return raw.length > 0 && raw.charAt(raw.length - 1) === "*" ? raw.slice(0, raw.length - 1) : raw
}

/**
 * Differences between the expected data sets and what a reader produced (empty = exactly equal).
 * Values compare as sent (text + "*" + unit); an empty unit ("013925.5*") equals no unit.
 */
export function diffDataSets(expected: ExpectedDataSet[], got: DataSet[]): string[] {
    const out: string[] = []
    const n = expected.length > got.length ? expected.length : got.length
    for (let i = 0; i < n; i++) {
        if (i >= got.length) {
            out.push(`#${i}: missing ${expected[i].address}`)
            continue
        }
        if (i >= expected.length) {
            out.push(`#${i}: unexpected ${got[i].address}`)
            continue
        }
        const e = expected[i]
        const g = got[i]
        if (e.address !== g.address) out.push(`#${i}: address ${g.address}, expected ${e.address}`)
        if (e.values.length !== g.values.length) out.push(`#${i} ${e.address}: ${g.values.length} values, expected ${e.values.length}`)
        const m = e.values.length < g.values.length ? e.values.length : g.values.length
        for (let k = 0; k < m; k++) {
            const want = rawNoEmptyUnit(e.values[k].raw)
            const have = valueAsSent(g.values[k].text, g.values[k].unit)
            if (want !== have) out.push(`#${i} ${e.address} value ${k}: "${have}", expected "${want}"`)
        }
    }
    return out
}
