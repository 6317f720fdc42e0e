// `npm run decode` on SML captures (sources: test/captures/sml/SOURCES.md): the
// D0 JSON keys and exit codes (0 intact, 1 integrity error, 2 unreadable).
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { join } from "node:path"

function decode(file: string) {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "..", "tools", "decode.ts"), join(__dirname, "captures", file)], { encoding: "utf8" })
    return { status: r.status, json: r.stdout.trim() ? JSON.parse(r.stdout) : null, stderr: r.stderr }
}

describe("decode tool, SML", () => {
    test("binary dump: first intact telegram of the EMH eHZ, values as the libsml-testing README prints them", () => {
        const r = decode("sml/EMH_eHZ-GW8E2A500AK2.bin")
        assert.equal(r.status, 0, r.stderr)
        assert.equal(r.json.protocol, "sml")
        assert.equal(r.json.identification, null)
        assert.deepEqual(r.json.meter, { serverId: "3032323830383136", manufacturer: "EMH" })
        assert.equal(r.json.telegrams, 16)
        assert.deepEqual(r.json.dataSets[2], { address: "1-0:1.8.1*255", values: [{ text: "14798112.9", number: 14798112.9, unit: "Wh" }] })
        assert.deepEqual(r.json.dataSets[5], { address: "1-0:1.7.0*255", values: [{ text: "13.8", number: 13.8, unit: "W" }] })
    })
    test("one-line hex dump (libsml-testing's hexdump format) decodes like binary", () => {
        const r = decode("sml/EMH_eHZ361L5R.hex")
        assert.equal(r.status, 0, r.stderr)
        assert.equal(r.json.meter.manufacturer, "HAGER")
        assert.equal(r.json.telegrams, 1)
    })
    test("a telegram with a CRC mismatch in the capture: exit 1, the intact ones still shown", () => {
        const r = decode("sml/EasyMeter_Q3A_A1064V1009.bin")
        assert.equal(r.status, 1)
        assert.equal(r.json.telegrams, 4)
        assert.ok(r.json.errors.some((e: { kind: string }) => e.kind === "bcc"))
    })
    test("PIN-locked meter: the diagnosis is in the output", () => {
        const r = decode("sml/ISKRA_MT631-D1A52-K0z-H01_without_PIN.bin")
        assert.equal(r.status, 0)
        assert.equal(r.json.diagnosis, "meter sends totals only; enter the meter's PIN to unlock live power")
    })
    test("a start sequence but no intact telegram: exit 2 naming the problem", () => {
        const r = decode("sml/cut-only.hex")
        assert.equal(r.status, 2)
        assert.match(r.stderr, /no intact telegram in 12 bytes/)
    })
    test("a D0 hex dump still goes to the D0 reader", () => {
        const r = decode("iskra-mt372.hex")
        assert.equal(r.status, 0)
        assert.equal(r.json.identification.manufacturer, "ISK")
        assert.equal(r.json.protocol, undefined)
    })
})
