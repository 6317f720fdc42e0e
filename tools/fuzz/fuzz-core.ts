// Fuzzing the decoder core (Framer) and the session engine (against SimMeter on
// the virtual line) with fast-check. Shared by `npm run fuzz` and test/fuzz.test.ts.
//
// Oracles, checked on every case:
//  - nothing throws;
//  - the state the framer/engine holds stays under a fixed bound, measured after
//    every chunk (so a flood cannot grow it);
//  - a value reported as intact (its block ended ok) equals the ground truth of
//    the telegram it came from (src/sim/expected.ts's own splitter).
// The value oracle is applied only where the protocol can promise it: a BCC is an
// XOR, so two faults in one block can cancel (two dropped "0"s), and a bare push
// frame has no BCC at all. Cases with one fault in a BCC-protected block get the
// value oracle; cases with many faults get the first two.
import fc from "fast-check"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { decode7E1, encode7E1 } from "../../src/core/bytes"
import { Framer, FrameSink, BlockEnd } from "../../src/core/framer"
import { Session } from "../../src/core/session"
import { newMemory } from "../../src/core/memory"
import { Engine, Output, SessionConfig } from "../../src/core/session-types"
import { CoreError, DataSet, Identification, Mode } from "../../src/core/types"
import { expectedFromBlock } from "../../src/sim/expected"
import { SimMeter } from "../../src/sim/meter"
import { Profile } from "../../src/sim/profiles"
import { VirtualLine, LineOptions, acceptedDataSets } from "../../src/sim/line"
import { configFor } from "../../src/sim/run"
import { profileFiles, readProfile } from "../profile-files"

/** Strings and array slots held by an object graph: the state a parser or engine keeps. `skip` names fields that are not the object's own state (its sink, the output of the last call). */
export function heldSize(root: unknown, skip: string[]): number {
    const seen = new Set<unknown>()
    const walk = (v: unknown, depth: number): number => {
        if (typeof v === "string") return v.length
        if (v === null || typeof v !== "object" || seen.has(v) || depth > 8) return 0
        seen.add(v)
        let n = 0
        if (Array.isArray(v)) {
            n += v.length
            for (const x of v) n += walk(x, depth + 1)
            return n
        }
        for (const k of Object.keys(v as object)) if (!skip.includes(k)) n += walk((v as Record<string, unknown>)[k], depth + 1)
        return n
    }
    return walk(root, 0)
}

/** Largest state the framer may hold: a block's kept text, one line at the parser's line cap with its data sets, a command, an identification. */
export const FRAMER_BOUND = 6000
/** Largest state a session may hold besides its framer: the echo filter's pending characters, stats, memory. */
export const SESSION_BOUND = 12000

/** A known-good telegram: 7-bit characters as received, the wire bytes they came in, and its data sets by the independent splitter. */
export interface Telegram {
    name: string
    /** 8N1 bytes as the head delivers them (7E1: parity in bit 7) */
    wire: number[]
    /** the wire is 7E1 (decode7E1 applies) */
    sevenE1: boolean
    /** the block carries a BCC (bare push frames do not) */
    checked: boolean
    truth: { address: string; values: string[] }[]
}

function truthOf(block: string) {
    return expectedFromBlock(block).dataSets.map(d => ({ address: d.address, values: d.values.map(v => (v.unit === "" ? v.text : v.raw)) }))
}

/** What a profile's meter sends in one readout, taken off a clean session's trace. */
export function profileTelegram(p: Profile): Telegram {
    const line = new VirtualLine(new SimMeter(p, 0), { trace: true })
    const r = line.run(new Session(configFor(p), newMemory()), 0)
    const wire: number[] = []
    let sevenE1 = true
    for (const e of r.trace) {
        if (e.kind !== "char" || e.dir !== "meter") continue
        if (e.format === "8N1") sevenE1 = false
        wire.push(e.format === "7E1" ? encode7E1(e.char) : e.char & 0x7f)
    }
    // a session may hold an earlier, garbled readout (fallback): keep the last sign-on's answer only
    if (p.mode !== "D") {
        const stx = wire.map(b => b & 0x7f).lastIndexOf(0x02)
        const ident = wire.map(b => b & 0x7f).lastIndexOf(0x2f, stx)
        wire.splice(0, ident)
    }
    // push meters repeat the frame: keep one
    if (p.mode === "D") {
        const chars = wire.map(b => b & 0x7f)
        const first = chars.indexOf(0x2f)
        const second = chars.indexOf(0x2f, first + 1)
        wire.splice(0, first)
        if (second > first) wire.length = second - first
    }
    return { name: p.name, wire, sevenE1, checked: !(p.mode === "D" && p.quirks.frame === "bare"), truth: truthOf(p.dataBlock) }
}

/** The intact captures in test/captures, with their data block split independently. */
export function captureTelegrams(root: string): Telegram[] {
    const out: Telegram[] = []
    for (const [file, sevenE1] of [["iskra-mt372-8n1.bin", true], ["iskra-mt372-7bit.bin", false]] as const) {
        const bytes = [...readFileSync(join(root, "test", "captures", file))]
        const chars = bytes.map(b => b & 0x7f)
        const stx = chars.indexOf(0x02)
        const bang = chars.lastIndexOf(0x21)
        const block = String.fromCharCode(...chars.slice(stx + 1, bang))
        out.push({ name: file, wire: bytes, sevenE1, checked: true, truth: truthOf(block) })
    }
    return out
}

export function allTelegrams(root: string): { telegrams: Telegram[]; profiles: Profile[] } {
    const profiles = profileFiles().map(f => readProfile(f))
    return { telegrams: [...profiles.map(profileTelegram), ...captureTelegrams(root)], profiles }
}

// ---------------------------------------------------------------- decode

/** One mutation of a byte string; positions are fractions so that they shrink toward the start. */
export type Mutation =
    | { kind: "flip"; at: number; bit: number }
    | { kind: "insert"; at: number; byte: number }
    | { kind: "delete"; at: number }
    | { kind: "dup"; at: number }
    | { kind: "garbage"; at: number; bytes: number[] }

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(1 << 20), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(1 << 20), byte: fc.nat(255) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(1 << 20) }),
    fc.record({ kind: fc.constant("dup" as const), at: fc.nat(1 << 20) }),
    fc.record({ kind: fc.constant("garbage" as const), at: fc.nat(1 << 20), bytes: fc.array(fc.nat(255), { minLength: 1, maxLength: 300 }) }),
)

export function mutate(wire: number[], ms: Mutation[]): number[] {
    const w = wire.slice()
    for (const m of ms) {
        const at = w.length === 0 ? 0 : m.at % (m.kind === "insert" || m.kind === "garbage" ? w.length + 1 : w.length)
        if (m.kind === "flip") w[at] ^= 1 << m.bit
        else if (m.kind === "insert") w.splice(at, 0, m.byte)
        else if (m.kind === "delete") w.splice(at, 1)
        else if (m.kind === "dup") w.splice(at, 0, w[at])
        else w.splice(at, 0, ...m.bytes)
    }
    return w
}

/** Accepts data sets the way the firmware does: provisional until their block ends ok. */
class Acceptor implements FrameSink {
    accepted: { address: string; values: string[] }[] = []
    pending: { address: string; values: string[] }[] = []
    identification(_: Identification): void {}
    dataSet(d: DataSet): void {
        this.pending.push({ address: d.address, values: d.values.map(v => (v.unit === null || v.unit === "" ? v.text : v.text + "*" + v.unit)) })
        if (this.pending.length > 10000) throw new Error("pending data sets grow without bound")
    }
    blockEnd(_: BlockEnd, ok: boolean): void {
        if (ok) this.accepted.push(...this.pending)
        this.pending = []
    }
    command(): void {}
    control(): void {}
    error(_: CoreError): void {}
}

/** The decoder's core over `chars` in chunks of the given sizes (cycled); returns what it accepted and the largest state seen. */
export function decodeChunked(chars: number[], chunks: number[]): { accepted: { address: string; values: string[] }[]; maxHeld: number } {
    const sink = new Acceptor()
    const f = new Framer(sink)
    let maxHeld = 0
    let i = 0
    let k = 0
    while (i < chars.length) {
        const n = Math.max(1, chunks.length ? chunks[k++ % chunks.length] : chars.length)
        f.pushAll(chars.slice(i, i + n))
        i += n
        const held = heldSize(f, ["sink"])
        if (held > maxHeld) maxHeld = held
        if (held > FRAMER_BOUND) throw new Error(`framer holds ${held} > ${FRAMER_BOUND} after ${i} characters`)
    }
    f.end()
    return { accepted: sink.accepted, maxHeld }
}

export function toChars(t: { sevenE1: boolean }, wire: number[]): number[] {
    return t.sevenE1 ? wire.map(b => decode7E1(b & 0xff)) : wire.map(b => b & 0x7f)
}

// an empty unit ("013925.5*") is no unit, as in diffDataSets
const noEmptyUnit = (v: string) => (v.endsWith("*") ? v.slice(0, -1) : v)
const key = (d: { address: string; values: string[] }) => d.address + "\u0000" + d.values.map(noEmptyUnit).join("\u0001")

/** The value oracle: every accepted data set is one of the truth's. */
export function notInTruth(accepted: { address: string; values: string[] }[], truth: { address: string; values: string[] }[]): string[] {
    const ok = new Set(truth.map(key))
    return accepted.filter(d => !ok.has(key(d))).map(d => `${d.address}(${d.values.join(")(")})`)
}

export type DecodeCase =
    | { kind: "mutated"; base: number; muts: Mutation[]; chunks: number[] }
    | { kind: "splice"; a: number; b: number; cutA: number; cutB: number; chunks: number[] }
    | { kind: "random"; bytes: number[]; chunks: number[] }
    | { kind: "flood"; byte: number; n: number; base: number }

// chunk sizes as a polling driver sees them; the state is measured after each chunk
const chunksArb = fc.array(fc.integer({ min: 1, max: 160 }), { maxLength: 3 })

export function decodeCaseArb(nTelegrams: number): fc.Arbitrary<DecodeCase> {
    return fc.oneof(
        { weight: 12, arbitrary: fc.record({ kind: fc.constant("mutated" as const), base: fc.nat(nTelegrams - 1), muts: fc.array(mutationArb, { minLength: 1, maxLength: 6 }), chunks: chunksArb }) },
        { weight: 4, arbitrary: fc.record({ kind: fc.constant("splice" as const), a: fc.nat(nTelegrams - 1), b: fc.nat(nTelegrams - 1), cutA: fc.nat(1 << 20), cutB: fc.nat(1 << 20), chunks: chunksArb }) },
        { weight: 3, arbitrary: fc.record({ kind: fc.constant("random" as const), bytes: fc.array(fc.nat(255), { maxLength: 400 }), chunks: chunksArb }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant("flood" as const), byte: fc.nat(255), n: fc.integer({ min: 500, max: 3000 }), base: fc.nat(nTelegrams - 1) }) },
    )
}

/** Line starts (just after LF) inside a telegram's data. */
function lineCuts(w: number[]): number[] {
    const out: number[] = []
    for (let i = 0; i < w.length; i++) if ((w[i] & 0x7f) === 0x0a) out.push(i + 1)
    return out
}

/** Runs one decode case; throws (with what went wrong) when an oracle fails. */
export function checkDecodeCase(ts: Telegram[], c: DecodeCase): void {
    if (c.kind === "mutated") {
        const t = ts[c.base]
        const wire = mutate(t.wire, c.muts)
        const r = decodeChunked(toChars(t, wire), c.chunks)
        // one damaged byte in a BCC-protected 7E1 block is always caught: parity for a flip, the BCC
        // otherwise; a burst of several bytes is not (two equal characters cancel in the XOR)
        const single = c.muts.length === 1 && (c.muts[0].kind !== "garbage" || c.muts[0].bytes.length === 1)
        if (single && t.checked && t.sevenE1) {
            const bad = notInTruth(r.accepted, t.truth)
            if (bad.length) throw new Error(`accepted values not sent by the meter: ${bad.join(", ")}`)
        }
    } else if (c.kind === "splice") {
        const A = ts[c.a], B = ts[c.b]
        if (A.sevenE1 !== B.sevenE1) return
        // at line boundaries, so that every line is one meter's; a coincidental BCC may then pass, but only with real lines of A or B
        const ca = lineCuts(A.wire), cb = lineCuts(B.wire)
        if (!ca.length || !cb.length) return
        const wire = [...A.wire.slice(0, ca[c.cutA % ca.length]), ...B.wire.slice(cb[c.cutB % cb.length])]
        const r = decodeChunked(toChars(A, wire), c.chunks)
        if (A.checked && B.checked) {
            const bad = notInTruth(r.accepted, [...A.truth, ...B.truth])
            if (bad.length) throw new Error(`accepted values of neither telegram: ${bad.join(", ")}`)
        }
    } else if (c.kind === "random") {
        decodeChunked(c.bytes.map(b => decode7E1(b)), c.chunks)
    } else {
        // a flood of one byte, then a good telegram: the flood must neither grow the state nor stop the next telegram's values
        const t = ts[c.base]
        const flood = new Array<number>(c.n).fill(c.byte)
        const r = decodeChunked(toChars(t, [...flood, ...t.wire]), [257])
        if (t.checked) {
            const bad = notInTruth(r.accepted, t.truth)
            if (bad.length) throw new Error(`after a flood, accepted values not sent by the meter: ${bad.join(", ")}`)
        }
    }
}

// ---------------------------------------------------------------- engine

/** An engine that checks the session's held state after every call. */
class Watched implements Engine {
    maxHeld = 0
    constructor(private s: Session) {}
    private prev = -1
    private check(o: Output): Output {
        // security: whatever the settings and the meter do, the reader never sends a write (W1, W2, W5…)
        // or execute (E1, E2…) command: SOH followed by W or E
        for (const c of o.send) {
            if (this.prev === 0x01 && (c === 0x57 || c === 0x45)) throw new Error(`the reader sent SOH ${String.fromCharCode(c)}: a write/execute command`)
            this.prev = c
        }
        const held = heldSize(this.s, ["out", "sink"])
        if (held > this.maxHeld) this.maxHeld = held
        if (held > SESSION_BOUND) throw new Error(`session holds ${held} > ${SESSION_BOUND}`)
        return o
    }
    start(now: number): Output {
        return this.check(this.s.start(now))
    }
    receive(now: number, chars: number[]): Output {
        return this.check(this.s.receive(now, chars))
    }
    tick(now: number): Output {
        return this.check(this.s.tick(now))
    }
}

export interface EngineCase {
    profile: number
    /** faults on the line: at most one meter character dropped or duplicated, noise bursts */
    drop: number | null
    dup: number | null
    noise: { at: number; ms: number }[]
    echo: boolean | null
    chunkMs: number
    config: { maxBaud: number; forceBaud: number | null; forceMode: Mode | null; wakeup: "auto" | "always" | "never"; fallback: boolean; maxRetries: number; requestChar: string; programming: { password: string | null; registers: string[]; command: "R1" | "R5" } | null }
    sessions: number
}

const BAUDS = [300, 600, 1200, 2400, 4800, 9600, 19200]
// what PROG_REGS accepts (src/firmware/settings.ts): printable ASCII without ( ) ! /; the engine
// itself does not refuse control characters in a register, so this boundary is the settings'
const settingText = fc.string({ maxLength: 16 }).filter(t => !/[()!/]/.test(t) && !/[^\x20-\x7e]/.test(t))

export function engineCaseArb(nProfiles: number): fc.Arbitrary<EngineCase> {
    return fc.record({
        profile: fc.nat(nProfiles - 1),
        drop: fc.option(fc.nat(2000), { freq: 3 }),
        dup: fc.option(fc.nat(2000), { freq: 3 }),
        noise: fc.array(fc.record({ at: fc.nat(30000), ms: fc.integer({ min: 1, max: 400 }) }), { maxLength: 2 }),
        echo: fc.option(fc.boolean()),
        chunkMs: fc.constantFrom(0, 0, 10, 50),
        config: fc.record({
            maxBaud: fc.constantFrom(...BAUDS),
            forceBaud: fc.option(fc.constantFrom(...BAUDS), { freq: 4 }),
            forceMode: fc.option(fc.constantFrom<Mode>("A", "B", "C", "D", "E"), { freq: 6 }),
            wakeup: fc.constantFrom("auto" as const, "always" as const, "never" as const),
            fallback: fc.boolean(),
            maxRetries: fc.nat(3),
            requestChar: fc.constantFrom("?", "?", "2", "#", "W", "E"),
            // programming-mode reads with any register text, even text that looks like a command
            programming: fc.option(fc.record({ password: fc.option(fc.string({ maxLength: 12 })), registers: fc.array(fc.oneof(fc.constantFrom("1.8.0", "0.0.0", "W1", "E2", "C.1.0"), settingText), { maxLength: 3 }), command: fc.constantFrom("R1" as const, "R5" as const) }), { freq: 5 }),
        }),
        sessions: fc.integer({ min: 1, max: 2 }),
    })
}

/**
 * Sessions against the simulated meter with the case's faults. At most one
 * dropped and one duplicated character: both in one block could cancel in the BCC.
 * Values of bare push frames (no BCC) are not held to the truth: see the file header.
 */
export function checkEngineCase(profiles: Profile[], c: EngineCase): { maxHeld: number; accepted: number } {
    const p = profiles[c.profile]
    const faults = (c.drop !== null ? 1 : 0) + (c.dup !== null ? 1 : 0) + (c.noise.length ? 1 : 0)
    const meter = new SimMeter(p, 0)
    const opts: LineOptions = { trace: false, chunkMs: c.chunkMs, timeLimitMs: 0 }
    if (c.drop !== null) opts.dropMeterChars = [c.drop]
    if (c.dup !== null) opts.duplicateMeterChars = [c.dup]
    if (c.noise.length) opts.noise = c.noise
    if (c.echo !== null) opts.echo = c.echo
    const line = new VirtualLine(meter, opts)
    const config: SessionConfig = configFor(p, { ...c.config, forceMode: p.mode === "D" ? null : c.config.forceMode })
    const memory = newMemory()
    const truth = truthOf(p.dataBlock)
    let now = 0
    let maxHeld = 0
    let accepted = 0
    for (let s = 0; s < c.sessions; s++) {
        const w = new Watched(new Session(config, memory))
        line.opts.timeLimitMs = now + 600000
        const r = line.run(w, now)
        maxHeld = Math.max(maxHeld, w.maxHeld)
        const acc = acceptedDataSets(r.events)
        accepted += acc.length
        const checked = !(p.mode === "D" && p.quirks.frame === "bare")
        if (checked && faults <= 1 && config.requestChar === "?" && config.programming === null) {
            const bad = notInTruth(acc, truth)
            if (bad.length) throw new Error(`session ${s + 1} accepted values the meter did not send: ${bad.join(", ")}`)
        }
        if (r.stalled) throw new Error(`session ${s + 1} stalled (a deadline in the past again and again)`)
        now = r.endMs + 1000
    }
    return { maxHeld, accepted }
}
