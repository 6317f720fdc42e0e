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
//
// Cost on DeviceScript (simulator, measured): about 100 VM steps per character
// including the work at line end, so a caller must await at least every ~1000
// characters to stay inside the 128K-step budget.
import { coreError } from "./types";
import { parseNumber } from "./numbers";
export const DEFAULT_LIMITS = { address: 16, value: 128, unit: 16, line: 1024, values: 32 };
const CR = 13;
const LF = 10;
const SPACE = 32;
const OPEN = 40;
const CLOSE = 41;
const STAR = 42;
const AMP = 38;
const HASH = 35;
// Parser states: reading an address, inside brackets, or skipping a bad line.
const ADDR = 0;
const VALUE = 1;
const SKIP = 2;
export class DataSetParser {
    sink;
    lim;
    // Limits copied into plain fields: DeviceScript counts every field access
    // against its step budget, and push() runs once per character.
    maxLine;
    maxAddr;
    maxContent; // value + "*" + unit
    maxValues;
    state = ADDR;
    addr = ""; // address characters read since the last bracket group
    content = ""; // characters inside the open bracket
    star = -1; // index of the first "*" in content
    compound = false; // content holds "&" or "#"
    lineLen = 0;
    lineNo = 1;
    line = []; // complete data sets of this line
    cur = null; // the data set that takes further bracket groups
    values = 0; // values held for this line
    held = 0; // characters held in line/cur
    constructor(sink, limits) {
        this.sink = sink;
        const lim = limits ? limits : DEFAULT_LIMITS;
        this.lim = lim;
        this.maxLine = lim.line;
        this.maxAddr = lim.address;
        this.maxContent = lim.value + 1 + lim.unit;
        this.maxValues = lim.values ? lim.values : 32;
    }
    /** one 7-bit character of the data block (CR, LF included; STX/ETX/BCC and the final "!" line are not passed) */
    push(c) {
        // Fast path: a character with no meaning of its own ("+,-./", digits,
        // letters...) on a healthy line; everything else goes to special().
        if (c > STAR && c < 127 && this.state !== SKIP) {
            if (++this.lineLen > this.maxLine)
                return this.overLine();
            if (this.state === VALUE) {
                if (this.content.length >= this.maxContent)
                    return this.overValue();
                this.content += String.fromCharCode(c);
            }
            else {
                if (this.addr.length >= this.maxAddr)
                    return this.overAddress();
                this.addr += String.fromCharCode(c);
            }
            return;
        }
        this.special(c);
    }
    special(c) {
        if (c === CR || c === LF) {
            this.endLine();
            if (c === LF)
                this.lineNo++;
            return;
        }
        if (this.state === SKIP)
            return;
        if (++this.lineLen > this.maxLine)
            return this.overLine();
        if (c < SPACE || c > 126)
            return this.fail("syntax", "unexpected character code " + c);
        if (this.state === VALUE) {
            if (c === CLOSE)
                return this.closeGroup();
            if (c === OPEN)
                return this.fail("syntax", "unbalanced brackets: '(' inside a value");
            if (this.content.length >= this.maxContent)
                return this.overValue();
            if (c === STAR) {
                if (this.star < 0)
                    this.star = this.content.length;
            }
            else if (c === AMP || c === HASH)
                this.compound = true;
            this.content += String.fromCharCode(c);
            return;
        }
        if (c === OPEN)
            return this.openGroup();
        if (c === CLOSE)
            return this.fail("syntax", "unbalanced brackets: ')' without '('");
        if (c === SPACE)
            return; // spaces outside brackets are not part of an address
        if (this.addr.length >= this.maxAddr)
            return this.overAddress();
        this.addr += String.fromCharCode(c);
    }
    overLine() {
        this.fail("overlength", "line longer than " + this.maxLine + " characters");
    }
    overValue() {
        this.fail("overlength", "value longer than " + this.lim.value + " characters");
    }
    overAddress() {
        this.fail("overlength", "address longer than " + this.maxAddr + " characters");
    }
    /** every character of a string, in order (a chunk of any size) */
    pushText(s) {
        for (let i = 0; i < s.length; i++)
            this.push(s.charCodeAt(i));
    }
    /** end of block: a pending complete data set is emitted, a partial one reported as an error */
    end() {
        this.endLine();
        this.reset();
    }
    /** drop everything pending (block rejected or new block) */
    reset() {
        this.clearLine();
        this.lineNo = 1;
    }
    /** characters held right now (address, open value, data sets of the line); never above the line cap */
    heldChars() {
        return this.addr.length + this.content.length + this.held;
    }
    /** values held right now for the current line */
    heldValues() {
        return this.values;
    }
    openGroup() {
        if (this.values >= this.maxValues)
            return this.fail("overlength", "more than " + this.maxValues + " values on one line");
        // An address starts a new data set; a group right after a group adds to
        // the same one; a line starting with "(" is a data set with address "".
        if (this.addr.length > 0 || !this.cur) {
            if (this.cur)
                this.line.push(this.cur);
            this.cur = { address: this.addr, values: [] };
            this.held += this.addr.length;
            this.addr = "";
        }
        this.state = VALUE;
        this.content = "";
        this.star = -1;
        this.compound = false;
    }
    closeGroup() {
        const s = this.content;
        let v;
        if (this.compound) {
            if (s.length > this.lim.value)
                return this.fail("overlength", "value longer than " + this.lim.value + " characters");
            v = { text: s, number: null, unit: null };
        }
        else {
            const text = this.star < 0 ? s : s.slice(0, this.star);
            const unit = this.star < 0 ? null : s.slice(this.star + 1);
            if (text.length > this.lim.value)
                return this.fail("overlength", "value longer than " + this.lim.value + " characters");
            if (unit && unit.length > this.lim.unit)
                return this.fail("overlength", "unit longer than " + this.lim.unit + " characters");
            v = { text: text, number: parseNumber(text), unit: unit };
        }
        ;
        this.cur.values.push(v);
        this.values++;
        this.held += s.length;
        this.state = ADDR;
        this.content = "";
    }
    endLine() {
        if (this.state !== SKIP) {
            if (this.state === VALUE)
                this.error("syntax", "unbalanced brackets: line ends inside a value");
            else if (this.addr.length > 0)
                this.error("syntax", "address without a value: " + this.addr);
            else {
                if (this.cur)
                    this.line.push(this.cur);
                const out = this.line;
                this.line = []; // the sink may keep the data sets
                for (let i = 0; i < out.length; i++)
                    this.sink.dataSet(out[i]);
            }
        }
        this.clearLine();
    }
    fail(kind, message) {
        this.error(kind, message);
        this.clearLine();
        this.state = SKIP; // resync at the next CR or LF
    }
    error(kind, message) {
        this.sink.error(coreError(kind, "line " + this.lineNo + ": " + message));
    }
    clearLine() {
        this.addr = "";
        this.content = "";
        this.star = -1;
        this.compound = false;
        this.state = ADDR;
        this.lineLen = 0;
        if (this.line.length > 0)
            this.line = []; // no allocation for empty lines (CR LF)
        this.cur = null;
        this.values = 0;
        this.held = 0;
    }
}
