// DataSetParser on readouts in the formats of real meters (values are made up).
import { describe, test } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { collector, crlf, formatDataSet, heldChars, heldValues, parse, Parsed, pushText } from "./helpers/datasets"
import { parseNumber } from "../src/core/numbers"
import { DataSetLimits, DEFAULT_LIMITS } from "../src/core/datasets"
import { DataSet, Value } from "../src/core/types"

const val = (text: string, number: number | null, unit: string | null = null): Value => ({ text, number, unit })
const ds = (address: string, ...values: Value[]): DataSet => ({ address, values })
const addresses = (r: { dataSets: DataSet[] }) => r.dataSets.map(d => d.address)
const kinds = (r: { errors: { kind: string }[] }) => r.errors.map(e => e.kind)

describe("real readouts", () => {
    test("Iskra MT174 style: reduced OBIS, tariffs, time, error register, history", () => {
        const r = parse(crlf("0.0.0(71234567)", "0.9.1(175102)", "0.9.2(1231121)", "1.8.0(0012345.678*kWh)",
            "1.8.1(0010000.123*kWh)", "1.8.2(0002345.555*kWh)", "2.8.0(0000012.001*kWh)", "1.8.0*01(0011111.111*kWh)",
            "F.F(00000000)"))
        assert.deepEqual(r.errors, [])
        assert.deepEqual(addresses(r), ["0.0.0", "0.9.1", "0.9.2", "1.8.0", "1.8.1", "1.8.2", "2.8.0", "1.8.0*01", "F.F"])
        assert.deepEqual(r.dataSets[3], ds("1.8.0", val("0012345.678", 12345.678, "kWh")))
        assert.deepEqual(r.dataSets[1], ds("0.9.1", val("175102", 175102)))
        assert.deepEqual(r.dataSets[8], ds("F.F", val("00000000", 0)))
    })

    test("Landis+Gyr E350 style with LF-only lines gives the same data sets as CRLF", () => {
        const lines = ["F.F(00000000)", "0.0.0(41234567)", "C.1.0(41234567)", "1.8.0(000123.456*kWh)", "2.8.0(000000.000*kWh)", "C.7.0(0012)"]
        const lf = parse(lines.map(l => l + "\n").join(""))
        const both = parse(crlf(...lines))
        assert.deepEqual(lf, both)
        assert.equal(lf.dataSets.length, 6)
        assert.deepEqual(lf.dataSets[4].values, [val("000000.000", 0, "kWh")])
    })

    test("Landis+Gyr ZMD style maximum demand: value and timestamp groups on one data set", () => {
        const r = parse(crlf("1.6.0(0003.456*kW)(2311210915)", "1.6.1(02.345*kW)(23-11-21 09:15)"))
        assert.deepEqual(r.errors, [])
        assert.deepEqual(r.dataSets, [
            ds("1.6.0", val("0003.456", 3.456, "kW"), val("2311210915", 2311210915)),
            ds("1.6.1", val("02.345", 2.345, "kW"), val("23-11-21 09:15", null)),
        ])
    })

    test("EMH / eBZ / Holley style full OBIS: '*' and '&' in the address belong to it", () => {
        const r = parse(crlf("1-0:0.0.0*255(1EBZ0100123456)", "1-0:96.1.0*255(1EBZ0100123456)",
            "1-0:1.8.0*255(000001234.56789012*kWh)", "1-0:1.8.1&255(001234.5678*kWh)", "1-0:16.7.0*255(-000123.45*W)",
            "1-0:32.7.0*255(230.1*V)", "1-0:96.5.0*255(001C0104)"))
        assert.deepEqual(r.errors, [])
        assert.deepEqual(addresses(r), ["1-0:0.0.0*255", "1-0:96.1.0*255", "1-0:1.8.0*255", "1-0:1.8.1&255",
            "1-0:16.7.0*255", "1-0:32.7.0*255", "1-0:96.5.0*255"])
        assert.deepEqual(r.dataSets[2].values, [val("000001234.56789012", 1234.56789012, "kWh")])
        assert.deepEqual(r.dataSets[3].values, [val("001234.5678", 1234.5678, "kWh")])
        assert.deepEqual(r.dataSets[4].values, [val("-000123.45", -123.45, "W")])
        assert.deepEqual(r.dataSets[6].values, [val("001C0104", null)]) // hex status word stays text
    })

    test("Landis+Gyr UH50 heat meter style: several data sets per line, compound values", () => {
        const r = parse(crlf("6.8(0123.4*MWh)6.26(01234.56*m3)9.21(66153690)", "6.6(0017.8*kW)6.6.1(0017.8*kW)(2311210915)",
            "9.4(088*C&082*C)", "0.9.2(2023-11-21&10:15:00)"))
        assert.deepEqual(r.errors, [])
        assert.deepEqual(r.dataSets, [
            ds("6.8", val("0123.4", 123.4, "MWh")),
            ds("6.26", val("01234.56", 1234.56, "m3")),
            ds("9.21", val("66153690", 66153690)),
            ds("6.6", val("0017.8", 17.8, "kW")),
            ds("6.6.1", val("0017.8", 17.8, "kW"), val("2311210915", 2311210915)),
            ds("9.4", val("088*C&082*C", null, null)), // compound: whole text, no unit, no number
            ds("0.9.2", val("2023-11-21&10:15:00", null, null)),
        ])
    })

    test("Kamstrup / gas meter style: decimal comma and '#' compound", () => {
        const r = parse(crlf("7-0:3.0.0*255(00123,456*m3)", "0.4.2(0,25)", "13.7.0(0,98)", "9.6(12#34)"))
        assert.deepEqual(r.dataSets.map(d => d.values[0].number), [123.456, 0.25, 0.98, null])
        assert.equal(r.dataSets[0].values[0].text, "00123,456")
        assert.equal(r.dataSets[3].values[0].text, "12#34")
    })

    test("Elster A1500 style: times with ':' and serial numbers stay text or digits", () => {
        const r = parse(crlf("C.1.0(12345678)", "0.9.1(12:34:56)", "0.9.2(23-11-21)", "1.8.0(0001234.5*kWh)"))
        assert.deepEqual(r.dataSets.map(d => d.values[0].number), [12345678, null, null, 1234.5])
    })
})

describe("value quirks", () => {
    test("empty brackets, unit-only, empty unit, error values", () => {
        const r = parse(crlf("0.0.1()", "1.8.0(*kWh)", "1.8.1(12*)", "1.8.2(ER11)", "F.F(ER04)"))
        assert.deepEqual(r.errors, []) // an error value is still a data set
        assert.deepEqual(r.dataSets.map(d => d.values[0]), [
            val("", null), val("", null, "kWh"), val("12", 12, ""), val("ER11", null), val("ER04", null),
        ])
    })

    test("spaces inside brackets stay in the text, the number ignores them", () => {
        const r = parse(crlf("1.8.0( 12.5*kWh)", "1.8.1(  0012.5 *kWh)", "0.2.0( V1.2 )"))
        assert.deepEqual(r.dataSets.map(d => d.values[0]), [
            val(" 12.5", 12.5, "kWh"), val("  0012.5 ", 12.5, "kWh"), val(" V1.2 ", null),
        ])
    })

    test("spaces outside brackets are not part of the address", () => {
        const r = parse(crlf("  1.8.0 (1*kWh) (2) ", " 2.8.0(3)"))
        assert.deepEqual(r.dataSets, [ds("1.8.0", val("1", 1, "kWh"), val("2", 2)), ds("2.8.0", val("3", 3))])
    })

    test("'/' and '!' inside data are ordinary characters", () => {
        const r = parse(crlf("0.2.1(/ISK5MT174)", "0.2.2(ok!)", "C.90.1(a/b)"))
        assert.deepEqual(r.errors, [])
        assert.deepEqual(r.dataSets.map(d => d.values[0].text), ["/ISK5MT174", "ok!", "a/b"])
    })

    test("a second '*' belongs to the unit", () => {
        assert.deepEqual(parse(crlf("1.8.0(1*k*Wh)")).dataSets[0].values, [val("1", 1, "k*Wh")])
    })
})

describe("load profile lines", () => {
    test("a line without address is one data set with address \"\"", () => {
        const r = parse(crlf("P.01(2311210915)(00)(15)(2)(1.5)(kW)(2.5)(kW)", "(0.123)(0.456)", "(0.124)(0.457)"))
        assert.deepEqual(r.errors, [])
        assert.deepEqual(addresses(r), ["P.01", "", ""])
        assert.equal(r.dataSets[0].values.length, 8)
        assert.deepEqual(r.dataSets[1], ds("", val("0.123", 0.123), val("0.456", 0.456)))
    })
})

describe("errors and resynchronisation", () => {
    test("unbalanced brackets skip only that line (the Actaris C.1 line is read, see issue 12 item 8)", () => {
        const r = parse(crlf("1.8.0(1*kWh)", "C.1(12880041.0(22:48 18-11-13)", "2.8.0(2*kWh)", "3.8.0(3*kvarh))",
            "4.8.0 4*kvarh)", "1.8.1(12", "1.8.2(5*kWh)"))
        assert.deepEqual(addresses(r), ["1.8.0", "C.1", "2.8.0", "1.8.2"])
        assert.deepEqual(kinds(r), ["syntax", "syntax", "syntax", "syntax"])
        assert.match(r.errors[0].message, /line 2/)
        assert.match(r.errors[3].message, /line 6/)
    })

    test("an error late in a line drops the data sets before it on the same line", () => {
        const r = parse(crlf("6.8(0123.4*MWh)6.26(01234.56*m3)9.21(661", "9.22(1)"))
        assert.deepEqual(addresses(r), ["9.22"])
        assert.deepEqual(kinds(r), ["syntax"])
    })

    test("address without value and control characters are syntax errors", () => {
        const r = parse(crlf("GARBAGE", "1.8.0(1\x00)", "1.8.1(\x7f)", "1.8.2(2)"))
        assert.deepEqual(addresses(r), ["1.8.2"])
        assert.deepEqual(kinds(r), ["syntax", "syntax", "syntax"])
    })

    test("fields at their bound are accepted, one more is overlength and resyncs at the next line", () => {
        // values up to 2048 characters: DSMR's 0-0:96.13.0 text message as hex digits
        const a16 = "1-0:1.8.0*255999", v2048 = "1".repeat(2048), u16 = "k".repeat(16)
        const ok = parse(crlf(`${a16}(${v2048}*${u16})`))
        assert.deepEqual(ok.errors, [])
        assert.deepEqual(ok.dataSets[0], ds(a16, val(v2048, null, u16))) // 2048 digits: text, not a number (MAX_SIGNIFICANT)
        const r = parse(crlf(a16 + "9(1)", `1.8.0(${v2048}1)`, `1.8.1(1*${u16}h)`, `9.4(${"1&".repeat(1024)}1)`, "2.8.0(7)"))
        assert.deepEqual(kinds(r), ["overlength", "overlength", "overlength", "overlength"])
        assert.deepEqual(addresses(r), ["2.8.0"])
        assert.match(r.errors[0].message, /line 1: address/)
    })

    test("an over-long value is cut off while it streams, not at its ')'", () => {
        const { parser, out } = collector()
        pushText(parser, "1.8.0(")
        for (let i = 0; i < 3000; i++) {
            parser.push(49)
            assert.ok(heldChars(parser) <= 5 + 2048 + 1 + 16)
        }
        assert.deepEqual(kinds(out), ["overlength"])
        pushText(parser, ")\r\n2.8.0(1)\r\n")
        assert.deepEqual(addresses(out), ["2.8.0"])
    })

    test("line cap and value count cap", () => {
        const limits = { address: 16, value: 128, unit: 16, line: 40, values: 4 }
        const r = parse(crlf("1.8.0(" + "1".repeat(40) + ")", "(1)(2)(3)(4)", "(1)(2)(3)(4)(5)", "2.8.0(1)"), limits)
        assert.deepEqual(kinds(r), ["overlength", "overlength"])
        assert.deepEqual(addresses(r), ["", "2.8.0"])
    })

    test("end() emits a complete last line without CRLF and reports a partial one", () => {
        assert.deepEqual(parse("1.8.0(1*kWh)\r\n2.8.0(2*kWh)").dataSets.length, 2)
        const r = parse("1.8.0(1*kWh)\r\n2.8.0(2*k")
        assert.deepEqual(addresses(r), ["1.8.0"])
        assert.deepEqual(kinds(r), ["syntax"])
    })

    test("reset() drops the pending line and starts counting lines again", () => {
        const { parser, out } = collector()
        pushText(parser, "1.8.0(1*kWh)\r\n2.8.0(2")
        parser.reset()
        pushText(parser, "3.8.0(3)\r\n4.8.0(\r\n")
        assert.deepEqual(addresses(out), ["1.8.0", "3.8.0"])
        assert.deepEqual(out.errors.map(e => e.message), ["line 2: unbalanced brackets: line ends inside a value"])
    })

    test("empty lines produce nothing", () => {
        assert.deepEqual(parse("\r\n\n\r\n  \r\n"), { dataSets: [], errors: [] })
    })
})

// Generators for valid data sets: addresses without brackets or spaces, values
// without brackets, "*", "&", "#", units without brackets, "&", "#".
const chars = (alphabet: string, min: number, max: number) =>
    fc.array(fc.constantFrom(...alphabet.split("")), { minLength: min, maxLength: max }).map(a => a.join(""))
const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("")
const without = (drop: string) => printable.split("").filter(c => !drop.includes(c)).join("")
const addressGen = fc.oneof(chars("0123456789.:-*&CFP", 1, 16), chars(without("() "), 1, 16))
const numberText = fc.tuple(fc.constantFrom("", "-", "+"), chars("0123456789", 1, 12), fc.constantFrom("", ".", ","), chars("0123456789", 0, 10))
    .map(([s, i, p, f]) => s + i + (p ? p + f : ""))
const simpleValue = fc.tuple(fc.oneof(numberText, chars(without("()*&#"), 0, 128)), fc.option(chars(without("()&#"), 0, 16)))
    .map(([text, unit]): Value => ({ text, number: parseNumber(text), unit }))
const compoundValue = fc.tuple(chars(without("()"), 0, 60), fc.constantFrom("&", "#"), chars(without("()"), 0, 60))
    .map(([a, s, b]): Value => ({ text: a + s + b, number: null, unit: null }))
const valueGen = fc.oneof({ weight: 4, arbitrary: simpleValue }, { weight: 1, arbitrary: compoundValue })
const dataSetGen = fc.tuple(addressGen, fc.array(valueGen, { minLength: 1, maxLength: 3 })).map(([address, values]): DataSet => ({ address, values }))
// a line: an optional load-profile data set (address "") first, then named data sets
const lineGen = fc.tuple(fc.option(fc.array(valueGen, { minLength: 1, maxLength: 3 })), fc.array(dataSetGen, { minLength: 0, maxLength: 3 }))
    .map(([lp, rest]) => (lp ? [{ address: "", values: lp }, ...rest] : rest))
    .filter(l => l.length > 0 && l.reduce((n, d) => n + d.values.length, 0) <= 32 && l.map(formatDataSet).join("").length <= 1024)

function feedChunks(text: string, cuts: number[], limits?: DataSetLimits): { out: Parsed; maxHeld: number; maxValues: number } {
    const { parser, out } = collector(limits)
    let maxHeld = 0, maxValues = 0, at = 0
    const bounds = [...new Set(cuts.map(c => c % (text.length + 1)))].sort((a, b) => a - b)
    for (const b of [...bounds, text.length]) {
        pushText(parser, text.slice(at, b))
        at = b
        maxHeld = Math.max(maxHeld, heldChars(parser))
        maxValues = Math.max(maxValues, heldValues(parser))
    }
    parser.end()
    return { out, maxHeld, maxValues }
}

describe("properties", () => {
    test("data sets -> meter text -> parser is identity", () => {
        fc.assert(fc.property(fc.array(lineGen, { minLength: 1, maxLength: 6 }), fc.constantFrom("\r\n", "\n"), (lines, eol) => {
            // a line ending in a unit name, then a lone value: DSMR 2.2's gas reading, joined (own test)
            const unitName = (v: Value) => v.unit === null && v.text.length > 0 && v.text.length <= 8 && v.text.charCodeAt(0) >= 65
            for (let i = 0; i + 1 < lines.length; i++) {
                const last = lines[i][lines[i].length - 1], next = lines[i + 1]
                fc.pre(!(last.address && last.values.length >= 2 && unitName(last.values[last.values.length - 1]) &&
                    next.length === 1 && next[0].address === "" && next[0].values.length === 1 && next[0].values[0].unit === null))
            }
            const text = lines.map(l => l.map(formatDataSet).join("") + eol).join("")
            const r = parse(text)
            assert.deepEqual(r.errors, [])
            assert.deepEqual(r.dataSets, lines.flat())
        }), { numRuns: 1000 })
    })

    // Any 7-bit code, but meter-like characters over-represented so that data sets,
    // brackets and line ends actually meet; plus valid readouts with random damage.
    const meterish = fc.constantFrom(..."0123456789.:-*&#,() ()()\r\n\nkWhFC".split("").map(c => c.charCodeAt(0)))
    const anyChar = fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 127 }) }, { weight: 12, arbitrary: meterish })
    const damaged = fc.tuple(fc.array(lineGen, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 127 })), { maxLength: 4 }))
        .map(([lines, hits]) => {
            const codes = lines.map(l => l.map(formatDataSet).join("") + "\r\n").join("").split("").map(c => c.charCodeAt(0))
            for (const [at, c] of hits) codes[at % codes.length] = c
            return codes
        })
    const anyInput = fc.oneof(fc.array(anyChar, { maxLength: 400 }), damaged)
    const small: DataSetLimits = { address: 4, value: 6, unit: 3, line: 24, values: 3 }
    const smallFields: DataSetLimits = { address: 4, value: 6, unit: 3, line: 1024, values: 3 }

    for (const [name, limits] of [["default", DEFAULT_LIMITS], ["small", small], ["small fields, long lines", smallFields]] as const) {
        // held text is bounded by the field limits too, not only by the line cap
        const fieldBound = ((limits.values ?? 32) + 1) * (limits.address + limits.value + 1 + limits.unit)
        test(`any 7-bit input in any chunking: no throw, bounded, same result (${name} limits)`, () => {
            fc.assert(fc.property(anyInput, fc.array(fc.nat(), { maxLength: 20 }), (codes, cuts) => {
                const text = String.fromCharCode(...codes)
                const whole = feedChunks(text, [], limits)
                const chunked = feedChunks(text, cuts, limits)
                assert.deepEqual(chunked.out, whole.out)
                // one character at a time, checking the bounds after every push
                const { parser, out } = collector(limits)
                for (const c of codes) {
                    parser.push(c)
                    assert.ok(heldChars(parser) <= limits.line)
                    assert.ok(heldChars(parser) <= fieldBound)
                    assert.ok(heldValues(parser) <= (limits.values ?? 32))
                }
                parser.end()
                assert.deepEqual(out, whole.out)
                assert.ok(chunked.maxHeld <= limits.line)
                for (const d of out.dataSets) {
                    assert.ok(d.address.length <= limits.address)
                    for (const v of d.values) {
                        assert.ok(v.text.length <= limits.value)
                        assert.ok(v.unit === null || v.unit.length <= limits.unit)
                        assert.equal(v.number, v.unit === null && /[&#]/.test(v.text) ? null : parseNumber(v.text))
                    }
                }
                for (const e of out.errors) assert.ok(["syntax", "overlength"].includes(e.kind))
            }), { numRuns: 1000 })
        })
    }
})
