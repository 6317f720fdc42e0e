// The framer and the decode path: message splitting, integrity, and properties
// over random readouts and random bytes.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { ascii, bcc, decode7E1, encode7E1, ETX, STX } from "../src/core/bytes"
import { decodeChars } from "../src/core/decode"
import { Framer, FrameSink } from "../src/core/framer"
import { CoreError, DataSet, Identification } from "../src/core/types"
import { expand } from "./ds/vectors"

/** Records every sink call as text, to compare runs. */
class Log implements FrameSink {
    lines: string[] = []
    identification(id: Identification) { this.lines.push("id " + JSON.stringify(id)) }
    dataSet(d: DataSet) { this.lines.push("ds " + JSON.stringify(d)) }
    blockEnd(end: string, ok: boolean) { this.lines.push(`end ${end} ${ok}`) }
    command(c: string, d: string, data: string | null, ok: boolean) { this.lines.push(`cmd ${c}${d} ${data} ${ok}`) }
    control(c: number) { this.lines.push(`ctl ${c}`) }
    error(e: CoreError) { this.lines.push(`err ${e.kind} ${e.message}`) }
}

function readout(ident: string, lines: string[]): number[] {
    const head = ascii(ident + "\r\n")
    const body = [STX, ...ascii(lines.map(l => l + "\r\n").join("") + "!\r\n"), ETX]
    return [...head, ...body, bcc(body, 1, body.length)]
}

const arbLine = fc
    .tuple(
        fc.constantFrom("1.8.0", "1.8.1", "2.8.0", "1-0:1.8.0*255", "0.0.0", "C.1.0", "F.F", "32.7.0", "1-0:16.7.0&255"),
        fc.stringMatching(/^[0-9]{1,8}(\.[0-9]{1,4})?$/),
        fc.constantFrom("", "*kWh", "*V", "*W", "*m3"),
    )
    .map(([a, v, u]) => `${a}(${v}${u})`)
const arbReadout = fc.array(arbLine, { minLength: 1, maxLength: 8 }).map(lines => ({ lines, chars: readout("/ISK5MT174-0001", lines) }))

describe("framer", () => {
    test("readout with echoed request and option select", () => {
        const r = decodeChars(expand("/?!<CR><LF>/ISk5MT174-0001<CR><LF><ACK>050<CR><LF><STX>1.8.0(00132.149*kWh)<CR><LF>!<CR><LF><ETX><BCC>"))
        assert.equal(r.identification!.manufacturer, "ISk")
        assert.deepEqual(r.dataSets, [{ address: "1.8.0", values: [{ text: "00132.149", number: 132.149, unit: "kWh" }] }])
        assert.deepEqual(r.errors, [])
    })
    test("bare push frame (mode D) yields its data, ends on the ! line", () => {
        const r = decodeChars(expand("/EBZ5DD3<CR><LF><CR><LF>1-0:1.8.0*255(000123.4*kWh)<CR><LF>!<CR><LF>/EBZ5DD3<CR><LF><CR><LF>1-0:1.8.0*255(0001"))
        assert.equal(r.identification!.mode, "D")
        assert.equal(r.dataSets.length, 1)
        assert.ok(r.errors.some(e => e.kind === "timeout"), "the cut-off second push is reported")
    })
    test("BCC mismatch and parity error: the block yields nothing, the error names the figures", () => {
        const bad = decodeChars(expand("/EMH5LZQJ<CR><LF><STX>1.8.0(1*kWh)<CR><LF>!<CR><LF><ETX><7F>"))
        assert.deepEqual(bad.dataSets, [])
        assert.match(bad.errors[0].message, /block check character is 0x7F, the block's is 0x/)
        const par = decodeChars(expand("/EMH5LZQJ<CR><LF><STX>1.8.0(<P31>*kWh)<CR><LF>!<CR><LF><ETX><BCC>"))
        assert.deepEqual(par.dataSets, [])
        assert.equal(par.errors[0].kind, "parity")
    })
    test("an ETX before the ! line is rejected even when the BCC matches", () => {
        const r = decodeChars(expand("/EMH5LZQJ<CR><LF><STX>1.8.0(1*kWh)<CR><LF><ETX><BCC>"))
        assert.deepEqual(r.dataSets, [])
        assert.match(r.errors[0].message, /before its "!" end line/)
    })
    test("programming answers: P0 operand, partial blocks joined, break", () => {
        const log = new Log()
        const f = new Framer(log)
        f.pushAll(expand("<SOH>P0<STX>(12345678)<ETX><BCC><STX>0.0.0(1234<EOT><BCC><STX>5678)<ETX><BCC><SOH>B0<ETX><BCC><ACK><NAK>"))
        assert.deepEqual(log.lines, [
            "cmd P0 (12345678) true",
            "end eot true",
            'ds {"address":"0.0.0","values":[{"text":"12345678","number":12345678,"unit":null}]}',
            "end etx true",
            "cmd B0 null true",
            "ctl 6",
            "ctl 21",
        ])
    })
    test("garbage before the identification is skipped (ACE3000 sends 0x7F)", () => {
        const r = decodeChars(expand("<7F><7F><7F>/ACE0ACE3000<CR><LF><STX>1.8.0(1*kWh)<CR><LF>!<CR><LF><ETX><BCC>"))
        assert.equal(r.identification!.ident, "ACE3000")
        assert.equal(r.dataSets.length, 1)
        assert.deepEqual(r.errors, [])
    })
})

describe("framer properties", () => {
    test("any characters in any chunking: never throws, same result", () => {
        fc.assert(
            fc.property(fc.array(fc.integer({ min: 0, max: 0x17f }), { maxLength: 400 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (chars, cuts) => {
                const whole = new Log()
                new Framer(whole).pushAll(chars)
                const pieces = new Log()
                const f = new Framer(pieces)
                let i = 0, k = 0
                while (i < chars.length) {
                    const n = cuts[k++ % cuts.length]
                    f.pushAll(chars.slice(i, i + n))
                    i += n
                }
                assert.deepEqual(pieces.lines, whole.lines)
            }),
            { numRuns: 300 },
        )
    })

    test("capture with parity bits: any single-bit flip is caught, and a flip inside the block yields nothing", () => {
        fc.assert(
            fc.property(arbReadout, fc.nat(), fc.integer({ min: 0, max: 7 }), ({ chars }, pos, bit) => {
                const wire = chars.map(encode7E1)
                const at = pos % wire.length
                wire[at] ^= 1 << bit
                const r = decodeChars(wire.map(decode7E1))
                assert.ok(r.errors.some(e => e.kind === "parity"), "the flip is reported")
                const blockStart = chars.indexOf(STX)
                if (at >= blockStart) assert.deepEqual(r.dataSets, [])
            }),
            { numRuns: 500 },
        )
    })

    test("7-bit capture: any single-bit flip inside a data character is caught by the BCC and yields nothing", () => {
        fc.assert(
            fc.property(arbReadout, fc.nat(), fc.integer({ min: 0, max: 6 }), ({ chars }, pos, bit) => {
                const start = chars.indexOf(STX) + 1
                const end = chars.length - 2 // ETX, BCC
                const at = start + (pos % (end - start))
                const flipped = chars.slice()
                flipped[at] ^= 1 << bit
                const r = decodeChars(flipped)
                assert.deepEqual(r.dataSets, [], `flip of bit ${bit} at ${at} (${chars[at]} -> ${flipped[at]}) yielded data`)
                assert.ok(r.errors.length > 0)
            }),
            { numRuns: 1000 },
        )
    })

    test("an intact random readout yields exactly its lines", () => {
        fc.assert(
            fc.property(arbReadout, ({ lines, chars }) => {
                const r = decodeChars(chars)
                assert.deepEqual(r.errors, [])
                assert.deepEqual(r.dataSets.map(d => `${d.address}(${d.values[0].text}${d.values[0].unit ? "*" + d.values[0].unit : ""})`), lines)
            }),
        )
    })
})
