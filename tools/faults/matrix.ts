// The fault matrix: every shipped profile × every line or meter fault, through
// the session engine in virtual time. One poll suffers the fault; the polls
// after it run on a healthy line with the same reader memory, as the firmware
// would. Each cell counts the values accepted that the meter never sent (must
// be 0), whether the next poll read everything, and how many polls it took.
import { Session } from "../../src/core/session"
import { newMemory, ReaderMemory } from "../../src/core/memory"
import { Engine, Output } from "../../src/core/session-types"
import { RX_FRAMING_ERROR } from "../../src/core/types"
import { SimMeter } from "../../src/sim/meter"
import { Profile } from "../../src/sim/profiles"
import { VirtualLine, LineOptions, acceptedDataSets } from "../../src/sim/line"
import { configFor } from "../../src/sim/run"
import { expectedFromBlock } from "../../src/sim/expected"
import { heldSize, notInTruth, SESSION_BOUND } from "../fuzz/fuzz-core"

/** What the faulty poll changes: the meter (a quirk for this poll), the line, or what the reader receives. */
interface FaultPlan {
    meter?: (p: Profile) => Profile | null
    line?: (spot: Spot, p: Profile) => LineOptions | null
    /** characters handed to the engine before the real ones on its first receive */
    garbage?: number
}

/** Where the first poll's data is, from a clean run: the middle data character and its time. */
interface Spot {
    midIndex: number
    midAt: number
    lastIndex: number
}

const polled = (p: Profile) => p.mode !== "D"
const ackModes = (p: Profile) => p.mode === "C" || p.mode === "E"

export const FAULTS: Record<string, FaultPlan> = {
    "parity error": { meter: p => ({ ...p, quirks: { ...p.quirks, parityErrorAt: 5 } }) },
    "BCC flip": { meter: p => (p.mode === "D" && p.quirks.frame === "bare" ? null : { ...p, quirks: { ...p.quirks, corruptBcc: true } }) },
    "dropped byte": { line: s => ({ dropMeterChars: [s.midIndex] }) },
    "duplicated byte": { line: s => ({ duplicateMeterChars: [s.midIndex] }) },
    "noise burst": { line: s => ({ noise: [{ at: s.midAt, ms: 150 }] }) },
    "no reply": { line: () => ({ noReply: true }) },
    // the standard's tr window is 1500 ms at most
    "reply after window": { meter: p => (polled(p) ? { ...p, quirks: { ...p.quirks, reactionMs: 2200 } } : null) },
    // an ack the meter never takes (window over before our ack starts): it stays at 300 Bd or goes silent
    "ignores baud switch": { meter: p => (ackModes(p) && p.maxBaud > 300 ? { ...p, quirks: { ...p.quirks, ackWindowMs: 1 } } : null) },
    "1 MB garbage": { garbage: 1 << 20 },
    "stop mid-block": { line: s => ({ dropMeterChars: range(s.midIndex, s.lastIndex + 4000) }) },
    "echo on": { line: (_, p) => (p.quirks.echo ? null : { echo: true }) },
    "echo off": { line: (_, p) => (p.quirks.echo ? { echo: false } : null) },
}

function range(a: number, b: number): number[] {
    const out: number[] = []
    for (let i = a; i < b; i++) out.push(i)
    return out
}

/** Feeds `n` characters of garbage (framing errors and random 7-bit text) on the first receive, checking the engine's state stays bounded. */
class Garbage implements Engine {
    maxHeld = 0
    constructor(private s: Session, private n: number) {}
    start(now: number): Output {
        return this.s.start(now)
    }
    tick(now: number): Output {
        return this.s.tick(now)
    }
    receive(now: number, chars: number[]): Output {
        if (this.n > 0) {
            let x = 0x9e3779b9
            const chunk: number[] = []
            while (this.n > 0) {
                chunk.length = 0
                for (let i = 0; i < 1024 && this.n > 0; i++, this.n--) {
                    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
                    chunk.push(x >>> 31 ? (x >>> 8) & 0x7f : ((x >>> 8) & 0x7f) | RX_FRAMING_ERROR)
                }
                this.s.receive(now, chunk)
                this.maxHeld = Math.max(this.maxHeld, heldSize(this.s, ["out", "sink"]))
                if (this.maxHeld > SESSION_BOUND) throw new Error(`session holds ${this.maxHeld} during the garbage`)
            }
        }
        return this.s.receive(now, chars)
    }
}

export interface Cell {
    fault: string
    profile: string
    applies: boolean
    /** values accepted over all polls that the meter did not send */
    wrong: number
    /** the poll right after the faulty one read every value */
    recoveredNext: boolean
    /** polls after the faulty one until one read every value (0 = the faulty poll itself still read them; -1 = not within 5) */
    toRecover: number
    /** the push frame has no BCC: a fault inside it cannot be detected */
    unchecked: boolean
}

const POLL_MS = 60000
const MAX_AFTER = 5

function truthOf(p: Profile) {
    return expectedFromBlock(p.dataBlock).dataSets.map(d => ({ address: d.address, values: d.values.map(v => v.raw) }))
}

function complete(acc: { address: string; values: string[] }[], truth: { address: string; values: string[] }[]): boolean {
    return acc.length >= truth.length && notInTruth(acc, truth).length === 0
}

function spotOf(p: Profile): Spot {
    const line = new VirtualLine(new SimMeter(p, 0), { trace: true })
    const r = line.run(new Session(configFor(p), newMemory()), 0)
    const meter = r.trace.filter(e => e.kind === "char" && e.dir === "meter") as { at: number; char: number }[]
    // the data of the readout that ended the clean session (a push hunt hears garbled frames first):
    // after the last identification's STX (or, bare push, its first line)
    const ident = meter.map(c => c.char).lastIndexOf(0x2f)
    let start = meter.findIndex((c, i) => i > ident && c.char === 0x02)
    if (start < 0) start = meter.findIndex((c, i) => i > ident && c.char === 0x0a)
    let end = meter.findIndex((c, i) => i > start && (c.char === 0x03 || c.char === 0x21))
    if (end < 0) end = meter.length - 1
    const mid = (start + end) >> 1
    return { midIndex: mid, midAt: meter[mid].at - 1, lastIndex: meter.length }
}

export function runCell(p: Profile, fault: string): Cell {
    const plan = FAULTS[fault]
    const cell: Cell = { fault, profile: p.name, applies: true, wrong: 0, recoveredNext: false, toRecover: -1, unchecked: p.mode === "D" && p.quirks.frame === "bare" }
    const faulty = plan.meter ? plan.meter(p) : p
    const lineOpts = plan.line ? plan.line(spotOf(p), p) : {}
    if (faulty === null || lineOpts === null) return { ...cell, applies: false }
    const truth = truthOf(p)
    const memory: ReaderMemory = newMemory()
    const config = configFor(p)
    // one meter for the polls after the fault (it keeps its push timing and sleep state); the faulty poll has its own
    const healthy = new SimMeter(p, 0)
    let now = 0
    for (let poll = 0; poll <= MAX_AFTER; poll++) {
        const meter = poll === 0 ? new SimMeter(faulty, 0) : healthy
        const opts: LineOptions = poll === 0 ? { ...lineOpts, trace: false } : { trace: false }
        opts.timeLimitMs = now + 600000
        const session = new Session(config, memory)
        const engine = poll === 0 && plan.garbage ? new Garbage(session, plan.garbage) : session
        const r = new VirtualLine(meter, opts).run(engine, now)
        const acc = acceptedDataSets(r.events)
        cell.wrong += notInTruth(acc, truth).length
        const ok = complete(acc, truth)
        if (poll === 1) cell.recoveredNext = ok || cell.toRecover === 0
        if (ok && cell.toRecover < 0) cell.toRecover = poll
        // the next poll: POLL_MS after this one started (a push meter is listened to again at once)
        now = p.mode === "D" ? r.endMs + 10 : Math.max(now + POLL_MS, r.endMs + 10)
        if (poll >= 1 && cell.toRecover >= 0) break
    }
    return cell
}

export function runMatrix(profiles: Profile[], faults = Object.keys(FAULTS)): Cell[] {
    const out: Cell[] = []
    for (const f of faults) for (const p of profiles) out.push(runCell(p, f))
    return out
}

/** The table as text: one row per fault, one column per profile, "wrong/next/polls" per cell. */
export function formatMatrix(cells: Cell[], names: string[]): string {
    const faults = [...new Set(cells.map(c => c.fault))]
    const short = names.map(n => n.split(/[ (]/)[0].slice(0, 10))
    const w = 10
    let s = "fault".padEnd(20) + short.map(n => n.padStart(w)).join("") + "\n"
    for (const f of faults) {
        s += f.padEnd(20)
        for (const n of names) {
            const c = cells.find(x => x.fault === f && x.profile === n)!
            const t = !c.applies ? "n/a" : `${c.wrong}${c.unchecked && c.wrong ? "!" : ""}/${c.recoveredNext ? "y" : "N"}/${c.toRecover < 0 ? ">5" : c.toRecover}`
            s += t.padStart(w)
        }
        s += "\n"
    }
    return s
}
