// SPICE check of the head (ngspice in WebAssembly): the receiver with the meter's light as
// 7E1 UART bits at 19200 Bd, photocurrent swept 0.1-2 mA; RX must cross the ESP32 thresholds
// within 20 % of a bit on both edges. The bare 10 k pull-up head must fail the same check.
import { test, after } from "node:test"
import assert from "node:assert/strict"
import { ESP32, RATINGS } from "../src/parts.ts"
import {
    checkReceiver,
    checkTransmitter,
    REFERENCE,
    SCHMITT,
    simulate,
    TEST_BYTES,
    uartBits,
    type ReceiverResult,
} from "../src/spice.ts"

after(() => setImmediate(() => process.exit(process.exitCode ?? 0))) // the wasm engine keeps the loop alive

const bits = uartBits(TEST_BYTES)
const us = (s: number) => `${(s * 1e6).toFixed(1)} µs`
const within = (r: ReceiverResult, share: number) => r.worstFall <= share * r.bitTime && r.worstRise <= share * r.bitTime
const describe = (r: ReceiverResult) =>
    `${r.baud} Bd, ${r.photoCurrent * 1e3} mA: light-on ${us(r.worstFall)}, light-off ${us(r.worstRise)}, ` +
    `bit ${us(r.bitTime)}, low ${r.lowLevel.toFixed(2)} V, high ${r.highLevel.toFixed(2)} V`

test("UART stimulus: 7E1 frame of '/' is start, 1111010, parity 1, stop", () => {
    assert.deepEqual(uartBits([0x2f]), [0, 1, 1, 1, 1, 0, 1, 0, 1, 1])
})

test("phototransistor model has datasheet-class edges (tr, tf 5-10 µs at 1 mA, 1 kΩ, 5 V)", async () => {
    const ip = 1e-3 / 501
    const w = await simulate(`calibration
.model PHOTO NPN(IS=1e-14 BF=500 VAF=50 CJC=6p CJE=6p TF=2n TR=1u)
VCC vcc 0 5
RL vcc out 1k
Q1 out b 0 PHOTO
Iph out b PWL(0 0 10u 0 10.1u ${ip} 200u ${ip} 200.1u 0)
.tran 0.05u 400u 0 0.1u
.end`)
    const ic = w.v["v(out)"].map(v => (5 - v) / 1000)
    const on = ic[w.t.findIndex(t => t >= 199e-6)]
    const cross = (from: number, level: number, up: boolean) =>
        w.t.find((t, k) => t >= from && (up ? ic[k] >= level : ic[k] <= level))!
    const tr = cross(10e-6, 0.9 * on, true) - cross(10e-6, 0.1 * on, true)
    const tf = cross(200e-6, 0.1 * on, false) - cross(200e-6, 0.9 * on, false)
    assert.ok(on > 0.9e-3 && on < 1.2e-3, `Ic ${on}`)
    for (const t of [tr, tf]) assert.ok(t > 5e-6 && t < 10e-6, `tr ${us(tr)} tf ${us(tf)}`)
})

for (const ip of [0.5e-3, 0.7e-3, 1e-3, 1.4e-3, 2e-3]) {
    test(`reference head at 19200 Bd, ${ip * 1e3} mA: both edges within 20 % of a bit, every bit right`, async () => {
        const r = await checkReceiver(REFERENCE, { baud: 19200, bits, photoCurrent: ip })
        assert.ok(within(r, 0.2), describe(r))
        assert.ok(r.lowLevel <= ESP32.VIL && r.highLevel >= ESP32.VIH, describe(r))
        assert.ok(r.sampledOk, describe(r))
        assert.ok(r.edges.length > 20, "the stimulus has edges")
    })
}

test("reference head with typical Schmitt thresholds also passes at 2 mA (worst case is slower)", async () => {
    const typ = await checkReceiver({ ...REFERENCE, schmitt: SCHMITT.typical }, { baud: 19200, bits, photoCurrent: 2e-3 })
    const worst = await checkReceiver(REFERENCE, { baud: 19200, bits, photoCurrent: 2e-3 })
    assert.ok(within(typ, 0.2), describe(typ))
    assert.ok(typ.worstRise <= worst.worstRise, `${describe(typ)} vs ${describe(worst)}`)
})

test("reference head in dim light, 0.2 mA: decodes at 19200 Bd and keeps 20 % at 9600 Bd", async () => {
    const fast = await checkReceiver(REFERENCE, { baud: 19200, bits, photoCurrent: 0.2e-3 })
    assert.ok(fast.sampledOk, describe(fast))
    const slow = await checkReceiver(REFERENCE, { baud: 9600, bits, photoCurrent: 0.2e-3 })
    assert.ok(within(slow, 0.2) && slow.sampledOk, describe(slow))
})

test("reference head at 0.1 mA is below its sensitivity floor (0.6 V / R1): RX never goes low", async () => {
    // Documents the floor the README states; if R1 changes, this and the README change together.
    const r = await checkReceiver(REFERENCE, { baud: 19200, bits, photoCurrent: 0.1e-3 })
    assert.equal(r.worstFall, Infinity, describe(r))
    assert.equal(r.sampledOk, false)
})

test("bare phototransistor with 10 kΩ pull-up fails at 19200 Bd at every photocurrent", async () => {
    for (const ip of [0.1e-3, 0.2e-3, 0.5e-3, 1e-3, 2e-3]) {
        const r = await checkReceiver({ kind: "bare", pullUp: 10_000 }, { baud: 19200, bits, photoCurrent: ip })
        assert.equal(within(r, 0.2), false, `expected a failure: ${describe(r)}`)
        if (ip >= 0.5e-3) assert.ok(r.worstRise > 0.5 * r.bitTime, `light-off edge should miss mid-bit: ${describe(r)}`)
    }
})

test("bare 10 kΩ head still decodes at 9600 Bd with 0.5-2 mA (its documented use)", async () => {
    for (const ip of [0.5e-3, 2e-3]) {
        const r = await checkReceiver({ kind: "bare", pullUp: 10_000 }, { baud: 9600, bits, photoCurrent: ip })
        assert.ok(r.sampledOk, describe(r))
    }
})

test("minimal head with 3.3 kΩ pull-up needs a bright meter: no valid low at 0.5 mA", async () => {
    const dim = await checkReceiver({ kind: "bare", pullUp: 3_300 }, { baud: 9600, bits, photoCurrent: 0.5e-3 })
    assert.ok(dim.lowLevel > ESP32.VIL, describe(dim))
    const bright = await checkReceiver({ kind: "bare", pullUp: 3_300 }, { baud: 9600, bits, photoCurrent: 2e-3 })
    assert.ok(bright.sampledOk, describe(bright))
})

test("IR LED current with TX low is 10 mA .. the SFH 487 rating, off with TX high, fast at 19200 Bd", async () => {
    const t = await checkTransmitter(19200, bits)
    const msg = `on ${(t.ledOn * 1e3).toFixed(1)} mA, peak ${(t.ledPeak * 1e3).toFixed(1)} mA, off ${t.ledOff} A, ` +
        `on-delay ${us(t.worstOnDelay)}, off-delay ${us(t.worstOffDelay)}`
    assert.ok(t.ledOn >= 10e-3, msg)
    assert.ok(t.ledPeak <= RATINGS.ledMaxCurrent, msg)
    assert.ok(t.ledPeak <= RATINGS.pnpMaxCurrent, msg)
    assert.ok(Math.abs(t.ledOff) < 1e-6, msg)
    assert.ok(t.worstOnDelay <= 0.2 * t.bitTime && t.worstOffDelay <= 0.2 * t.bitTime, msg)
})
