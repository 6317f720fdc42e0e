// The simulated SML meters (src/sim/sml-meter.ts) and their profiles
// (profiles/sml/*.json): every profile is valid, its telegrams read back as the
// values written here (which the profiles take from their cited sources), each
// quirk needs exactly the reader option the profile names, and injected line
// faults cost the damaged telegram and nothing else.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { decodeSml, SmlOptions } from "../src/core/sml/index"
import { checkSmlProfile, parseSmlProfile, SmlProfile } from "../src/sim/sml-profile"
import { SmlFault, SmlSimMeter } from "../src/sim/sml-meter"

const DIR = join(__dirname, "..", "profiles", "sml")
const load = (f: string) => parseSmlProfile(JSON.parse(readFileSync(join(DIR, f), "utf8")))

function stream(p: SmlProfile, n: number, faults: SmlFault[] = []): number[] {
    const m = new SmlSimMeter(p, 0x1000, faults)
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push(...m.next())
    return out
}

function texts(p: SmlProfile, opt: Partial<SmlOptions>, k = 0): Record<string, string> {
    const r = decodeSml(stream(p, k + 1), opt)
    const t = r.readings[k]
    const o: Record<string, string> = {}
    for (const d of t.dataSets) o[d.address] = d.values[0].text + (d.values[0].unit ? " " + d.values[0].unit : "")
    return o
}

describe("SML profiles", () => {
    test("every shipped SML profile is valid and cites a source", () => {
        const files = readdirSync(DIR).filter(f => f.endsWith(".json"))
        assert.deepEqual(files.sort(), ["dzg-dws7410.json", "easymeter-q3a.json", "emh-ehz.json", "holley-dtz541.json", "iskra-mt631-locked.json", "iskra-mt681.json"])
        for (const f of files) assert.match(load(f).source, /^https:\/\//, f)
    })
    test("a bad profile gets one error per problem, naming the field", () => {
        const r = checkSmlProfile({ name: "x", protocol: "sml", serverId: "0A", registers: [{ obis: "1.8.0", type: "uint", size: 9, scaler: -1, unit: 30, value: "12.34" }], bogus: 1, source: "s" })
        assert.equal(r.profile, null)
        assert.deepEqual(r.errors, [
            "bogus: unknown field (accepted: name, protocol, serverId, baud, pushIntervalMs, registers, quirks, reader, source, notes, $comment)",
            'serverId: required, lower-case hex, e.g. "0a01445a4700039e2054"',
            'registers[0].obis: must be "A-B:C.D.E*F" with parts 0..255, e.g. "1-0:1.8.0*255"',
            "registers[0].size: must be a whole number from 1 to 8",
            "registers[0].value: must be a decimal number with exactly 1 decimals",
        ])
    })
})

describe("SML simulated meters read back", () => {
    test("EMH eHZ: the README's values, the counter advancing by 0.1 Wh per telegram", () => {
        const p = load("emh-ehz.json")
        const t = texts(p, p.reader)
        assert.equal(t["129-129:199.130.3*255"], "EMH")
        assert.equal(t["1-0:1.8.1*255"], "14798112.9 Wh")
        assert.equal(t["1-0:1.8.2*255"], "2012.4 Wh")
        assert.equal(t["1-0:1.7.0*255"], "13.8 W")
        assert.equal(texts(p, p.reader, 3)["1-0:1.8.1*255"], "14798113.2 Wh")
    })
    test("ISKRA MT681: 64-bit registers", () => {
        const p = load("iskra-mt681.json")
        const t = texts(p, p.reader)
        assert.equal(t["1-0:1.8.0*255"], "1890012.3 Wh")
        assert.equal(t["1-0:16.7.0*255"], "734 W")
        assert.equal(t["1-0:0.0.9*255"], "090149534b00048afb03")
    })
    test("EasyMeter Q3A: int64 energy with scaler -4, three phases", () => {
        const p = load("easymeter-q3a.json")
        const t = texts(p, p.reader)
        assert.equal(t["1-0:1.8.0*255"], "2941646.1614 Wh")
        assert.equal(t["1-0:16.7.0*255"], "810.26 W")
        assert.equal(t["1-0:76.7.0*255"], "241.83 W")
        assert.equal(t["1-0:52.7.0*255"], "230.7 V")
    })
    test("DZG DWS7410: 356.24 W arrives as -299.12 W; the profile's powerUnsignedFor restores it", () => {
        const p = load("dzg-dws7410.json")
        assert.equal(texts(p, {})["1-0:16.7.0*255"], "-299.12 W")
        assert.equal(texts(p, p.reader)["1-0:16.7.0*255"], "356.24 W")
    })
    test("Holley DTZ541: KERMIT trailer dropped by default, read with x25-or-kermit", () => {
        const p = load("holley-dtz541.json")
        const strict = decodeSml(stream(p, 3))
        assert.equal(strict.readings.length, 0)
        assert.deepEqual(strict.errors.map(e => e.message), ["SML transport CRC mismatch", "SML transport CRC mismatch", "SML transport CRC mismatch"])
        const t = texts(p, p.reader)
        assert.equal(t["1-0:1.8.2*255"], "177360.1 Wh")
        assert.equal(t["1-0:14.7.0*255"], "50.0 Hz")
    })
    test("ISKRA MT631 without PIN: whole-kWh totals and the PIN diagnosis", () => {
        const p = load("iskra-mt631-locked.json")
        const r = decodeSml(stream(p, 2), p.reader)
        assert.equal(r.readings.length, 2)
        assert.equal(r.dataSets.find(d => d.address === "1-0:1.8.0*255")?.values[0].text, "2043000")
        assert.equal(r.diagnosis, "meter sends totals only; enter the meter's PIN to unlock live power")
    })
})

describe("SML line faults", () => {
    const p = () => load("emh-ehz.json")
    const count = (faults: SmlFault[]) => decodeSml(stream(p(), 5, faults)).readings.map(t => t.dataSets[2].values[0].text)
    test("a dropped byte, a flipped bit, a truncation: only that telegram is lost", () => {
        assert.deepEqual(count([{ kind: "drop", telegram: 1, at: 40, n: 0 }]), ["14798112.9", "14798113.1", "14798113.2", "14798113.3"])
        assert.deepEqual(count([{ kind: "flip", telegram: 2, at: 100, n: 3 }]), ["14798112.9", "14798113.0", "14798113.2", "14798113.3"])
        assert.deepEqual(count([{ kind: "truncate", telegram: 3, at: 120, n: 0 }]), ["14798112.9", "14798113.0", "14798113.1", "14798113.3"])
    })
    test("noise between telegrams costs nothing; noise inside one costs that one", () => {
        assert.deepEqual(count([{ kind: "noise", telegram: 1, at: 0, n: 50 }]), ["14798112.9", "14798113.0", "14798113.1", "14798113.2", "14798113.3"])
        assert.deepEqual(count([{ kind: "noise", telegram: 1, at: 60, n: 7 }]), ["14798112.9", "14798113.1", "14798113.2", "14798113.3"])
    })
    test("random drops and flips from a seed: the same bytes every run, nothing damaged is published", () => {
        const run = () => {
            const m = new SmlSimMeter(p(), 0, [], { seed: 42, drop: 0.002, flip: 0.002 })
            const out: number[] = []
            for (let i = 0; i < 40; i++) out.push(...m.next())
            return out
        }
        const a = run()
        assert.deepEqual(run(), a)
        const r = decodeSml(a)
        assert.ok(r.readings.length > 0 && r.readings.length < 40)
        for (const t of r.readings) assert.equal(t.dataSets[5].values[0].text, "13.8")
    })
})
