// Whole sessions (the real engine against the simulated meter on the virtual
// line) for the conformance run: the same event log, to the microsecond, in Node
// and in DeviceScript. Small readouts keep each session under the VM's step budget.
import { Session } from "../../src/core/session"
import { defaultSessionConfig } from "../../src/core/defaults"
import { newMemory } from "../../src/core/memory"
import { SessionConfig } from "../../src/core/session-types"
import { parseProfile, SimMeter, VirtualLine } from "../../src/sim/index"

export interface SessionVector {
    name: string
    profile: any
    push: boolean
    programming: string[] | null
}

export const SESSION_VECTORS: SessionVector[] = [
    {
        name: "mode-e-echo",
        profile: { name: "e", source: "conformance", identification: "/ISK5\\2MT372-0002", mode: "C", maxBaud: 9600, dataBlock: "1.8.0(00132.149*kWh)\r\n2.8.0(00000.000*kWh)", quirks: { echo: true } },
        push: false,
        programming: null,
    },
    {
        name: "fast-garble-fallback",
        profile: { name: "f", source: "conformance", identification: "/ISk6MT", mode: "C", maxBaud: 19200, dataBlock: "1.8.0(1.5*kWh)", quirks: { reactionMs: 20, garbleAboveBaud: 9600 } },
        push: false,
        programming: null,
    },
    {
        name: "push-8n1-hunt",
        profile: { name: "p", source: "conformance", identification: "/EBZ5DD3", mode: "D", maxBaud: 9600, dataBlock: "1-0:1.8.0*255(000123.45678901*kWh)", quirks: { frame: "bare", pushFormat: "8N1", pushIntervalMs: 500 } },
        push: true,
        programming: null,
    },
    {
        name: "programming",
        profile: { name: "g", source: "conformance", identification: "/EKT5CE301", mode: "C", maxBaud: 9600, dataBlock: "1.8.0(1*kWh)", registers: { VOLTA: "229.81", ET0PE: "0001234.567" }, password: "777777", quirks: { partialBlockSize: 8 } },
        push: false,
        programming: ["VOLTA", "ET0PE", "NONE"],
    },
]

function us(t: number): string {
    return "" + Math.round(t * 1000)
}

/** Sets a session vector up on a virtual line; advance it with `line.advance(n)` until true, then `sessionLines`. */
export function startSessionVector(v: SessionVector): VirtualLine {
    const p = parseProfile(v.profile)
    // the configuration these logs were recorded with (19200 Bd allowed, 3 retries), written out so that a change of the device defaults cannot change them
    const cfg: SessionConfig = { ...defaultSessionConfig(), maxBaud: 19200, maxRetries: 3 }
    if (v.push) cfg.push = { uart: null }
    if (v.programming !== null) cfg.programming = { password: p.password, registers: v.programming, command: "R1" }
    const line = new VirtualLine(new SimMeter(p, 0), { trace: false })
    line.begin(new Session(cfg, newMemory()), 0)
    return line
}

export function sessionLines(v: SessionVector, line: VirtualLine): string[] {
    const r = line.result()
    const lines: string[] = []
    for (let i = 0; i < r.events.length; i++) {
        const e = r.events[i].event
        let s = `${v.name} ${us(r.events[i].at)} ${e.type}`
        if (e.type === "dataSet") s += " " + e.dataSet.address + "=" + e.dataSet.values[0].text
        else if (e.type === "register") s += " " + e.address + "=" + e.dataSet.values[0].text
        else if (e.type === "readout") s += " " + e.ok
        else if (e.type === "error") s += " " + e.error.kind + ": " + e.error.message
        else if (e.type === "identification") s += " " + e.identification.manufacturer + " " + e.identification.mode
        else if (e.type === "finished") s += ` ${e.ok} dur=${us(e.stats.durationMs)} min=${us(e.stats.lineMinimumMs)} baud=${e.stats.baud} retries=${e.stats.retries}`
        lines.push(s)
    }
    lines.push(`${v.name} calls=${r.calls} ok=${r.ok}`)
    return lines
}

/** The whole session at once (Node). */
export function runSessionVector(v: SessionVector): string[] {
    const line = startSessionVector(v)
    while (!line.advance(100000)) {}
    return sessionLines(v, line)
}
