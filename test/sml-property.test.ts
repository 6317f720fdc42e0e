// Properties of the SML reader: what the writer encodes is read back exactly;
// any bytes in any chunking neither throw nor grow the reader; one flipped bit
// anywhere in a telegram publishes nothing. The expected text of a value comes
// from BigInt here (Node only), independent of the reader's digit arithmetic.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { encodeSmlFile, encodeTelegram, SmlEntrySpec, SmlReader, SmlReading } from "../src/core/sml/index"

const UNITS: [number, string][] = [[27, "W"], [30, "Wh"], [33, "A"], [35, "V"], [44, "Hz"], [13, "m³"], [29, "var"], [32, "varh"]]

function oracleText(v: bigint, scaler: number): string {
    const neg = v < 0n
    let d = (neg ? -v : v).toString()
    if (scaler > 0) d = d === "0" ? d : d + "0".repeat(scaler)
    if (scaler < 0) {
        d = d.padStart(-scaler + 1, "0")
        d = d.slice(0, d.length + scaler) + "." + d.slice(d.length + scaler)
    }
    return (neg ? "-" : "") + d
}

const arbEntry = fc
    .record({
        obis: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })),
        unit: fc.integer({ min: 0, max: UNITS.length - 1 }),
        scaler: fc.integer({ min: -5, max: 3 }),
        signed: fc.boolean(),
        size: fc.integer({ min: 1, max: 8 }),
        raw: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    })
    .map(e => {
        const bits = BigInt(e.size * 8)
        let v = e.raw & ((1n << bits) - 1n)
        if (e.signed) v = BigInt.asIntN(Number(bits), v)
        return { ...e, v }
    })

const arbFile = fc.record({
    serverId: fc.uint8Array({ minLength: 1, maxLength: 12 }).map(b => Buffer.from(b).toString("hex")),
    transaction: fc.integer({ min: 0, max: 0xfffffff0 }),
    entries: fc.array(arbEntry, { minLength: 1, maxLength: 20 }),
})

type File = typeof arbFile extends fc.Arbitrary<infer T> ? T : never

function spec(f: File) {
    return {
        serverId: f.serverId,
        transaction: f.transaction,
        entries: f.entries.map((e): SmlEntrySpec => ({ obis: e.obis, unit: UNITS[e.unit][0], scaler: e.scaler, value: { kind: e.signed ? "int" : "uint", size: e.size, digits: e.v.toString() } })),
    }
}

function read(bytes: number[], chunks: number[] = []): { got: SmlReading[]; errors: number; reader: SmlReader } {
    const got: SmlReading[] = []
    let errors = 0
    const reader = new SmlReader({ reading: t => got.push(t), error: () => errors++ })
    let at = 0
    for (const c of chunks) {
        reader.pushAll(bytes.slice(at, at + c))
        at += c
    }
    reader.pushAll(bytes.slice(at))
    reader.end()
    return { got, errors, reader }
}

describe("SML properties", () => {
    test("encode → parse is the identity on address, exact value text and unit", () => {
        fc.assert(
            fc.property(arbFile, f => {
                const { got, errors } = read(encodeTelegram(encodeSmlFile(spec(f))))
                assert.equal(errors, 0)
                assert.equal(got.length, 1)
                assert.equal(got[0].serverId, f.serverId)
                assert.deepEqual(
                    got[0].dataSets.map(d => [d.address, d.values[0].text, d.values[0].unit]),
                    f.entries.map(e => [`${e.obis[0]}-${e.obis[1]}:${e.obis[2]}.${e.obis[3]}.${e.obis[4]}*${e.obis[5]}`, oracleText(e.v, e.scaler), UNITS[e.unit][1]])
                )
            }),
            { numRuns: 300 }
        )
    })

    test("any bytes, any chunking: never throws, same result for every chunking, buffer stays its size", () => {
        const start = [0x1b, 0x1b, 0x1b, 0x1b, 1, 1, 1, 1]
        const valid = encodeTelegram(encodeSmlFile({ serverId: "0a01", transaction: 7, entries: [{ obis: [1, 0, 1, 8, 0, 255], unit: 30, scaler: -1, value: { kind: "uint", size: 4, digits: "12345" } }] }))
        const piece = fc.oneof(
            fc.uint8Array({ maxLength: 64 }).map(a => [...a]),
            fc.constant(start),
            fc.constant([0x1b, 0x1b, 0x1b, 0x1b]),
            fc.constant(valid),
            fc.integer({ min: 1, max: valid.length - 1 }).map(n => valid.slice(0, n)),
            fc.integer({ min: 1, max: valid.length - 1 }).map(n => valid.slice(n))
        )
        fc.assert(
            fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 50 }), (pieces, chunks) => {
                const bytes = pieces.flat()
                const whole = read(bytes)
                const split = read(bytes, chunks)
                assert.equal(split.got.length, whole.got.length)
                assert.equal(split.errors, whole.errors)
                assert.deepEqual(split.got.map(g => g.dataSets), whole.got.map(g => g.dataSets))
                assert.ok(whole.got.length <= bytes.length / 16)
                assert.equal((split.reader as any).transport.buf.length, 2048)
            }),
            { numRuns: 300 }
        )
    })

    test("one flipped bit anywhere in a telegram publishes nothing", () => {
        fc.assert(
            fc.property(arbFile, fc.nat(), fc.integer({ min: 0, max: 7 }), (f, at, bit) => {
                const t = encodeTelegram(encodeSmlFile(spec(f)))
                const i = at % t.length
                t[i] ^= 1 << bit
                assert.equal(read(t).got.length, 0)
            }),
            { numRuns: 500 }
        )
    })
})
