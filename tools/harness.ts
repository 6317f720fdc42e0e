// Runs the engine against a simulated meter on the virtual line.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Session, defaultSessionConfig } from "../src/core/session"
import { newMemory, ReaderMemory } from "../src/core/memory"
import { SessionConfig, SessionEvent, SessionStats } from "../src/core/session-types"
import { loadProfile, Profile, SimMeter, VirtualLine, LineOptions, LineResult, acceptedDataSets, expectedData } from "../src/sim/index"

export const PROFILE_DIR = process.env.OPTO_PROFILES ?? join(__dirname, "..", "test", "profiles")

export function profileFiles(): string[] {
    return readdirSync(PROFILE_DIR).filter(f => f.endsWith(".json")).sort()
}

export function readProfile(file: string): Profile {
    return loadProfile(JSON.parse(readFileSync(join(PROFILE_DIR, file), "utf8")))
}

/** A profile from the essentials; the rest defaults. */
export function profile(p: Record<string, unknown>): Profile {
    return loadProfile({ name: "test", source: "unit test", ...p })
}

/** The reader configuration a profile needs (push meters are listened to; addressed meters are addressed). */
export function configFor(p: Profile, over: Partial<SessionConfig> = {}): SessionConfig {
    const c = defaultSessionConfig()
    if (p.mode === "D") c.push = { uart: null }
    if (p.address !== null) c.address = p.address
    return { ...c, ...over }
}

export interface Run extends LineResult {
    events: LineResult["events"]
    stats: SessionStats | null
    accepted: { address: string; values: string[] }[]
    errors: string[]
    memory: ReaderMemory
}

export function runSession(p: Profile, config: SessionConfig, opts: LineOptions = {}, memory: ReaderMemory = newMemory(), meter?: SimMeter, startMs = 0): Run {
    const m = meter ?? new SimMeter(p, 0)
    const line = new VirtualLine(m, opts)
    const r = line.run(new Session(config, memory), startMs)
    let stats: SessionStats | null = null
    const errors: string[] = []
    for (const e of r.events) {
        if (e.event.type === "finished") stats = e.event.stats
        if (e.event.type === "error") errors.push(`${e.event.error.kind}: ${e.event.error.message}`)
    }
    return { ...r, stats, accepted: acceptedDataSets(r.events), errors, memory }
}

/** The data sets a profile should yield, in the form acceptedDataSets uses. */
export function expectedSets(p: Profile, requestChar?: string): { address: string; values: string[] }[] {
    return expectedData(p, requestChar).dataSets.map(d => ({ address: d.address, values: d.values.map(v => v.raw) }))
}

export function eventsOf(r: LineResult, type: SessionEvent["type"]) {
    return r.events.filter(e => e.event.type === type)
}
