// The framer takes a data block a line at a time (runEnd/pushRun, the parser's
// pushPlain); lines that need character-by-character handling must come out
// exactly as before: limits hit inside a stretch, control characters, spaces,
// compound values, error bytes.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { Framer, FrameSink } from "../src/core/framer"
import { CoreError, DataSet, Identification, RX_PARITY_ERROR } from "../src/core/types"

class Log implements FrameSink {
    lines: string[] = []
    identification(id: Identification) { this.lines.push("id " + id.ident) }
    dataSet(d: DataSet) { this.lines.push("ds " + JSON.stringify(d)) }
    blockEnd(end: string, ok: boolean) { this.lines.push(`end ${end} ${ok}`) }
    command(c: string, d: string, data: string | null, ok: boolean) { this.lines.push(`cmd ${c}${d} ${data} ${ok}`) }
    control(c: number) { this.lines.push(`ctl ${c}`) }
    error(e: CoreError) { this.lines.push(`err ${e.kind} ${e.message}`) }
}

function block(body: string): number[] {
    const chars = [0x02]
    let bcc = 0
    for (const ch of body + "!\r\n\x03") {
        chars.push(ch.charCodeAt(0))
        bcc ^= ch.charCodeAt(0)
    }
    chars.push(bcc)
    return chars
}

describe("framer: data blocks a line at a time", () => {
    test("limits, control characters, spaces and compound values give the same events as one by one", () => {
        const log = new Log()
        new Framer(log).pushAll(block("1.8.0(1*kWh)\r\n1234567890123456789(1)\r\n2.8.0(00\x0112)\r\nF.F (0)\r\n9.4(088*C&082*C)\r\n0.0.0(" + "9".repeat(2050) + ")\r\n"))
        assert.deepEqual(log.lines, [
            'ds {"address":"1.8.0","values":[{"text":"1","number":1,"unit":"kWh"}]}',
            "err overlength line 2: address longer than 16 characters",
            "err syntax line 3: unexpected character code 1",
            'ds {"address":"F.F","values":[{"text":"0","number":0,"unit":null}]}',
            'ds {"address":"9.4","values":[{"text":"088*C&082*C","number":null,"unit":null}]}',
            "err overlength line 6: value longer than 2048 characters",
            "end etx true",
        ])
    })

    test("a character with a parity error in a line: the block is damaged, the lines before it stand provisionally", () => {
        const log = new Log()
        const chars = block("1.8.0(1*kWh)\r\n2.8.0(2*kWh)\r\n")
        chars[20] |= RX_PARITY_ERROR // inside "2.8.0(2*kWh)"
        new Framer(log).pushAll(chars)
        assert.deepEqual(log.lines, [
            'ds {"address":"1.8.0","values":[{"text":"1","number":1,"unit":"kWh"}]}',
            'ds {"address":"2.8.0","values":[{"text":"2","number":2,"unit":"kWh"}]}',
            "err parity a character of the data block arrived with a parity or framing error",
            "end etx false",
        ])
    })

    test("the same block split anywhere gives the same events", () => {
        const chars = block("1-0:1.8.0*255(0012345.678*kWh)\r\n1.6.0(0003.456*kW)(2311210915)\r\n")
        const whole = new Log()
        new Framer(whole).pushAll(chars)
        assert.deepEqual(whole.lines, [
            'ds {"address":"1-0:1.8.0*255","values":[{"text":"0012345.678","number":12345.678,"unit":"kWh"}]}',
            'ds {"address":"1.6.0","values":[{"text":"0003.456","number":3.456,"unit":"kW"},{"text":"2311210915","number":2311210915,"unit":null}]}',
            "end etx true",
        ])
        for (let cut = 1; cut < chars.length; cut++) {
            const log = new Log()
            const f = new Framer(log)
            f.pushAll(chars.slice(0, cut))
            f.pushAll(chars.slice(cut))
            assert.deepEqual(log.lines, whole.lines, `cut at ${cut}`)
        }
    })

    test("a \"!\" right after a value ends the block as it does one character at a time, wherever the runs are cut", () => {
        // issue 12 item 4: a meter that puts the end mark right after the last value's ")"
        const chars = [0x02, ...Array.from("1.8.0(1)\r\n2.8.0(2)!\r\n\x03", c => c.charCodeAt(0))]
        chars.push(chars.slice(1).reduce((x, c) => x ^ c, 0))
        const expected = [
            'ds {"address":"1.8.0","values":[{"text":"1","number":1,"unit":null}]}',
            'ds {"address":"2.8.0","values":[{"text":"2","number":2,"unit":null}]}',
            "end etx true",
        ]
        const one = new Log()
        const f1 = new Framer(one)
        for (const c of chars) f1.push(c)
        assert.deepEqual(one.lines, expected)
        for (let cut = 0; cut < chars.length; cut++) {
            const log = new Log()
            const f = new Framer(log)
            f.pushAll(chars.slice(0, cut))
            f.pushAll(chars.slice(cut))
            assert.deepEqual(log.lines, expected, `cut at ${cut}`)
        }
    })
})
