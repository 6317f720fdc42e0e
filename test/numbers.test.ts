// parseNumber/canonicalNumber: meter texts in, exact numbers and decimal strings out.
import { test } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { canonicalNumber, parseNumber } from "../src/core/numbers"

test("meter texts parse to the number the decimal text means", () => {
    assert.equal(parseNumber("00001234.5678901"), 1234.5678901)
    assert.equal(parseNumber("00132.149"), 132.149)
    assert.equal(parseNumber("-0001.5"), -1.5)
    assert.equal(parseNumber("+1.5"), 1.5)
    assert.equal(parseNumber("0,25"), 0.25)
    assert.equal(parseNumber("12"), 12)
    assert.equal(parseNumber("2311210915"), 2311210915)
    assert.equal(parseNumber(".5"), 0.5)
    assert.equal(parseNumber("5."), 5)
    assert.equal(parseNumber(" 12.5 "), 12.5) // meters that pad inside the brackets
})

test("anything that is not a plain decimal is null", () => {
    for (const t of ["", " ", "-", "+", ".", ",", "1A2F", "22:48", "1e5", "0x10", "ER11", "1.2.3", "1,2.3",
        "3.5kWh", "1 2", "--1", "+-1", "2023-11-21", "088*C&082*C", "12\r", "Infinity", "NaN"])
        assert.equal(parseNumber(t), null, JSON.stringify(t))
})

test("negative zero is reported as 0", () => {
    assert.ok(Object.is(parseNumber("-0"), 0))
    assert.ok(Object.is(parseNumber("-000.000"), 0))
})

test("issue 12 item 7: more than 15 significant digits is text, not a lossy number", () => {
    // the Kaifa MA105's equipment id (dsmr_parser TELEGRAM_V4_2, 0-0:96.1.1): 34 digits
    assert.equal(parseNumber("3960221976967177082151037881335713"), null)
    assert.equal(canonicalNumber("3960221976967177082151037881335713"), null)
    for (const t of ["12345678901234567890", "9007199254740993", "1.0000000000000000000000001", "0000123456789012.3456"])
        assert.equal(parseNumber(t), null, t)
    // 15 significant digits, leading zeros and a long run of decimals with few digits still count
    assert.equal(parseNumber("000123456789012.345"), 123456789012.345)
    assert.equal(parseNumber("00032549.5061662"), 32549.5061662)
    assert.equal(parseNumber("0.00000000000000000000000012"), 1.2e-25)
    assert.equal(parseNumber("00000000000000"), 0)
})

test("canonicalNumber drops leading zeros and keeps every decimal", () => {
    const cases: [string, string | null][] = [
        ["00132.1490", "132.1490"], ["0,25", "0.25"], ["-000", "0"], ["-0.00", "0.00"], ["000", "0"],
        ["0000.001", "0.001"], ["-0001.5", "-1.5"], ["+1.5", "1.5"], [".5", "0.5"], ["5.", "5"],
        ["00001234.5678901", "1234.5678901"], [" 12.50 ", "12.50"], ["1A2F", null], ["", null], ["ER11", null],
    ]
    for (const [t, want] of cases) assert.equal(canonicalNumber(t), want, t)
})

// Generated meter-style decimals: optional sign, leading zeros, up to 20 digits each side.
const digits = (min: number, max: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map(a => a.join(""))
const decimal = fc.tuple(fc.constantFrom("", "-", "+"), digits(0, 20), fc.constantFrom(".", ","), digits(0, 20), fc.boolean())
    .filter(([, i, , f]) => i.length + f.length > 0)
    .map(([s, i, p, f, point]) => s + i + (point || f.length ? p + f : ""))
    .filter(t => t.replace(/[^0-9]/g, "").replace(/^0+/, "").length <= 15) // longer ones are text (test above)

test("parseNumber agrees with Number() on generated decimals", () => {
    fc.assert(fc.property(decimal, t => {
        const want = Number(t.replace(",", "."))
        assert.equal(parseNumber(t), want === 0 ? 0 : want, t)
    }), { numRuns: 5000 })
})

test("parseNumber agrees with Number() on short decimals (the exact path)", () => {
    const short = fc.tuple(fc.integer({ min: 0, max: 99999999 }), fc.integer({ min: 0, max: 9999999 }), fc.integer({ min: 0, max: 7 }))
        .map(([a, b, z]) => "0".repeat(z) + a + "." + b)
    fc.assert(fc.property(short, t => assert.equal(parseNumber(t), Number(t), t)), { numRuns: 5000 })
})

test("canonicalNumber parses back to the same number and keeps all decimals", () => {
    fc.assert(fc.property(decimal, t => {
        const c = canonicalNumber(t)
        assert.notEqual(c, null)
        assert.equal(Number(c), parseNumber(t), t)
        assert.equal(parseNumber(c!), parseNumber(t))
        const p = Math.max(t.indexOf("."), t.indexOf(","))
        const frac = p >= 0 ? t.slice(p + 1) : ""
        assert.ok(frac === "" ? !c!.includes(".") : c!.endsWith("." + frac), `${t} -> ${c}`)
        assert.ok(!/^-?0\d/.test(c!), `leading zero kept: ${c}`)
        assert.equal(canonicalNumber(c!), c) // canonical is a fixed point
    }), { numRuns: 5000 })
})

test("parseNumber and canonicalNumber accept exactly the same texts", () => {
    const meterText = fc.array(fc.constantFrom(..."0123456789.,-+ :A*e".split("")), { maxLength: 12 }).map(a => a.join(""))
    fc.assert(fc.property(fc.oneof(meterText, fc.string({ maxLength: 12 })), t => {
        const n = parseNumber(t), c = canonicalNumber(t)
        assert.equal(n === null, c === null, JSON.stringify(t))
        if (c !== null) assert.equal(Number(c), n)
    }), { numRuns: 5000 })
})
