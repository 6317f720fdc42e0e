// DSMR P1 in the simulator: the CRC-16/ARC, the streamed telegram, the profile
// check's tolerance, and the DSMR profiles built from real published telegrams.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { crc16Arc, crc16ArcBitwise, crcHex } from "../src/core/crc16"
import { CharStream } from "../src/sim/char-stream"
import { checkProfile, parseProfile } from "../src/sim/profiles"
import { SimMeter } from "../src/sim/meter"

const REAL = join(__dirname, "captures", "real")

function crcOf(bytes: Buffer): number {
    let c = 0
    for (const b of bytes) c = crc16Arc(c, b)
    return c
}

describe("CRC-16/ARC", () => {
    test("the check value of the catalogue (\"123456789\" -> 0xBB3D)", () => {
        assert.equal(crcOf(Buffer.from("123456789")), 0xbb3d)
    })
    test("real telegrams: the CRC each carries after \"!\"", () => {
        // dsmr_parser test/example_telegrams.py: TELEGRAM_V4_2 !6796, TELEGRAM_V5_TWO_MBUS !56DD,
        // TELEGRAM_FLUVIUS_V171 !3AD7, TELEGRAM_SAGEMCOM_T210_D_R !7EF9
        const cases: [string, string][] = [
            ["dsmr42-kaifa.bin", "6796"], ["dsmr5-iskra-am550-two-mbus.bin", "56DD"],
            ["emucs-fluvius-v171.bin", "3AD7"], ["dsmr5-sagemcom-t210-d-r.bin", "7EF9"],
        ]
        for (const [f, want] of cases) {
            const b = readFileSync(join(REAL, f))
            assert.equal(crcHex(crcOf(b.subarray(0, b.indexOf(0x21) + 1))), want, f)
        }
    })
    test("the nibble table agrees with the bitwise definition on every byte from every state", () => {
        for (let s = 0; s < 0x10000; s += 257) for (let c = 0; c < 256; c++) assert.equal(crc16Arc(s, c), crc16ArcBitwise(s, c))
    })
})

describe("streamed telegram", () => {
    const all = (s: CharStream) => {
        let o = ""
        for (let i = 0; i < s.length; i++) o += String.fromCharCode(s.next())
        return o
    }
    test("lines are normalised to CR LF (or LF) as they stream, the length known up front", () => {
        assert.equal(all(new CharStream().lines("a(1)\r\nb(2)\nc(3)", false)), "a(1)\r\nb(2)\r\nc(3)\r\n")
        assert.equal(all(new CharStream().lines("a(1)\r\nb(2)\r\n", true)), "a(1)\nb(2)\n")
        assert.equal(new CharStream().lines("a(1)\r\nb(2)\nc(3)", false).length, 18)
    })
    test("BCC after ETX and DSMR CRC after \"!\"", () => {
        // STX "1.8.0(1)" CR LF "!" CR LF ETX: XOR of the characters after STX through ETX is 0x2B
        const framed = all(new CharStream().chars([2]).bccStart().lines("1.8.0(1)", false).chars([0x21, 13, 10, 3]).bccChar(false))
        assert.equal(framed.charCodeAt(framed.length - 1), 0x2b)
        const t = all(new CharStream().crcStart().chars([...Buffer.from("/ISK5\\2M550T-1012\r\n\r\n")])
            .lines("1-0:1.8.1(002130.115*kWh)", false).chars([0x21]).crcChars(false).chars([13, 10]))
        assert.ok(/!\w{4}\r\n$/.test(t))
        assert.equal(t.slice(t.length - 6, t.length - 2), crcHex(crcOf(Buffer.from(t.slice(0, t.length - 6)))))
    })
    test("a DSMR 5 meter profile from a real telegram pushes exactly that telegram, CRC included", () => {
        const p = parseProfile(JSON.parse(readFileSync(join(__dirname, "..", "profiles", "dsmr5-iskra-am550.json"), "utf8")))
        const m = new SimMeter(p, 0)
        const out: number[] = []
        for (let t = 0; t < 1500 && out.length < 952; t += 10) {
            m.tick(t)
            for (const w of m.takeOutput(t)) out.push(w.wire)
        }
        assert.deepEqual(Buffer.from(out), readFileSync(join(REAL, "dsmr5-iskra-am550-two-mbus.bin")))
    })
})

describe("profile check accepts what real meters send", () => {
    const base = { name: "x", mode: "C", maxBaud: 9600, dataBlock: "1.8.0(1)", source: "test" }
    test("17 characters after the baud character (Kamstrup 162): a warning, not an error", () => {
        const r = checkProfile({ ...base, identification: "/KAM5KAMSTRUP162ABCDEF" }) // 17 after "5" (shape of the report, not a real ident)
        assert.deepEqual(r.errors, [])
        assert.equal(r.warnings.length, 1)
        assert.match(r.warnings[0], /17 characters/)
    })
    test("115200 Bd only for push meters", () => {
        assert.deepEqual(checkProfile({ ...base, mode: "D", identification: "/ISK5\\2M550T-1012", maxBaud: 115200 }).errors, [])
        assert.ok(checkProfile({ ...base, identification: "/ISK5MT174", maxBaud: 115200 }).errors.some(e => /maxBaud: must be one of 300, 600, 1200, 2400, 4800, 9600, 19200$/.test(e)))
    })
})
