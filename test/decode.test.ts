// The decode tool, run as users run it, on captures in every supported format.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { readCapture, CaptureError } from "../tools/capture"

const CAP = join(__dirname, "captures")

function decode(file: string) {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "..", "tools", "decode.ts"), join(CAP, file)], { encoding: "utf8" })
    return { status: r.status, json: r.stdout.trim() ? JSON.parse(r.stdout) : null, stderr: r.stderr }
}

/** decode on standard input (`decode -`), for captures written in the test */
function decodeStdin(capture: string | Buffer) {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "..", "tools", "decode.ts"), "-"], { encoding: "utf8", input: capture })
    return { status: r.status, json: r.stdout.trim() ? JSON.parse(r.stdout) : null, stderr: r.stderr }
}

describe("decode tool", () => {
    test("7-bit, 8N1-with-parity and hex dump of one readout decode identically", () => {
        const runs = ["iskra-mt372-7bit.bin", "iskra-mt372-8n1.bin", "iskra-mt372.hex"].map(decode)
        for (const r of runs) assert.equal(r.status, 0, r.stderr)
        assert.deepEqual(runs[1].json, runs[0].json)
        assert.deepEqual(runs[2].json, runs[0].json)
        const j = runs[0].json
        assert.equal(j.identification.manufacturer, "ISK")
        assert.equal(j.identification.mode, "E")
        assert.equal(j.identification.baud, 9600)
        assert.deepEqual(j.dataSets[1], { address: "1.8.0", values: [{ text: "00132.149", number: 132.149, unit: "kWh" }] })
        // the malformed C.1 line is read as well as it can be and reported (issue 12 item 8), the rest kept
        assert.equal(j.dataSets.length, 7)
        assert.deepEqual(j.dataSets.find((d: { address: string }) => d.address === "C.1").values.map((v: { text: string }) => v.text), ["12880041.0", "22:48 18-11-13"])
        assert.equal(j.errors.length, 1)
        assert.equal(j.errors[0].kind, "syntax")
    })
    test("BCC mismatch: exit 1, no data sets", () => {
        const r = decode("bad-bcc.bin")
        assert.equal(r.status, 1)
        assert.deepEqual(r.json.dataSets, [])
        assert.ok(r.json.errors.some((e: { kind: string }) => e.kind === "bcc"))
    })
    test("parity error in an 8N1 capture: exit 1, no data sets", () => {
        const r = decode("parity-error-8n1.bin")
        assert.equal(r.status, 1)
        assert.deepEqual(r.json.dataSets, [])
        assert.ok(r.json.errors.some((e: { kind: string }) => e.kind === "parity"))
    })
    test("escaped text capture of a bare push frame", () => {
        const r = decode("ebz-push.txt")
        assert.equal(r.status, 0, r.stderr)
        assert.equal(r.json.identification.mode, "D")
        assert.equal(r.json.dataSets[1].values[0].text, "000123.45678901")
        assert.equal(r.json.dataSets[1].values[0].number, 123.45678901)
    })
    test("unreadable input: exit 2 with a message naming the problem", () => {
        const notCapture = decode("not-a-capture.txt")
        assert.equal(notCapture.status, 2)
        assert.match(notCapture.stderr, /no IEC 62056-21 identification or data block found in 33 bytes/)
        const missing = decode("does-not-exist.bin")
        assert.equal(missing.status, 2)
        assert.match(missing.stderr, /cannot read .*does-not-exist.bin/)
    })
})

describe("decode exit status, one test per outcome", () => {
    test("0: a complete readout with its BCC", () => {
        // BCC of "1.8.0(000285.4*kWh)<CR><LF>!<CR><LF><ETX>" is 0x71 ("q")
        const r = decodeStdin("/ELS5\\@V9.30<CR><LF><STX>1.8.0(000285.4*kWh)<CR><LF>!<CR><LF><ETX>q")
        assert.equal(r.status, 0, JSON.stringify(r.json?.errors))
        assert.equal(r.json.dataSets[0].values[0].text, "000285.4")
    })
    test("1: the block never completed (issue 12 item 1: the capture ends before ETX/BCC)", () => {
        const r = decodeStdin("/ELS5\\@V9.30<CR><LF><STX>1.8.0(000285.4*kWh)<CR><LF>!<CR><LF>")
        assert.equal(r.status, 1)
        assert.deepEqual(r.json.dataSets, [])
        assert.ok(r.json.errors.some((e: { kind: string }) => e.kind === "timeout"))
    })
    test("1: a bare push frame cut off by the end of the capture", () => {
        const r = decodeStdin("/ESY5Q3DA1004 V3.04<CR><LF><CR><LF>1-0:1.8.0*255(00032549.5061662*kWh)<CR><LF>")
        assert.equal(r.status, 1)
        assert.deepEqual(r.json.dataSets, [])
    })
    test("1: an identification and nothing after it", () => {
        const r = decodeStdin("/ISk5MT174-0001<CR><LF>")
        assert.equal(r.status, 1)
        assert.equal(r.json.identification.ident, "MT174-0001")
    })
    test("1: a partial block (EOT) whose rest never came", () => {
        // BCC of "1.8.0(1)<CR><LF><EOT>" is 0x0A
        const r = decodeStdin("<STX>1.8.0(1)<CR><LF><EOT><0A>")
        assert.equal(r.status, 1)
    })
    test("1: a wrong BCC and a parity error (files above); 2: unreadable (below)", () => {
        assert.equal(decode("bad-bcc.bin").status, 1)
        assert.equal(decode("parity-error-8n1.bin").status, 1)
        assert.equal(decodeStdin("").status, 2)
    })
    test("--help lists every exit status", () => {
        const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "..", "tools", "decode.ts"), "--help"], { encoding: "utf8" })
        assert.equal(r.status, 0)
        for (const s of ["0  intact", "1  integrity", "2  unreadable"]) assert.ok(r.stdout.includes(s), s)
    })
})

describe("capture formats", () => {
    test("issue 12 item 2: a real EasyMeter push with the COM-1 gateway's 0xFF fill stays 7-bit", () => {
        // test/captures/real/easymeter-q3d-com1-ff-fill.bin: TELEGRAM_ESY5Q3DB1024_V304 from
        // ndokter/dsmr_parser test/example_telegrams.py ("last two lines are added by the
        // COM-1 Ethernet Gateway": a counter line and 33 bytes 0xFF)
        const r = decode("real/easymeter-q3d-com1-ff-fill.bin")
        assert.equal(r.status, 0, JSON.stringify(r.json?.errors))
        assert.equal(r.json.identification.ident, "Q3DB1024 V3.04")
        const v = (a: string) => r.json.dataSets.find((d: { address: string }) => d.address === a).values[0]
        assert.equal(v("1-0:1.8.0*255").text, "00052185.7825309")
        assert.equal(v("1-0:1.7.0*255").text, "002124.86")
        assert.equal(v("0-0:96.1.255*255").text, "1ESY1313002565")
        assert.ok(!r.json.errors.some((e: { kind: string }) => e.kind === "parity"))
    })
    test("parity mode is the majority over characters that need the bit, not the first high byte", () => {
        // "/?!" CR LF with parity: 0x2F and 0x0D need bit 7; one stray 0xBF in a 7-bit capture does not
        assert.equal(readCapture(Buffer.from([0x2f, 0x3f, 0x21, 0x0d, 0x0a, 0xbf])).format, "raw7")
        assert.equal(readCapture(Buffer.from([0xaf, 0x3f, 0x21, 0x8d, 0x0a, 0xbf])).format, "raw8n1-parity")
    })
    test("hex dump with 0x prefixes and commas", () => {
        assert.deepEqual(readCapture(Buffer.from("0x2F, 0x3F, 0x21 0D 0A")).chars, [0x2f, 0x3f, 0x21, 0x0d, 0x0a])
    })
    test("hex dump carrying parity bits is checked", () => {
        const r = readCapture(Buffer.from("AF 3F 21 8D 0A"))
        assert.deepEqual(r.chars, [0x2f, 0x3f, 0x21, 0x0d, 0x0a])
        // the capture carries parity (AF, 8D), so 0xBF, whose parity is odd, is flagged
        assert.ok(readCapture(Buffer.from("AF 3F 21 8D 0A BF")).chars[5] > 0xff, "0xBF has odd parity: flagged")
    })
    test("escapes", () => {
        assert.deepEqual(readCapture(Buffer.from("<STX>1<0D><0A><ETX>q")).chars, [2, 0x31, 13, 10, 3, 0x71])
        assert.throws(() => readCapture(Buffer.from("<ZZZ>1<STX>")), CaptureError)
        assert.throws(() => readCapture(Buffer.alloc(0)), /empty/)
    })
})
