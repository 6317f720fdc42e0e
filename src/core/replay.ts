// Replays a line trace (trace.ts) into a fresh engine: what the reader received
// arrives again at its recorded times, so a trace a user posts reproduces their
// session here. What the reader sent is not replayed (the engine sends its own)
// but tells the replay what the reader was configured for: a trace without any
// transmitted character is a push meter, listened to at the recorded settings.
import { defaultSessionConfig } from "./defaults"
import { newMemory } from "./memory"
import { Session } from "./session"
import { SessionConfig, SessionEvent } from "./session-types"
import { charMs } from "./timing"
import { TraceBurst } from "./trace"

/** engine calls after the last recorded character, to let pending timers run out */
const MAX_TAIL_TICKS = 100

export interface Replayed {
    events: SessionEvent[]
    config: SessionConfig
}

/** The session configuration a trace implies: the highest received baud as MAX_BAUD; no transmission = push. */
export function configForTrace(bursts: TraceBurst[]): SessionConfig {
    const c = defaultSessionConfig()
    let tx = false
    let maxRx = 300
    for (let i = 0; i < bursts.length; i++) {
        if (bursts[i].dir === "TX") tx = true
        else if (bursts[i].baud > maxRx) maxRx = bursts[i].baud
    }
    if (!tx) {
        const first = bursts.find(b => b.dir === "RX")
        c.push = { uart: first !== undefined ? { baud: first.baud, format: first.format } : null }
    }
    c.maxBaud = maxRx
    return c
}

/** Feeds every received character at its time into a new Session; never throws. */
export function replayTrace(bursts: TraceBurst[], config?: SessionConfig): Replayed {
    const cfg = config !== undefined ? config : configForTrace(bursts)
    const engine = new Session(cfg, newMemory())
    const events: SessionEvent[] = []
    const rxTimes: number[] = []
    const rxChars: number[] = []
    for (let i = 0; i < bursts.length; i++) {
        const b = bursts[i]
        if (b.dir !== "RX") continue
        const ms = charMs(b.baud)
        for (let k = 0; k < b.chars.length; k++) {
            rxTimes.push(b.t + k * ms)
            rxChars.push(b.chars[k])
        }
    }
    let out = engine.start(0)
    let done = false
    const take = (evs: SessionEvent[]) => {
        for (let i = 0; i < evs.length; i++) {
            events.push(evs[i])
            if (evs[i].type === "finished") done = true
        }
    }
    take(out.events)
    let i = 0
    let tail = 0
    while (!done) {
        if (i < rxChars.length && (out.deadline === null || rxTimes[i] <= out.deadline)) {
            const t = rxTimes[i]
            // characters that completed at the same instant go in together, as a driver delivers them
            const batch: number[] = []
            while (i < rxChars.length && rxTimes[i] === t) batch.push(rxChars[i++])
            out = engine.receive(t, batch)
        } else if (out.deadline !== null) {
            if (i >= rxChars.length && ++tail > MAX_TAIL_TICKS) break
            out = engine.tick(out.deadline)
        } else break
        take(out.events)
    }
    return { events: events, config: cfg }
}
