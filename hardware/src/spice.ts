// SPICE check of the head: netlists for the receiver (light as UART bits → RX pin) and the
// transmitter (TX pin → IR LED current), run in ngspice compiled to WebAssembly (eecircuit-engine,
// no system install), and the measurements the tests assert on.
//
// Models are generic, not vendor models; they are in the range of the datasheets and meant to
// compare topologies and catch a design that is off by a factor, not to predict a device to 10 %.
import { Simulation } from "eecircuit-engine"
import { ESP32, VALUES } from "./parts.ts"

export const MODELS = `
* Phototransistor (SFH309FA class): NPN with a floating base and a photocurrent source C->B.
* Capacitances of a 3 mm phototransistor; BF sets Ic(light) = (BF+1) * Iphoto.
.model PHOTO NPN(IS=1e-14 BF=500 VAF=50 CJC=6p CJE=6p TF=2n TR=1u)
* BC817-40 / BC807-40: generic small-signal parameters of that class (hFE 250-600).
.model BC817 NPN(IS=2e-14 BF=400 NF=1 VAF=100 IKF=0.3 ISE=5e-15 NE=1.5 BR=35 VAR=20 RB=10 RC=0.5 CJE=25p CJC=10p TF=0.6n TR=50n)
.model BC807 PNP(IS=2e-14 BF=400 NF=1 VAF=60 IKF=0.3 ISE=5e-15 NE=1.5 BR=20 VAR=20 RB=10 RC=0.5 CJE=30p CJC=15p TF=0.8n TR=60n)
* SFH 487 class GaAlAs IR LED: ~1.3 V at 20 mA, ~1.5 V at 100 mA.
.model IRLED D(IS=2.8e-16 N=1.5 RS=2 CJO=25p)
`

/** 74LVC1G17 at 3.3 V: thresholds from the datasheet, typical and the slow corner. */
export const SCHMITT = {
    typical: { vtPlus: 1.76, vtMinus: 1.04 },
    /** highest VT+ and lowest VT- (74LVC family, VCC = 3.0 V, -40..85 °C): the slowest switching */
    worst: { vtPlus: 2.2, vtMinus: 0.6 },
}

export type Receiver =
    /** the reference: phototransistor emitter follower → BC817 → 74LVC1G17 → RX */
    | { kind: "reference"; r1: number; r2: number; schmitt: { vtPlus: number; vtMinus: number } }
    /** the minimal head: phototransistor from RX to GND with a pull-up, straight into the ESP32 */
    | { kind: "bare"; pullUp: number }

export const REFERENCE: Extract<Receiver, { kind: "reference" }> = { kind: "reference", r1: VALUES.R1, r2: VALUES.R2, schmitt: SCHMITT.worst }

/** UART line levels, one per bit: 1 = mark = idle = dark, 0 = space = light on. 7E1 by default. */
export function uartBits(bytes: number[], dataBits = 7, parity: "even" | "none" = "even"): number[] {
    const out: number[] = []
    for (const b of bytes) {
        out.push(0)
        let ones = 0
        for (let i = 0; i < dataBits; i++) {
            const bit = (b >> i) & 1
            ones += bit
            out.push(bit)
        }
        if (parity === "even") out.push(ones & 1)
        out.push(1)
    }
    return out
}

export interface Stimulus {
    baud: number
    /** line levels; the line idles (dark) for `idleBits` before and after */
    bits: number[]
    /** collector current of the phototransistor with the meter's LED on, amperes */
    photoCurrent: number
    idleBits?: number
    /** rise/fall time of the meter's LED light, seconds */
    lightEdge?: number
}

export interface Edge {
    /** time the light changes (start of the bit), seconds */
    t: number
    /** true: light on, RX must go low */
    lightOn: boolean
}

function schedule(s: Stimulus) {
    const tb = 1 / s.baud
    const idle = s.idleBits ?? 4
    const levels = [...Array(idle).fill(1), ...s.bits, ...Array(idle).fill(1)]
    const edges: Edge[] = []
    for (let i = 1; i < levels.length; i++)
        if (levels[i] !== levels[i - 1]) edges.push({ t: i * tb, lightOn: levels[i] === 0 })
    return { tb, levels, edges, tEnd: levels.length * tb }
}

/** PWL source for the photocurrent into the phototransistor's base. */
function lightPwl(s: Stimulus, beta = 500): string {
    const { edges, tEnd } = schedule(s)
    const iph = s.photoCurrent / (beta + 1)
    const tr = s.lightEdge ?? 0.5e-6
    const pts: string[] = ["0 0"]
    for (const e of edges) {
        const [a, b] = e.lightOn ? [0, iph] : [iph, 0]
        pts.push(`${e.t.toExponential(6)} ${a}`, `${(e.t + tr).toExponential(6)} ${b}`)
    }
    pts.push(`${tEnd.toExponential(6)} ${edges.length && edges[edges.length - 1].lightOn ? iph : 0}`)
    return `PWL(${pts.join(" ")})`
}

export function receiverNetlist(rx: Receiver, s: Stimulus): string {
    const { tEnd } = schedule(s)
    const lines = [`receiver ${rx.kind} ${s.baud} Bd ${s.photoCurrent * 1e3} mA`, MODELS, `VDD vdd 0 ${VALUES.VDD}`]
    if (rx.kind === "reference") {
        const { vtPlus, vtMinus } = rx.schmitt
        lines.push(
            // Q1 collector on VDD, emitter into R1 and the BC817 base
            `Q1 vdd pb pe PHOTO`,
            `Iph vdd pb ${lightPwl(s)}`,
            `R1 pe 0 ${rx.r1}`,
            `Q2 rxraw pe 0 BC817`,
            `R2 vdd rxraw ${rx.r2}`,
            `Cin rxraw 0 5p`,
            // U1 74LVC1G17: state s (0..1) with hysteresis: threshold VT- while high, VT+ while low
            `Bsw s0 0 V=0.5*(1+tanh((v(rxraw)-(${vtPlus}-(${vtPlus - vtMinus})*v(s)))/0.01))`,
            `Rs s0 s 1k`,
            `Cs s 0 2p`,
            `Bout y0 0 V=${VALUES.VDD}*v(s)`,
            `Rout y0 rx 25`,
            // ESP32 pin, 20 cm of cable
            `Cl rx 0 50p`,
        )
    } else {
        lines.push(`Q1 rx pb 0 PHOTO`, `Iph rx pb ${lightPwl(s)}`, `RL vdd rx ${rx.pullUp}`, `Cl rx 0 50p`)
    }
    lines.push(`.tran 0.1u ${tEnd.toExponential(6)} 0 0.2u`, `.end`)
    return lines.join("\n")
}

/** Transmit side: ESP32 TX → U2 → R3 → BC807 base; BC807 high side feeds D1 + R4. TX low = LED on. */
export function transmitterNetlist(baud: number, bits: number[]): string {
    const s = schedule({ baud, bits, photoCurrent: 0 })
    const pts: string[] = [`0 ${VALUES.VDD}`]
    for (let i = 1; i < s.levels.length; i++)
        if (s.levels[i] !== s.levels[i - 1]) {
            const t = i * s.tb
            const [a, b] = s.levels[i] ? [0, VALUES.VDD] : [VALUES.VDD, 0]
            pts.push(`${t.toExponential(6)} ${a}`, `${(t + 5e-9).toExponential(6)} ${b}`)
        }
    return [
        `transmitter ${baud} Bd`,
        MODELS,
        `VDD vdd 0 ${VALUES.VDD}`,
        // U2 output (push-pull, ~25 ohm) follows TX
        `Vtx u2 0 PWL(${pts.join(" ")})`,
        `R3 u2x base ${VALUES.R3}`,
        `Rou u2 u2x 25`,
        `Q3 coll base vdd BC807`,
        `VSENSE coll anode 0`,
        `D1 anode cath IRLED`,
        `R4 cath 0 ${VALUES.R4}`,
        `.tran 0.1u ${s.tEnd.toExponential(6)} 0 0.2u`,
        `.end`,
    ].join("\n")
}

export interface Wave {
    t: number[]
    v: Record<string, number[]>
}

let engine: Promise<Simulation> | undefined

/** Runs a netlist through ngspice (WebAssembly); one engine per process, runs are serialised. */
let queue: Promise<unknown> = Promise.resolve()
export function simulate(netlist: string): Promise<Wave> {
    const run = async () => {
        engine ??= (async () => {
            const sim = new Simulation()
            await sim.start()
            return sim
        })()
        const sim = await engine
        sim.setNetList(netlist)
        const r = await sim.runSim()
        const errors = sim.getError()
        if (r.dataType !== "real") throw new Error("unexpected complex result")
        const time = r.data.find(d => d.type === "time")?.values
        if (!time || time.length < 10) throw new Error(`ngspice gave no transient: ${errors.join("\n")}`)
        const v: Record<string, number[]> = {}
        for (const d of r.data) v[d.name.toLowerCase()] = d.values
        return { t: time, v }
    }
    const p = queue.then(run, run)
    queue = p.catch(() => undefined)
    return p
}

/** Linear interpolation of a waveform at time t. */
export function at(w: Wave, node: string, t: number): number {
    const y = w.v[node]
    if (!y) throw new Error(`no node ${node}; have ${Object.keys(w.v).join(", ")}`)
    let lo = 0, hi = w.t.length - 1
    while (hi - lo > 1) {
        const mid = (lo + hi) >> 1
        if (w.t[mid] <= t) lo = mid
        else hi = mid
    }
    const f = (t - w.t[lo]) / (w.t[hi] - w.t[lo] || 1)
    return y[lo] + (y[hi] - y[lo]) * Math.max(0, Math.min(1, f))
}

export interface EdgeResult extends Edge {
    /** seconds from the light change until RX crossed VIL (light on) or VIH (light off); Infinity = never within the bit */
    delay: number
}

export interface ReceiverResult {
    baud: number
    bitTime: number
    photoCurrent: number
    edges: EdgeResult[]
    /** worst delay per direction, seconds */
    worstFall: number
    worstRise: number
    /** RX low level while lit, and high level while dark (min over the run) */
    lowLevel: number
    highLevel: number
    /** the line as a UART samples it mid-bit, compared with what was sent */
    sampledOk: boolean
}

/** Receiver transient + measurements at the ESP32 thresholds. */
export async function checkReceiver(rx: Receiver, s: Stimulus): Promise<ReceiverResult> {
    const sch = schedule(s)
    const w = await simulate(receiverNetlist(rx, s))
    const y = w.v["v(rx)"]
    const edges: EdgeResult[] = sch.edges.map((e, i) => {
        const tNext = i + 1 < sch.edges.length ? sch.edges[i + 1].t : sch.tEnd
        let delay = Infinity
        for (let k = 0; k < w.t.length; k++) {
            if (w.t[k] < e.t) continue
            if (w.t[k] > tNext) break
            if (e.lightOn ? y[k] <= ESP32.VIL : y[k] >= ESP32.VIH) {
                delay = w.t[k] - e.t
                break
            }
        }
        return { ...e, delay }
    })
    let lowLevel = -Infinity, highLevel = Infinity
    let sampledOk = true
    for (let i = 0; i < sch.levels.length; i++) {
        const v = at(w, "v(rx)", (i + 0.5) * sch.tb)
        const level = sch.levels[i]
        if (level === 0) lowLevel = Math.max(lowLevel, v)
        else if (i > 0) highLevel = Math.min(highLevel, v)
        if (level === 0 ? v > ESP32.VIL : v < ESP32.VIH) sampledOk = false
    }
    const worst = (on: boolean) => Math.max(0, ...edges.filter(e => e.lightOn === on).map(e => e.delay))
    return {
        baud: s.baud,
        bitTime: sch.tb,
        photoCurrent: s.photoCurrent,
        edges,
        worstFall: worst(true),
        worstRise: worst(false),
        lowLevel,
        highLevel,
        sampledOk,
    }
}

export interface TransmitterResult {
    /** LED current with TX low (steady state, end of the longest light bit), amperes */
    ledOn: number
    /** peak LED current over the run */
    ledPeak: number
    /** LED current with TX high (idle) */
    ledOff: number
    /** time from a TX edge until the LED current passed 90 % (on) / 10 % (off) of ledOn */
    worstOnDelay: number
    worstOffDelay: number
    bitTime: number
}

export async function checkTransmitter(baud: number, bits: number[]): Promise<TransmitterResult> {
    const sch = schedule({ baud, bits, photoCurrent: 0 })
    const w = await simulate(transmitterNetlist(baud, bits))
    const iName = Object.keys(w.v).find(k => k.includes("vsense"))
    if (!iName) throw new Error(`no VSENSE current; have ${Object.keys(w.v).join(", ")}`)
    const i = w.v[iName]
    // longest light run: sample its end
    let best = { start: 0, len: 0 }
    for (let k = 0; k < sch.levels.length; ) {
        let j = k
        while (j < sch.levels.length && sch.levels[j] === sch.levels[k]) j++
        if (sch.levels[k] === 0 && j - k > best.len) best = { start: k, len: j - k }
        k = j
    }
    const ledOn = at(w, iName, (best.start + best.len - 0.05) * sch.tb)
    const ledOff = at(w, iName, 0.5 * sch.tb)
    const ledPeak = Math.max(...i)
    const delays = sch.edges.map((e, n) => {
        const tNext = n + 1 < sch.edges.length ? sch.edges[n + 1].t : sch.tEnd
        for (let k = 0; k < w.t.length; k++) {
            if (w.t[k] < e.t) continue
            if (w.t[k] > tNext) break
            if (e.lightOn ? i[k] >= 0.9 * ledOn : i[k] <= 0.1 * ledOn) return { on: e.lightOn, d: w.t[k] - e.t }
        }
        return { on: e.lightOn, d: Infinity }
    })
    const worst = (on: boolean) => Math.max(0, ...delays.filter(d => d.on === on).map(d => d.d))
    return { ledOn, ledPeak, ledOff, worstOnDelay: worst(true), worstOffDelay: worst(false), bitTime: sch.tb }
}

/** The bytes the checks send: "/?!" (a sign-on request) plus 0x55 for single-bit runs. */
export const TEST_BYTES = [0x2f, 0x3f, 0x21, 0x55]
