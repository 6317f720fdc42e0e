// One reader session against a simulated meter on the virtual line, with what
// the tests and the bench read from it: the accepted data sets, the errors as
// text, the stats and the reader's memory afterwards.
import { Session } from "../core/session"
import { defaultSessionConfig } from "../core/defaults"
import { newMemory, ReaderMemory } from "../core/memory"
import { SessionConfig, SessionEvent, SessionStats } from "../core/session-types"
import { Profile } from "./profiles"
import { SimMeter } from "./meter"
import { expectedData } from "./expected"
import { VirtualLine, LineOptions, LineResult, acceptedDataSets } from "./line"

/** The reader configuration a profile needs (push meters are listened to; addressed meters are addressed). */
export function configFor(p: Profile, over: Partial<SessionConfig> = {}): SessionConfig {
    const c = defaultSessionConfig()
    if (p.mode === "D") c.push = { uart: null }
    if (p.address !== null) c.address = p.address
    return { ...c, ...over }
}

export interface Run extends LineResult {
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
    for (let i = 0; i < r.events.length; i++) {
        const e = r.events[i]
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
