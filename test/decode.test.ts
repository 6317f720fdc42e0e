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
        // the malformed C.1 line is skipped and reported, the rest kept
        assert.equal(j.dataSets.length, 6)
        assert.ok(j.dataSets.every((d: { address: string }) => d.address !== "C.1"))
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

describe("capture formats", () => {
    test("hex dump with 0x prefixes and commas", () => {
        assert.deepEqual(readCapture(Buffer.from("0x2F, 0x3F, 0x21 0D 0A")).chars, [0x2f, 0x3f, 0x21, 0x0d, 0x0a])
    })
    test("hex dump carrying parity bits is checked", () => {
        const r = readCapture(Buffer.from("AF 3F 21 8D 0A"))
        assert.deepEqual(r.chars, [0x2f, 0x3f, 0x21, 0x0d, 0x0a])
        assert.ok(readCapture(Buffer.from("2F BF")).chars[1] > 0xff, "0xBF has odd parity: flagged")
    })
    test("escapes", () => {
        assert.deepEqual(readCapture(Buffer.from("<STX>1<0D><0A><ETX>q")).chars, [2, 0x31, 13, 10, 3, 0x71])
        assert.throws(() => readCapture(Buffer.from("<ZZZ>1<STX>")), CaptureError)
        assert.throws(() => readCapture(Buffer.alloc(0)), /empty/)
    })
})
