// Real published telegrams through `npm run decode`, with the values their sources state.
//
// Sources (each file under test/captures/real is the telegram byte for byte):
//   ndokter/dsmr_parser, test/example_telegrams.py
//   (https://github.com/ndokter/dsmr_parser/blob/master/test/example_telegrams.py), whose tests
//   (test/test_parse_v*.py, test_parse_fluvius.py, test_parse_sagemcom_t210_d_r.py) assert the
//   same values:
//     dsmr22-iskra-mt382.bin              TELEGRAM_V2_2 (Iskra MT382, DSMR 2.2, gas on the next line)
//     dsmr3-iskra-mt382.bin               TELEGRAM_V3 (Iskra MT382, 160 hex digits of text message)
//     dsmr42-kaifa.bin                    TELEGRAM_V4_2 (Kaifa MA105, CRC 6796)
//     dsmr5-iskra-mt382.bin               TELEGRAM_V5 (CRC 6EEE)
//     dsmr5-iskra-am550-two-mbus.bin      TELEGRAM_V5_TWO_MBUS (Iskra AM550, CRC 56DD)
//     dsmr5-nwa-warmtelink-unpadded-crc.bin TELEGRAM_UNPADDED_CRC (CRC "B9F", three digits)
//     emucs-fluvius-v171.bin              TELEGRAM_FLUVIUS_V171 (Belgian e-MUCS, CRC 3AD7)
//     dsmr5-sagemcom-t210-d-r.bin         TELEGRAM_SAGEMCOM_T210_D_R (CRC 7EF9)
//     dsmr5-sagemcom-eon-hu.bin           TELEGRAM_V5_EON_HU (E.ON Hungary, CRC 99DA)
//     easymeter-q3d-com1-ff-fill.bin      TELEGRAM_ESY5Q3DB1024_V304 (COM-1 gateway fill)
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const REAL = join(__dirname, "captures", "real")
const DECODE = join(__dirname, "..", "tools", "decode.ts")

interface V { text: string; number: number | null; unit: string | null }
interface Out { status: number | null; dataSets: { address: string; values: V[] }[]; errors: { kind: string; message: string }[] }

function decodeBytes(bytes: Buffer): Out {
    const r = spawnSync(process.execPath, ["--import", "tsx", DECODE, "-"], { input: bytes, encoding: "utf8" })
    const j = r.stdout.trim() ? JSON.parse(r.stdout) : { dataSets: [], errors: [] }
    return { status: r.status, dataSets: j.dataSets, errors: j.errors }
}
const decodeFile = (f: string) => decodeBytes(readFileSync(join(REAL, f)))
function values(o: Out, address: string): V[] {
    const d = o.dataSets.find(x => x.address === address)
    assert.ok(d, `${address} decoded`)
    return d.values
}

describe("DSMR P1 telegrams with CRC", () => {
    test("DSMR 5 Iskra AM550: CRC 56DD verified, readings as sent", () => {
        const o = decodeFile("dsmr5-iskra-am550-two-mbus.bin")
        assert.equal(o.status, 0, JSON.stringify(o.errors))
        assert.equal(o.dataSets.length, 38)
        assert.deepEqual(values(o, "1-0:1.8.1")[0], { text: "002130.115", number: 2130.115, unit: "kWh" })
        assert.deepEqual(values(o, "0-2:24.2.1"), [
            { text: "200426223001S", number: null, unit: null },
            { text: "00246.138", number: 246.138, unit: "m3" },
        ])
        assert.deepEqual(values(o, "1-0:72.7.0")[0], { text: "222.9", number: 222.9, unit: "V" })
    })
    test("one digit changed (2130.115 -> 2130.116): the CRC rejects the telegram, exit 1, no data", () => {
        const bytes = Buffer.from(readFileSync(join(REAL, "dsmr5-iskra-am550-two-mbus.bin"), "latin1").replace("002130.115", "002130.116"), "latin1")
        const o = decodeBytes(bytes)
        assert.equal(o.status, 1)
        assert.deepEqual(o.dataSets, [])
        assert.deepEqual(o.errors.map(e => e.kind), ["bcc"])
        assert.match(o.errors[0].message, /CRC after "!" is 56DD/)
    })
    test("every CRC telegram from the sources decodes intact", () => {
        // data lines counted in each file by hand (grep -c "^[0-9].*(")
        const counts: [string, number][] = [
            ["dsmr42-kaifa.bin", 33], ["dsmr5-iskra-mt382.bin", 37], ["emucs-fluvius-v171.bin", 36],
            ["emucs-fluvius-v171-alt.bin", 36], ["dsmr5-sagemcom-t210-d-r.bin", 18], ["dsmr5-sagemcom-eon-hu.bin", 45],
            ["dsmr5-nwa-warmtelink-unpadded-crc.bin", 8],
        ]
        for (const [f, n] of counts) {
            const o = decodeFile(f)
            assert.equal(o.status, 0, `${f}: ${JSON.stringify(o.errors)}`)
            assert.equal(o.dataSets.length, n, f)
        }
    })
    test("values the sources state", () => {
        const kaifa = decodeFile("dsmr42-kaifa.bin")
        assert.deepEqual(values(kaifa, "1-0:1.7.0")[0], { text: "02.027", number: 2.027, unit: "kW" })
        assert.deepEqual(values(kaifa, "0-1:24.2.1")[1], { text: "00981.443", number: 981.443, unit: "m3" })
        const flu = decodeFile("emucs-fluvius-v171.bin")
        assert.deepEqual(values(flu, "0-2:24.2.1")[1], { text: "00872.234", number: 872.234, unit: "m3" })
        assert.deepEqual(values(flu, "1-0:1.6.0"), [
            { text: "200509134558S", number: null, unit: null },
            { text: "02.589", number: 2.589, unit: "kW" },
        ])
        const sag = decodeFile("dsmr5-sagemcom-t210-d-r.bin")
        assert.deepEqual(values(sag, "1-0:1.8.0")[0], { text: "006545766", number: 6545766, unit: "Wh" })
        const nwa = decodeFile("dsmr5-nwa-warmtelink-unpadded-crc.bin")
        assert.deepEqual(values(nwa, "0-1:24.2.1")[1], { text: "240.860", number: 240.86, unit: "GJ" })
    })
})

describe("issue 12: the cases the decoder got wrong", () => {
    test("item 3: the 160-hex-digit text message of a real Iskra MT382 is kept", () => {
        const o = decodeFile("dsmr3-iskra-mt382.bin")
        const t = values(o, "0-0:96.13.0")[0].text
        assert.equal(t.length, 160)
        assert.equal(t.slice(0, 20), "30313233343536373839")
        assert.ok(!o.errors.some(e => e.kind === "overlength"))
    })
    test("item 3: values are bounded: 2049 characters is over-long and reported", () => {
        const o = decodeBytes(Buffer.from("/ISK5\\2MT382-1000\r\n\r\n0-0:96.13.0(" + "3".repeat(2049) + ")\r\n1-0:1.8.1(1*kWh)\r\n!\r\n"))
        assert.deepEqual(o.dataSets.map(d => d.address), ["1-0:1.8.1"])
        assert.deepEqual(o.errors.map(e => e.kind), ["overlength"])
    })
    test("item 4: \"!\" right after \")\" ends a block and a bare push frame", () => {
        // BCC of "6.31(0109868*h)!" CR LF ETX is 0x42 ("B")
        const framed = decodeBytes(Buffer.from("/ACE0ACE5SMLCD\r\n\x026.31(0109868*h)!\r\n\x03B"))
        assert.equal(framed.status, 0, JSON.stringify(framed.errors))
        assert.deepEqual(values(framed, "6.31")[0], { text: "0109868", number: 109868, unit: "h" })
        const bare = decodeBytes(Buffer.from("/ACE0ACE5SMLCD\r\n\r\n1.8.0(000285.4*kWh)\r\n6.31(0109868*h)!\r\n"))
        assert.equal(bare.status, 0, JSON.stringify(bare.errors))
        assert.deepEqual(bare.dataSets.map(d => d.address), ["1.8.0", "6.31"])
    })
    test("item 5: DSMR 2.2's gas reading on its own line joins 0-1:24.3.0 with the unit named there", () => {
        const o = decodeFile("dsmr22-iskra-mt382.bin")
        assert.equal(o.status, 0)
        assert.ok(!o.dataSets.some(d => d.address === ""))
        const v = values(o, "0-1:24.3.0")
        assert.deepEqual(v[0], { text: "161107190000", number: 161107190000, unit: null })
        assert.deepEqual(v[v.length - 1], { text: "00001.001", number: 1.001, unit: "m3" })
        assert.deepEqual(values(o, "0-1:24.4.0")[0].text, "1") // the line after keeps its own data set
    })
    test("item 7: the Kaifa's 34-digit equipment id keeps its text, number null", () => {
        const o = decodeFile("dsmr42-kaifa.bin")
        assert.deepEqual(values(o, "0-0:96.1.1")[0], { text: "3960221976967177082151037881335713", number: null, unit: null })
    })
    test("item 8: the Actaris C.1 line is read (address, first value, rest) and reported", () => {
        const o = decodeBytes(Buffer.from("/ACE0ACE5SMLCD\r\n\r\nC.1(12880041.0(22:48 18-11-13)\r\n1.8.0(000285.4*kWh)\r\n!\r\n"))
        assert.deepEqual(values(o, "C.1"), [
            { text: "12880041.0", number: 12880041, unit: null },
            { text: "22:48 18-11-13", number: null, unit: null },
        ])
        assert.deepEqual(o.errors.map(e => e.kind), ["syntax"])
        assert.match(o.errors[0].message, /C\.1.*'\(' inside a value/)
        assert.equal(o.status, 0)
    })
})
