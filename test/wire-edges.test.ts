// The edges of the wire-level core, written against the mutation run (npm run mutate): each
// test pins a boundary a surviving mutant moved (a < that became <=, a length check that
// became off by one), with the expected values taken from IEC 62056-21 and the CRC standards,
// not from the code.
import { test } from "node:test"
import assert from "node:assert/strict"
import { configSafe, baudForDigit, baudForLetter, digitForBaud, requestProblem, request, command } from "../src/core/messages"
import { isError, isRequestLine, parseIdentification, MAX_IDENT_LINE } from "../src/core/identification"
import { parseCommand } from "../src/core/commands"
import { crc16Arc, crcHex, parseCrcHex } from "../src/core/crc16"
import { crcKermit, crcStep, crcX25, x25Final, X25_INIT } from "../src/core/sml/crc"
import { defaultSessionConfig } from "../src/core/defaults"

const str = (a: number[]) => String.fromCharCode(...a)

test("configSafe: space and tilde are the printable edges; 0x1f and 0x7f are not", () => {
    const c = (address: string) => configSafe({ ...defaultSessionConfig(), address })
    assert.equal(c(" ~"), true)
    assert.equal(c("\x1f"), false)
    assert.equal(c("\x7f"), false)
    const p = (registers: string[], password: string | null) =>
        configSafe({ ...defaultSessionConfig(), programming: { password, registers, command: "R1" } })
    assert.equal(p(["1.8.0", "~ "], " ~"), true)
    assert.equal(p(["1.8.0", "\x7f"], null), false)
    assert.equal(p(["1.8.0"], "\x1f"), false)
})

test("request and command messages, byte for byte", () => {
    assert.equal(str(request("?", "")), "/?!\r\n")
    assert.equal(str(command("R", "1", "1.8.0()")), "\x01R1\x021.8.0()\x03" + String.fromCharCode(0x5a))
    // B0 without data: SOH B 0 ETX and the BCC over "B0" ETX
    assert.equal(str(command("B", "0", null)), "\x01B0\x03q")
    // the BCC is the XOR of everything after SOH up to and including ETX
    const p1 = command("P", "1", "(12345678)")
    let x = 0
    for (const c of p1.slice(1, -1)) x ^= c
    assert.equal(p1.at(-1), x)
})

test("requestProblem: the exact limits", () => {
    assert.equal(requestProblem("?", "x".repeat(32)), null)
    assert.match(requestProblem("?", "x".repeat(33))!, /at most 32/)
    assert.match(requestProblem("/", "")!, /request character/)
    assert.match(requestProblem("", "")!, /request character/)
    assert.equal(requestProblem("?", " ~"), null)
    assert.match(requestProblem("?", "ab!")!, /address character 3 \(code 33\)/)
    assert.match(requestProblem("?", "a\x1f")!, /address character 2 \(code 31\)/)
    assert.match(requestProblem("?", "\x7f")!, /address character 1 \(code 127\)/)
})

test("baud characters: one character, the table's ends", () => {
    assert.equal(baudForDigit("00"), 0)
    assert.equal(baudForDigit(""), 0)
    assert.equal(baudForLetter("AB"), 0)
    assert.equal(baudForLetter(""), 0)
    assert.equal(baudForLetter("F"), 19200)
    assert.equal(digitForBaud(300), "0")
    assert.equal(digitForBaud(19200), "6")
    assert.equal(digitForBaud(38400), "")
    assert.equal(digitForBaud(150), "")
})

test("identification: the length limits", () => {
    const ok = parseIdentification("/ABC5")
    assert.ok(!isError(ok) && ok.ident === "" && ok.mode === "C" && ok.baud === 9600 && ok.capability === null)
    const short = parseIdentification("/ABC")
    assert.ok(isError(short) && short.kind === "syntax")
    assert.ok(isError(parseIdentification("xABC5DEF")))
    const longest = "/ABC5" + "x".repeat(MAX_IDENT_LINE - 5)
    assert.equal(MAX_IDENT_LINE, 48)
    assert.ok(!isError(parseIdentification(longest)))
    const over = parseIdentification(longest + "x")
    assert.ok(isError(over) && over.kind === "overlength" && /49 characters, at most 48/.test(over.message))
})

test("identification: manufacturer letters and printable edges", () => {
    for (const m of ["AZa", "zZA", "aaz"]) assert.ok(!isError(parseIdentification(`/${m}5X`)), m)
    for (const m of ["@BC", "A[C", "AB`", "AB{", "1BC"]) {
        const e = parseIdentification(`/${m}5X`)
        assert.ok(isError(e) && /manufacturer must be 3 letters/.test(e.message), m)
    }
    assert.ok(!isError(parseIdentification("/ABC5 ~")))
    const low = parseIdentification("/ABC5X\x1f")
    assert.ok(isError(low) && /control character 31/.test(low.message))
    const del = parseIdentification("/ABC5X\x7f")
    assert.ok(isError(del) && /control character 127/.test(del.message))
    const fast = (third: string) => {
        const id = parseIdentification(`/AB${third}5X`)
        return !isError(id) && id.fastReaction
    }
    assert.deepEqual(["a", "z", "A", "Z"].map(fast), [true, true, false, false])
})

test("identification: the capability needs its character; Z decides the mode", () => {
    const e = parseIdentification("/ABC5\\2")
    assert.ok(!isError(e) && e.mode === "E" && e.capability === "2" && e.ident === "")
    const noCap = parseIdentification("/ABC5\\")
    assert.ok(!isError(noCap) && noCap.capability === null && noCap.ident === "\\" && noCap.mode === "C")
    const c3 = parseIdentification("/ABC5\\3XY")
    assert.ok(!isError(c3) && c3.mode === "C" && c3.capability === "3" && c3.ident === "XY")
    const b = parseIdentification("/ABCF\\2XY")
    assert.ok(!isError(b) && b.mode === "B" && b.baud === 19200)
    const a = parseIdentification("/ABC7XY")
    assert.ok(!isError(a) && a.mode === "A" && a.baud === 300 && a.baudChar === "7" && a.manufacturer === "ABC")
})

test("a request line is told from an identification by its first and last character", () => {
    assert.equal(isRequestLine("/?!"), true)
    assert.equal(isRequestLine("/!"), false)
    assert.equal(isRequestLine("/?12345678!"), true)
    assert.equal(isRequestLine("/ABC5!X"), false)
    assert.equal(isRequestLine("x?!"), false)
})

test("cmd: exactly 64 bytes are read, the shown text is cut at 32 characters", () => {
    assert.deepEqual(parseCommand("read", 64), { command: "read", error: null })
    assert.match(parseCommand("read", 65).error!, /65 bytes refused/)
    const r = parseCommand("x".repeat(40), 40)
    assert.equal(r.error, `cmd: '${"x".repeat(32)}' is not a command; commands are read, selftest, trace (all read-only)`)
    assert.equal(parseCommand("~\x7f ", 3).error, "cmd: '~?' is not a command; commands are read, selftest, trace (all read-only)")
})

test("CRC-16/ARC, X-25 and KERMIT: the standards' check values", () => {
    // check value of "123456789" (the CRC catalogue): ARC 0xBB3D, X-25 0x906E, KERMIT 0x2189
    const digits = Buffer.from("123456789")
    let arc = 0
    for (const b of digits) arc = crc16Arc(arc, b)
    assert.equal(arc, 0xbb3d)
    assert.equal(crcHex(arc), "BB3D")
    assert.equal(crcHex(0x0a0f), "0A0F")
    assert.equal(crcX25(digits, 0, 9), 0x906e)
    assert.equal(crcKermit(digits, 0, 9), 0x2189)
    assert.equal(crcX25(Buffer.from("x123456789y"), 1, 10), 0x906e)
    let r = X25_INIT
    for (const b of digits) r = crcStep(r, b)
    assert.equal(x25Final(r), 0x906e)
    assert.equal(parseCrcHex("bB3d"), 0xbb3d)
    assert.equal(parseCrcHex("F"), 15)
    assert.equal(parseCrcHex(""), -1)
    assert.equal(parseCrcHex("12345"), -1)
    assert.equal(parseCrcHex("0G"), -1)
    assert.equal(parseCrcHex("/:@`"), -1)
    // a bad digit anywhere, not only where its value would happen to come out as -1
    assert.equal(parseCrcHex("G0"), -1)
    assert.equal(parseCrcHex("1/"), -1)
    for (const [s, v] of [["09", 9], ["AF", 0xaf], ["af", 0xaf]] as const) assert.equal(parseCrcHex(s), v)
    for (const s of ["/", ":", "@", "G", "`", "g"]) assert.equal(parseCrcHex(s), -1, s)
})
