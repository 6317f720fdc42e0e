// SML reader on real captures (sources: test/captures/sml/SOURCES.md) and on
// hand-written telegrams. Expected values are the ones the sources state.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { crcKermit, crcX25, decodeSml, encodeSmlFile, encodeTelegram, intText, PIN_DIAGNOSIS, scaledText, SmlReader, SmlReading, u64Text } from "../src/core/sml/index"
import { CoreError } from "../src/core/types"

const CAP = join(__dirname, "captures", "sml")
const cap = (f: string) => readFileSync(join(CAP, f))
const value = (r: SmlReading, address: string) => r.dataSets.find(d => d.address === address)?.values[0]

describe("SML CRC", () => {
    test("catalogue check values of CRC-16/X-25 and CRC-16/KERMIT", () => {
        const s = Buffer.from("123456789")
        assert.equal(crcX25(s, 0, 9), 0x906e)
        assert.equal(crcKermit(s, 0, 9), 0x2189)
    })
    test("a real trailer carries X-25 low byte first (EMH eHZ, first telegram ends 1a 01 44 3a)", () => {
        const b = cap("EMH_eHZ-GW8E2A500AK2.bin")
        assert.deepEqual([...b.subarray(0xf4, 0xfc)], [0x1b, 0x1b, 0x1b, 0x1b, 0x1a, 0x01, 0x44, 0x3a])
        assert.equal(crcX25(b, 0, 0xfa), 0x3a44)
    })
})

describe("SML numbers", () => {
    test("64-bit integers are exact as text", () => {
        assert.equal(u64Text(0xffffffff, 0xffffffff), "18446744073709551615")
        assert.equal(intText(Buffer.from("8000000000000000", "hex"), 0, 8, true), "-9223372036854775808")
        assert.equal(intText(Buffer.from("0020000000000001", "hex"), 0, 8, false), "9007199254740993")
        assert.equal(intText(Buffer.from("ff00000000", "hex"), 0, 5, true), "-4294967296")
        assert.equal(intText(Buffer.from("8acf", "hex"), 0, 2, true), "-30001")
    })
    test("value text from integer and scaler", () => {
        assert.equal(scaledText("138", -1), "13.8")
        assert.equal(scaledText("-5", -3), "-0.005")
        assert.equal(scaledText("2043", 3), "2043000")
        assert.equal(scaledText("0", -1), "0.0")
    })
})

describe("SML real captures", () => {
    test("EMH eHZ-GW8E2A500AK2: the values libsml prints in the repository README", () => {
        const r = decodeSml(cap("EMH_eHZ-GW8E2A500AK2.bin"))
        assert.equal(r.readings.length, 16)
        const t = r.readings[0]
        assert.equal(t.manufacturer, "EMH")
        assert.deepEqual(value(t, "1-0:0.0.0*255"), { text: "02280816", number: null, unit: null })
        assert.deepEqual(value(t, "1-0:1.8.1*255"), { text: "14798112.9", number: 14798112.9, unit: "Wh" })
        assert.deepEqual(value(t, "1-0:1.8.2*255"), { text: "2012.4", number: 2012.4, unit: "Wh" })
        assert.deepEqual(value(t, "0-0:96.1.255*255"), { text: "0002280816", number: null, unit: null })
        assert.deepEqual(value(t, "1-0:1.7.0*255"), { text: "13.8", number: 13.8, unit: "W" })
        assert.equal(value(r.readings[1], "1-0:1.8.1*255")?.text, "14798113.0")
        // the dump's last telegram is cut by the 4096-byte dd: reported, not published
        assert.equal(r.dropped, 1)
        assert.deepEqual(r.errors.map(e => e.kind), ["timeout"])
    })
    test("ISKRA MT175 D1A52: the values of devZer0/libsml-testing#9", () => {
        const t = decodeSml(cap("ISKRA_MT175_D1A52-V22-K0t.bin")).readings[0]
        assert.equal(t.manufacturer, "ISK")
        assert.equal(t.serverId, "0649534b010e1f66299a")
        assert.equal(value(t, "1-0:0.0.9*255")?.text, "0649534b010e1f66299a")
        assert.deepEqual(value(t, "1-0:1.8.0*255"), { text: "10732309.1", number: 10732309.1, unit: "Wh" })
        assert.deepEqual(value(t, "1-0:1.8.2*255"), { text: "0.0", number: 0, unit: "Wh" })
        assert.deepEqual(value(t, "1-0:2.8.0*255"), { text: "28275324.5", number: 28275324.5, unit: "Wh" })
        assert.deepEqual(value(t, "1-0:16.7.0*255"), { text: "-4308", number: -4308, unit: "W" })
        assert.deepEqual(value(t, "1-0:36.7.0*255"), { text: "-1392", number: -1392, unit: "W" })
    })
    test("DZG DVS-7412.2: power 356.24 W arrives as -299.12 unless the meter is named in powerUnsignedFor", () => {
        const raw = decodeSml(cap("DZG_DVS-7412.2_jmberg.bin")).readings[0]
        assert.equal(raw.manufacturer, "DZG")
        assert.equal(value(raw, "1-0:16.7.0*255")?.text, "-299.12")
        const fixed = decodeSml(cap("DZG_DVS-7412.2_jmberg.bin"), { powerUnsignedFor: ["0a01445a47000282225e"] }).readings[0]
        assert.deepEqual(value(fixed, "1-0:16.7.0*255"), { text: "356.24", number: 356.24, unit: "W" })
    })
    test("DZG DVS-7420 generator: genuinely negative power stays negative with the DVS74 option on for another meter", () => {
        const r = decodeSml(cap("DZG_DVS-7420.2V.G2_mtr2_neg.bin"), { powerUnsignedFor: ["0a01445a47000282225e"] })
        assert.ok(r.readings.length >= 1)
        for (const t of r.readings) {
            assert.ok((value(t, "1-0:16.7.0*255")?.number as number) < 0)
            assert.equal(value(t, "1-0:16.7.0*255")?.unit, "W")
            assert.equal(value(t, "1-0:2.8.0*255")?.unit, "Wh")
        }
    })
    test("DZG DVS-7420 household: has 1.8.0, 2.8.0 and 16.7.0", () => {
        const t = decodeSml(cap("DZG_DVS-7420.2V.G2_mtr0.bin")).readings[0]
        for (const a of ["1-0:1.8.0*255", "1-0:2.8.0*255", "1-0:16.7.0*255"]) assert.ok(value(t, a), a)
    })
    test("ISKRA MT631 without PIN: totals only, and the diagnosis says so; with PIN: live power, no diagnosis", () => {
        const locked = decodeSml(cap("ISKRA_MT631-D1A52-K0z-H01_without_PIN.bin"))
        assert.equal(locked.diagnosis, PIN_DIAGNOSIS)
        assert.equal(locked.diagnosis, "meter sends totals only; enter the meter's PIN to unlock live power")
        assert.equal(value(locked.readings[0], "1-0:16.7.0*255"), undefined)
        const open = decodeSml(cap("ISKRA_MT631-D1A52-K0z-H01_with_PIN.bin"))
        assert.equal(open.diagnosis, null)
        assert.equal(value(open.readings[0], "1-0:16.7.0*255")?.unit, "W")
    })
    test("Holley DTZ541-ZDBA: value times without the SML_Time wrapper are skipped, values still read", () => {
        const r = decodeSml(cap("HOLLEY_DTZ541-ZDBA.bin"))
        assert.equal(r.readings.length, 7)
        assert.equal(r.meter?.manufacturer, "HLY")
        assert.equal(value(r.readings[0], "1-0:14.7.0*255")?.unit, "Hz")
    })
    test("EasyMeter Q3A: the one damaged telegram in the dump is dropped for its CRC", () => {
        const r = decodeSml(cap("EasyMeter_Q3A_A1064V1009.bin"))
        assert.equal(r.readings.length, 4)
        assert.ok(r.errors.some(e => e.kind === "bcc" && e.message === "SML transport CRC mismatch"))
        assert.equal(r.meter?.manufacturer, "ESY")
    })
})

describe("SML transport", () => {
    const file = encodeSmlFile({
        serverId: "0a01445a4700039e2054",
        transaction: 1000,
        entries: [
            { obis: [1, 0, 1, 8, 0, 255], unit: 30, scaler: -1, value: { kind: "uint", size: 8, digits: "184467440737095516" } },
            { obis: [1, 0, 16, 7, 0, 255], unit: 27, scaler: -2, value: { kind: "int", size: 4, digits: "-12345" } },
        ],
    })
    const telegram = encodeTelegram(file)
    const run = (bytes: number[], opt = {}) => {
        const got: SmlReading[] = []
        const errs: CoreError[] = []
        const r = new SmlReader({ reading: t => got.push(t), error: e => errs.push(e) }, opt)
        r.pushAll(bytes)
        r.end()
        return { got, errs }
    }
    test("garbage before, a telegram started mid-stream, and two back to back", () => {
        const junk = [0x1b, 0x1b, 0x01, 0x00, 0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x07, 0xff]
        const { got, errs } = run([...junk, ...telegram.slice(37), ...telegram, ...telegram])
        assert.equal(got.length, 2)
        // 18 significant digits: a double cannot hold them, so the number is null and the text is exact (issue 12 item 7)
        assert.deepEqual(got[0].dataSets[0].values[0], { text: "18446744073709551.6", number: null, unit: "Wh" })
        assert.deepEqual(got[0].dataSets[1].values[0], { text: "-123.45", number: -123.45, unit: "W" })
        assert.equal(got[0].serverId, "0a01445a4700039e2054")
        assert.equal(errs.length, 0)
    })
    test("a byte lost inside one telegram: that one is dropped, the next one read", () => {
        const damaged = [...telegram.slice(0, 50), ...telegram.slice(51)]
        const { got, errs } = run([...damaged, ...telegram])
        assert.equal(got.length, 1)
        assert.ok(errs.length >= 1)
    })
    test("escaped 1b1b1b1b inside the payload round-trips", () => {
        const f = encodeSmlFile({ serverId: "1b1b1b1b1b1b1b1b", transaction: 0x1b1b1b1b, entries: [{ obis: [1, 0, 1, 8, 0, 255], unit: 30, scaler: 0, value: { kind: "octets", hex: "1b1b1b1b1b1b1b1b1b" } }] })
        const { got, errs } = run(encodeTelegram(f))
        assert.equal(errs.length, 0)
        assert.equal(got[0].dataSets[0].values[0].text, "1b1b1b1b1b1b1b1b1b")
    })
    test("wrong trailer CRC: nothing published; Holley's KERMIT trailer only with its option", () => {
        assert.equal(run(encodeTelegram(file, "wrong")).got.length, 0)
        assert.equal(run(encodeTelegram(file, "kermit")).got.length, 0)
        const k = run(encodeTelegram(file, "kermit"), { transportCrc: "x25-or-kermit" })
        assert.equal(k.got.length, 1)
        assert.equal(k.got[0].kermitCrc, true)
    })
    test("a telegram longer than maxTelegram is dropped as overlength and the reader goes on", () => {
        const { got, errs } = run([...telegram, ...telegram], { maxTelegram: 64 })
        assert.equal(got.length, 0)
        assert.deepEqual(errs.map(e => e.kind), ["overlength", "overlength"])
    })
})
