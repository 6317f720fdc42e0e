// Bytes, the software 7E1 codec, message builders and the identification parser.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { ascii, bcc, decode7E1, encode7E1, parityBit } from "../src/core/bytes"
import { RX_PARITY_ERROR } from "../src/core/types"
import { baudForDigit, baudForLetter, breakMessage, digitForBaud, optionSelect, password, readRegister, request, requestProblem } from "../src/core/messages"
import { isError, parseIdentification } from "../src/core/identification"

const str = (a: number[]) => String.fromCharCode(...a)

describe("software 7E1", () => {
    test("known encodings", () => {
        // "/?!\r\n" at 8N1 with even parity in bit 7
        assert.deepEqual(ascii("/?!\r\n").map(encode7E1), [0xaf, 0x3f, 0x21, 0x8d, 0x0a])
    })
    test("every character round-trips and every single-bit flip is a parity error", () => {
        for (let c = 0; c < 128; c++) {
            const b = encode7E1(c)
            let ones = 0
            for (let k = 0; k < 8; k++) ones += (b >> k) & 1
            assert.equal(ones % 2, 0, `even number of ones in ${b}`)
            assert.equal(decode7E1(b), c)
            for (let k = 0; k < 8; k++) assert.equal(decode7E1(b ^ (1 << k)) & RX_PARITY_ERROR, RX_PARITY_ERROR, `flip bit ${k} of ${c}`)
        }
    })
    test("parityBit agrees with counting", () => {
        fc.assert(fc.property(fc.integer({ min: 0, max: 127 }), c => parityBit(c) === (c.toString(2).split("1").length - 1) % 2))
    })
})

describe("messages", () => {
    test("request with and without address, custom request character", () => {
        assert.equal(str(request("?", "")), "/?!\r\n")
        assert.equal(str(request("?", "12345678")), "/?12345678!\r\n")
        assert.equal(str(request("2", "")), "/2!\r\n")
        assert.equal(str(request("#", "")), "/#!\r\n")
    })
    test("request problems are named", () => {
        assert.equal(requestProblem("?", "12345678"), null)
        assert.match(requestProblem("?", "x".repeat(33))!, /33 characters, at most 32/)
        assert.match(requestProblem("!", "")!, /request character/)
        assert.match(requestProblem("??", "")!, /request character/)
        assert.match(requestProblem("?", "ab/c")!, /address character 3/)
    })
    test("option select, break, password and reads carry correct BCCs", () => {
        assert.deepEqual(optionSelect("0", "5", "0"), [0x06, 0x30, 0x35, 0x30, 0x0d, 0x0a])
        // SOH B 0 ETX q: the well-known break message
        assert.equal(str(breakMessage()), "\x01B0\x03q")
        const pw = password("00000000")
        assert.equal(str(pw.slice(0, pw.length - 1)), "\x01P1\x02(00000000)\x03")
        assert.equal(pw.at(-1), bcc(pw, 1, pw.length - 1))
        const r5 = readRegister("R5", "1.8.0")
        assert.equal(str(r5.slice(0, r5.length - 1)), "\x01R5\x021.8.0()\x03")
        let x = 0
        for (const c of r5.slice(1, r5.length - 1)) x ^= c
        assert.equal(r5.at(-1), x & 0x7f)
    })
    test("baud characters", () => {
        assert.deepEqual(["0", "1", "2", "3", "4", "5", "6", "7", "A"].map(baudForDigit), [300, 600, 1200, 2400, 4800, 9600, 19200, 0, 0])
        assert.deepEqual(["A", "B", "C", "D", "E", "F", "G", "0"].map(baudForLetter), [600, 1200, 2400, 4800, 9600, 19200, 0, 0])
        assert.equal(digitForBaud(9600), "5")
        assert.equal(digitForBaud(1234), "")
    })
})

describe("identification", () => {
    test("mode C with enhanced capability \\2 is mode E", () => {
        const id = parseIdentification("/ISK5\\2MT372-0002")
        assert.ok(!isError(id))
        assert.deepEqual(id, { manufacturer: "ISK", fastReaction: false, baudChar: "5", mode: "E", baud: 9600, capability: "2", ident: "MT372-0002" })
    })
    test("lowercase third letter signals the 20 ms reaction time", () => {
        const id = parseIdentification("/ISk5MT174-0001")
        assert.ok(!isError(id) && id.fastReaction && id.mode === "C")
    })
    test("mode B letters, mode A for anything else", () => {
        const b = parseIdentification("/LUGCUH50")
        assert.ok(!isError(b) && b.mode === "B" && b.baud === 2400)
        const a = parseIdentification("/ABC9XYZ")
        assert.ok(!isError(a) && a.mode === "A" && a.baud === 300)
        const r = parseIdentification("/ACE7ACE3000") // reserved digit: no switch
        assert.ok(!isError(r) && r.mode === "A")
    })
    test("bad lines are typed errors that say what is wrong", () => {
        const cases: [string, string, RegExp][] = [
            ["/I5", "syntax", /too short/],
            ["/1SK5MT", "syntax", /manufacturer must be 3 letters/],
            ["/ISK5" + "x".repeat(60), "overlength", /at most 48/],
            ["/ISK5MT\x07", "syntax", /control character 7/],
        ]
        for (const [line, kind, re] of cases) {
            const e = parseIdentification(line)
            assert.ok(isError(e), line)
            assert.equal(e.kind, kind)
            assert.match(e.message, re)
        }
    })
})
