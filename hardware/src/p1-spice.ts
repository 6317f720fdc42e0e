// SPICE check of the P1 adapter (ngspice in WebAssembly, as the head's): the Data line at
// 115200 Bd 8N1 with the meter's open-collector output, the cable's capacitance and the pull-up,
// measured at the ESP32's RX pin; the Data Request switch's level and current; the supply diode.
//
// The meter's output is its optocoupler's transistor. Two stand-ins, both generic models:
//  - "switch": an output that switches like a small-signal transistor (BC817 model, driven
//    hard), with a series resistance that sets its low level (the standard's typical 0.2 V at the
//    pull-up's current, or its limit 1.0 V);
//  - "phototransistor": the head's calibrated phototransistor model (edges 6.9/7.7 µs at 1 mA,
//    1 kΩ), the class of a slow phototransistor-output optocoupler, with base drive for 10 mA.
// Cable: flat 6-wire modular cable, ~60 pF per metre between a conductor and its neighbours.
import { at, MODELS, simulate, uartBits } from "./spice.ts"
import { ESP32 } from "./parts.ts"
import { P1_PORT, P1_VALUES } from "./p1-parts.ts"

/** Flat modular cable capacitance per metre (conductor to neighbours), farads. */
export const CABLE_PF_PER_M = 60e-12

export interface P1Meter {
    kind: "switch" | "phototransistor"
    /** switch only: resistance in series with the output transistor, ohms (sets the low level) */
    rOut?: number
    /** phototransistor only: the collector current its light would give, amperes (default 5 mA) */
    photoMax?: number
}

/** The meter's output with the standard's typical low level (0.2 V at the 3.3 mA the pull-up draws). */
export const TYPICAL_METER: P1Meter = { kind: "switch", rOut: 0.2 / (P1_VALUES.VDD / P1_VALUES.R1) }
/** The meter's output at the standard's limit: LOW = 1.0 V at the pull-up's current. */
export const LIMIT_METER: P1Meter = { kind: "switch", rOut: 1.0 / (P1_VALUES.VDD / P1_VALUES.R1) }
export const SLOW_METER: P1Meter = { kind: "phototransistor" }

export interface DataLine {
    meter: P1Meter
    pullUp: number
    cableMetres: number
    baud?: number
}

/** Line levels of the UART frame (1 = mark = idle). On the P1 Data line mark is LOW: the meter's
 *  transistor conducts. */
export function p1Bits(bytes: number[]): number[] {
    return uartBits(bytes, 8, "none")
}

/** The first characters of a DSMR 5 telegram ("/ISK5"), 8N1. */
export const P1_TEST_BYTES = [...Buffer.from("/ISK5\\")]

function schedule(baud: number, bits: number[], idle = 4) {
    const tb = 1 / baud
    const levels = [...Array(idle).fill(1), ...bits, ...Array(idle).fill(1)]
    const edges: { t: number; on: boolean }[] = []
    for (let i = 1; i < levels.length; i++) if (levels[i] !== levels[i - 1]) edges.push({ t: i * tb, on: levels[i] === 1 })
    return { tb, levels, edges, tEnd: levels.length * tb }
}

/** Base drive of the meter's output transistor: on for mark (1), off for space (0). */
function drivePwl(levels: number[], tb: number, on: number, edge = 50e-9): string {
    const pts = [`0 ${levels[0] ? on : 0}`]
    for (let i = 1; i < levels.length; i++)
        if (levels[i] !== levels[i - 1]) {
            const t = i * tb
            const [a, b] = levels[i] ? [0, on] : [on, 0]
            pts.push(`${t.toExponential(6)} ${a}`, `${(t + edge).toExponential(6)} ${b}`)
        }
    pts.push(`${(levels.length * tb).toExponential(6)} ${levels[levels.length - 1] ? on : 0}`)
    return `PWL(${pts.join(" ")})`
}

export function dataLineNetlist(d: DataLine, bits: number[]): string {
    const s = schedule(d.baud ?? 115200, bits)
    const cable = d.cableMetres * CABLE_PF_PER_M
    const meter =
        d.meter.kind === "switch"
            ? // BC817-class output, base driven from 3.3 V through 4.7 kΩ (~0.55 mA: saturated at
              // the pull-up's current), Rout to Data GND
              [`Qm data mb me BC817`, `Rme me 0 ${d.meter.rOut ?? 1}`, `Vb vb 0 ${drivePwl(s.levels, s.tb, 3.3)}`, `Rb vb mb 4.7k`]
            : // phototransistor-output optocoupler: base (photo) current for `photoMax` of collector current
              [`Qm data mb 0 PHOTO`, `Iph data mb ${drivePwl(s.levels, s.tb, (d.meter.photoMax ?? 5e-3) / 501, 0.5e-6)}`]
    return [
        `p1 data line ${d.meter.kind} ${d.pullUp} ohm ${d.cableMetres} m`,
        MODELS,
        `VDD vdd 0 ${P1_VALUES.VDD}`,
        ...meter,
        `Cout data 0 10p`, // the optocoupler's output capacitance
        `Ccable data 0 ${cable.toExponential(3)}`,
        `R1 vdd data ${d.pullUp}`,
        `R6 data rx ${P1_VALUES.R6}`,
        `Cpin rx 0 5p`, // ESP32 pin
        `.tran 50n ${s.tEnd.toExponential(6)} 0 50n`,
        `.end`,
    ].join("\n")
}

export interface DataLineResult {
    bitTime: number
    /** worst time from the meter switching until RX crossed VIL (on) / VIH (off); Infinity = never within the bit */
    worstFall: number
    worstRise: number
    /** RX while the meter conducts (max) and while it is off (min), mid-bit */
    lowLevel: number
    highLevel: number
    /** every bit right at mid-bit against the ESP32 thresholds */
    sampledOk: boolean
    /** peak current into the meter's output, amperes */
    meterCurrent: number
}

export async function checkDataLine(d: DataLine, bits = p1Bits(P1_TEST_BYTES)): Promise<DataLineResult> {
    const s = schedule(d.baud ?? 115200, bits)
    const w = await simulate(dataLineNetlist(d, bits))
    const rx = w.v["v(rx)"]
    const delays = s.edges.map((e, i) => {
        const tNext = i + 1 < s.edges.length ? s.edges[i + 1].t : s.tEnd
        for (let k = 0; k < w.t.length; k++) {
            if (w.t[k] < e.t) continue
            if (w.t[k] > tNext) break
            if (e.on ? rx[k] <= ESP32.VIL : rx[k] >= ESP32.VIH) return { on: e.on, d: w.t[k] - e.t }
        }
        return { on: e.on, d: Infinity }
    })
    const worst = (on: boolean) => Math.max(0, ...delays.filter(x => x.on === on).map(x => x.d))
    let lowLevel = -Infinity, highLevel = Infinity, sampledOk = true
    for (let i = 1; i < s.levels.length; i++) {
        const v = at(w, "v(rx)", (i + 0.5) * s.tb)
        if (s.levels[i] === 1) lowLevel = Math.max(lowLevel, v)
        else highLevel = Math.min(highLevel, v)
        if (s.levels[i] === 1 ? v > ESP32.VIL : v < ESP32.VIH) sampledOk = false
    }
    const data = w.v["v(data)"]
    const meterCurrent = Math.max(...data.map(v => (P1_VALUES.VDD - v) / d.pullUp))
    return { bitTime: s.tb, worstFall: worst(true), worstRise: worst(false), lowLevel, highLevel, sampledOk, meterCurrent }
}

/** The meter's Data Request input: its optocoupler's LED (~1.2 V) behind a resistor. 680 Ω draws
 *  5.6 mA at 5 V and 4.1 mA at 4 V (the standard: 4-10 mA, typ. 5 mA); 330 Ω is a heavy input
 *  (10 mA at 4.5 V). */
export const REQUEST_INPUTS = { typical: 680, heavy: 330 }

export interface RequestResult {
    /** V(Data Request) and its current with REQ_EN open (pulled up: request on) */
    onVoltage: number
    onCurrent: number
    /** the same with the GPIO driving REQ_EN low (request off) */
    offVoltage: number
    offCurrent: number
    /** REQ_EN's voltage when open (what a GPIO input sees) */
    reqEnOpen: number
}

/** Data Request switch at a given 5 V rail, into a meter input of `load` ohms + LED. */
export async function checkRequest(v5: number, load: number): Promise<RequestResult> {
    const net = (reqEn: "open" | "low") => [
        `p1 request ${v5} V ${load} ohm REQ_EN ${reqEn}`,
        MODELS,
        `.model OPTOLED D(IS=1e-18 N=1.7 RS=3)`,
        `V5 v5 0 ${v5}`,
        `R2 v5 reqen ${P1_VALUES.R2}`,
        reqEn === "low" ? `Vgpio reqen 0 0` : `* REQ_EN open`,
        `R3 reqen q1b ${P1_VALUES.R3}`,
        `Q1 q1c q1b 0 BC817`,
        `R4 q2b q1c ${P1_VALUES.R4}`,
        `R5 v5 q2b ${P1_VALUES.R5}`,
        `Q2 req q2b v5 BC807`,
        `VSENSE req reqin 0`,
        `Rin reqin led ${load}`,
        `Dled led 0 OPTOLED`,
        `.tran 1u 100u 0 1u`,
        `.end`,
    ].join("\n")
    const run = async (reqEn: "open" | "low") => {
        const w = await simulate(net(reqEn))
        const iName = Object.keys(w.v).find(k => k.includes("vsense"))!
        const t = w.t[w.t.length - 1]
        return { v: at(w, "v(req)", t), i: at(w, iName, t), reqEn: at(w, "v(reqen)", t) }
    }
    const on = await run("open")
    const off = await run("low")
    return { onVoltage: on.v, onCurrent: on.i, offVoltage: off.v, offCurrent: off.i, reqEnOpen: on.reqEn }
}

/** MBR0520L class Schottky (datasheet: 0.30 V at 0.1 A, 0.385 V at 0.5 A). */
export const SCHOTTKY = `.model MBR0520 D(IS=9e-7 N=1 RS=0.1 CJO=100p)`

/** The reader's 5 V rail when it runs from the meter: P1 +5V at the standard's minimum (4.9 V at
 *  250 mA) through D1 into `load` amperes. */
export async function supplyFromMeter(load: number, p1Volts = 4.9): Promise<number> {
    const w = await simulate([`p1 supply ${load} A`, SCHOTTKY, `VP p1 0 ${p1Volts}`, `D1 p1 v5 MBR0520`, `Iload v5 0 ${load}`, `.tran 1u 50u 0 1u`, `.end`].join("\n"))
    return at(w, "v(v5)", w.t[w.t.length - 1])
}

export { P1_PORT }
