// Streaming data-set parser: characters in, data sets out, bounded memory.
//
// A line is all or nothing: its data sets are held until the line ends and only
// then handed to the sink, so a line with a syntax or length error yields none of
// its data sets (the other lines are unaffected). Decisions for meter quirks:
// - `addr(v)(v)`: further bracket groups belong to the data set before them
//   (maximum demand + timestamp). A line that starts with "(" (load-profile value
//   lines `(v)(v)(v)`) is one data set with address "": the parser keeps no state
//   across lines, the consumer knows which header line came before.
// - `*` splits value and unit only inside brackets; in the address it is part of
//   the address (`1-0:1.8.0*255`, `1-0:1.8.0&255`).
// - A bracket containing `&` or `#` is a compound value (`9.4(088*C&082*C)`,
//   `0.9.2(2023-11-21&10:15:00)`): the whole content is the text, unit and number
//   are null. Splitting it is the consumer's choice; the text stays exact.
// - The value text keeps the meter's characters, spaces included (`( 12.5*kWh)` ->
//   text " 12.5"); the number ignores surrounding spaces. Units are kept as sent.
// - Spaces outside brackets are not part of an address (`1.8.0 (1)`, `(1) (2)`).
// - Error values (`(ER11)`) are ordinary values: text "ER11", number null.
// - Any character outside 0x20..0x7E other than CR/LF is a syntax error for its line.
// - Values are kept up to MAX_VALUE_TEXT characters: DSMR's text message 0-0:96.13.0
//   (up to 1024 bytes, sent as hex digits) is a value, not an over-long line.
// - DSMR 2.2/3 send the gas reading on the line after its header,
//   `0-1:24.3.0(…)(00)(60)(1)(0-1:24.2.1)(m3)` then `(00054.386)`: a header whose last
//   value is a unit name is held one line (endLine); a lone value on the
//   next line joins it with that unit. Any other line sends the header on unchanged.
// - `C.1(12880041.0(22:48 18-11-13)` (Actaris ACE5SMLCD): a "(" inside a value ends
//   that value and opens the next; the line is kept and the oddity reported
//   (push), instead of losing the line.
//
// Cost on DeviceScript: push() is about 30 VM steps per character; pushPlain()
// takes the printable text of a line with a few native calls per bracket group,
// which is what the framer uses inside data blocks.
import { coreError, CoreError, DataSet, ErrorKind, Value } from "./types"
import { parseNumber } from "./numbers"

export interface DataSetSink {
    dataSet(d: DataSet): void
    error(e: CoreError): void
}

export interface DataSetLimits {
    address: number // 16
    value: number // 128
    unit: number // 16
    line: number // whole line cap
    /** values held for one line (all its bracket groups); default 32 */
    values?: number
}

/** The longest value kept: DSMR's text message 0-0:96.13.0 (DSMR 5.0.2 P1: up to 1024 characters; DSMR 4 sends them as 2048 hex digits). */
export const MAX_VALUE_TEXT = 2048

export const DEFAULT_LIMITS: DataSetLimits = { address: 16, value: MAX_VALUE_TEXT, unit: 16, line: MAX_VALUE_TEXT + 64, values: 32 }

const CR = 13
const LF = 10
const SPACE = 32
const OPEN = 40
const CLOSE = 41
const AMP = 38
const HASH = 35

// Parser states: reading an address, inside brackets, or skipping a bad line.
const ADDR = 0
const VALUE = 1
const SKIP = 2

export class DataSetParser {
    private lim: DataSetLimits
    // Limits copied into plain fields: DeviceScript counts every field access
    // against its step budget, and push() runs once per character.
    private maxLine: number
    private maxAddr: number
    private maxContent: number // value + "*" + unit
    private maxValues: number
    private state = ADDR
    private addr = "" // address characters read since the last bracket group
    private content = "" // characters inside the open bracket
    private compound = false // content holds "&" or "#"
    private lineLen = 0
    private lineNo = 1
    private line: DataSet[] = [] // complete data sets of this line
    private cur: DataSet | null = null // the data set that takes further bracket groups
    private values = 0 // values held for this line
    private held = 0 // characters held in line/cur
    /** a DSMR 2.2/3 header whose reading may come on the next line (endLine) */
    private deferred: DataSet | null = null
    /** the line had a "(" inside a value (push) */
    private reopened = ""

    constructor(public sink: DataSetSink, limits?: DataSetLimits) {
        const lim = limits ? limits : DEFAULT_LIMITS
        this.lim = lim
        this.maxLine = lim.line
        this.maxAddr = lim.address
        this.maxContent = lim.value + 1 + lim.unit
        this.maxValues = lim.values ? lim.values : 32
    }

    /** one 7-bit character of the data block (CR, LF included; STX/ETX/BCC and the final "!" line are not passed) */
    push(c: number): void {
        if (c === CR || c === LF) {
            // nothing since the last line end (the LF after CR): endLine would change nothing
            if (this.lineLen > 0 || this.state !== ADDR) this.endLine()
            if (c === LF) this.lineNo++
            return
        }
        if (this.state === SKIP) return
        if (++this.lineLen > this.maxLine) return this.overLine()
        if (c < SPACE || c > 126) return this.fail("syntax", "unexpected character code " + c)
        if (this.state === VALUE) {
            if (c === CLOSE) return this.closeGroup()
            if (c === OPEN) {
                // `C.1(12880041.0(22:48 18-11-13)`: the value so far is one value, what follows the "("
                // another; the line stays (endLine closes a value left open by this) and the error says why.
                if (this.reopened.length) return this.fail("syntax", "unbalanced brackets: '(' inside a value twice")
                this.reopened = (this.cur as DataSet).address
                this.closeGroup()
                if ((this.state as number) !== ADDR) return // closeGroup failed the line
                return this.openGroup()
            }
            if (this.content.length >= this.maxContent) return this.overValue()
            if (c === AMP || c === HASH) this.compound = true
            this.content += String.fromCharCode(c)
            return
        }
        if (c === OPEN) return this.openGroup()
        if (c === CLOSE) return this.fail("syntax", "unbalanced brackets: ')' without '('")
        if (c === SPACE) return // spaces outside brackets are not part of an address
        if (this.addr.length >= this.maxAddr) return this.overAddress()
        this.addr += String.fromCharCode(c)
    }

    /**
     * Characters 0x20..0x7E only (no CR, LF or other control character), exactly as push() one
     * by one would take them: the stretches between brackets are cut out with
     * native indexOf/slice, so a line costs a few calls, not one per character. A line with a
     * space, `&` or `#` (rare) goes character by character.
     */
    pushPlain(s: string): void {
        const n = s.length
        if (s.indexOf(" ") >= 0 || s.indexOf("&") >= 0 || s.indexOf("#") >= 0) {
            for (let k = 0; k < n; k++) this.push(s.charCodeAt(k))
            return
        }
        let i = 0
        while (i < n && this.state !== SKIP) {
            const value = this.state === VALUE
            // inline rather than a helper: a call costs the VM more than the search
            let stop = s.indexOf(")", i)
            if (stop < 0) stop = n
            const k = s.indexOf("(", i)
            if (k >= 0 && k < stop) stop = k
            // the stretch s[i, stop), then the bracket that ends it (it counts for the line): per character
            // the line length is checked before the field's, so the first limit hit wins
            const m = stop - i
            const lineRoom = this.maxLine - this.lineLen
            const fieldRoom = value ? this.maxContent - this.content.length : this.maxAddr - this.addr.length
            if (lineRoom < (stop < n ? m + 1 : m) || fieldRoom < m) {
                if (lineRoom <= fieldRoom) this.overLine()
                else if (value) this.overValue()
                else this.overAddress()
                return
            }
            this.lineLen += m
            if (value) this.content += s.slice(i, stop)
            else this.addr += s.slice(i, stop)
            if (stop >= n) return
            // "(" after an address and ")" after a value as push() takes them, without the call
            const c = s.charCodeAt(stop)
            if (value === (c === CLOSE)) {
                this.lineLen++
                if (value) this.closeGroup()
                else this.openGroup()
            } else this.push(c)
            i = stop + 1
        }
    }

    private overLine(): void {
        this.fail("overlength", "line longer than " + this.maxLine + " characters")
    }

    private overValue(): void {
        this.fail("overlength", "value longer than " + this.lim.value + " characters")
    }

    private overAddress(): void {
        this.fail("overlength", "address longer than " + this.maxAddr + " characters")
    }

    /** end of block: a pending complete data set is emitted, a partial one reported as an error */
    end(): void {
        this.endLine()
        if (this.deferred !== null) this.sink.dataSet(this.deferred)
        this.reset()
    }

    /** drop everything pending (block rejected or new block) */
    reset(): void {
        this.clearLine()
        this.deferred = null
        this.lineNo = 1
    }

    private openGroup(): void {
        if (this.values >= this.maxValues)
            return this.fail("overlength", "more than " + this.maxValues + " values on one line")
        // An address starts a new data set; a group right after a group adds to
        // the same one; a line starting with "(" is a data set with address "".
        if (this.addr.length > 0 || !this.cur) {
            if (this.cur) this.line.push(this.cur)
            this.cur = { address: this.addr, values: [] }
            this.held += this.addr.length
            this.addr = ""
        }
        this.state = VALUE
        this.content = ""
        this.compound = false
    }

    private closeGroup(): void {
        const s = this.content
        let v: Value
        if (this.compound) {
            if (s.length > this.lim.value) return this.fail("overlength", "value longer than " + this.lim.value + " characters")
            v = { text: s, number: null, unit: null }
        } else {
            // value and unit split at the first "*"
            const star = s.indexOf("*")
            const text = star < 0 ? s : s.slice(0, star)
            const unit = star < 0 ? null : s.slice(star + 1)
            if (text.length > this.lim.value) return this.fail("overlength", "value longer than " + this.lim.value + " characters")
            if (unit && unit.length > this.lim.unit) return this.fail("overlength", "unit longer than " + this.lim.unit + " characters")
            v = { text: text, number: parseNumber(text), unit: unit }
        }
        ;(this.cur as DataSet).values.push(v)
        this.values++
        this.held += s.length
        this.state = ADDR
        this.content = ""
    }

    private endLine(): void {
        if (this.state === VALUE && this.reopened.length) this.closeGroup() // the rest after the odd "(" is the last value
        if (this.state !== SKIP) {
            if (this.state === VALUE) this.error("syntax", "unbalanced brackets: line ends inside a value")
            else if (this.addr.length > 0) this.error("syntax", "address without a value: " + this.addr)
            else {
                if (this.cur) this.line.push(this.cur)
                if (this.reopened.length) this.error("syntax", "unbalanced brackets in " + this.reopened + ": '(' inside a value; read as separate values")
                const out = this.line
                this.line = [] // the sink may keep the data sets
                let n = out.length
                // DSMR 2.2/3: `0-1:24.3.0(…)(0-1:24.2.1)(m3)` + next line `(00054.386)`: the header waits
                // one line in `deferred`; a lone value on the next line becomes its last value, in its unit.
                // (No data set: the LF after CR, an empty line: the header keeps waiting.)
                if (n) {
                    const d = this.deferred
                    this.deferred = null
                    if (d !== null) {
                        const lone = n === 1 && out[0].address === "" && out[0].values.length === 1 ? out[0].values[0] : null
                        if (lone !== null && lone.unit === null) {
                            lone.unit = d.values[d.values.length - 1].text
                            d.values.push(lone)
                            out[0] = d
                        } else this.sink.dataSet(d)
                    }
                    const last = out[n - 1]
                    // the last value names a unit ("m3", "kWh"): at most 8 characters, the first one from "A" up
                    // (letters; digits, signs and points, which start numbers, are below)
                    const lv = last !== d && last.address.length && last.values.length >= 2 ? last.values[last.values.length - 1] : null
                    if (lv !== null && lv.unit === null && lv.text.length <= 8 && lv.text.charCodeAt(0) >= 65) {
                        this.deferred = last
                        n--
                    }
                    for (let i = 0; i < n; i++) this.sink.dataSet(out[i])
                }
            }
        }
        this.clearLine()
    }

    private fail(kind: ErrorKind, message: string): void {
        this.error(kind, message)
        this.clearLine()
        this.state = SKIP // resync at the next CR or LF
    }

    private error(kind: ErrorKind, message: string): void {
        this.sink.error(coreError(kind, "line " + this.lineNo + ": " + message))
    }

    private clearLine(): void {
        this.addr = ""
        this.content = ""
        this.compound = false
        this.state = ADDR
        this.lineLen = 0
        if (this.line.length > 0) this.line = [] // no allocation for empty lines (CR LF)
        this.cur = null
        this.values = 0
        this.held = 0
        this.reopened = ""
    }
}
