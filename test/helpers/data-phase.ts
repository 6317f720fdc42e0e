// A mode C meter offering 19200 Bd, driven by hand: the sign-on up to the data phase, for tests
// that feed the data block themselves (falling behind, the native service's slow consumer).
import { newMemory, ReaderMemory } from "../../src/core/memory"
import { Session } from "../../src/core/session"
import { defaultSessionConfig } from "../../src/core/defaults"
import { ByteEngine, Output, SessionEvent } from "../../src/core/session-types"

export interface SignedOn {
    /** the time the data may start from (the response timeout runs 1000 ms beyond it) */
    t: number
    events: SessionEvent[]
    /** what the reader sent: the request, then the option select */
    sent: number[][]
}

/** Signs `e` on to a meter identifying as /ABC6BIG (19200 Bd offered); returns when the option select is out. */
export function signOn(e: ByteEngine): SignedOn {
    const events: SessionEvent[] = []
    const sent: number[][] = []
    const take = (o: Output) => {
        events.push(...o.events)
        if (o.send.length) sent.push(o.send)
        return o
    }
    let o = take(e.start(0))
    o = take(e.tick(o.deadline!)) // the request
    o = take(e.receiveBytes(1000, Buffer.from("/ABC6BIG\r\n", "latin1")))
    o = take(e.tick(o.deadline!)) // the option select
    return { t: o.deadline! - 1000, events, sent }
}

/** A session allowed 19200 Bd (the device default is 9600), signed on, with the reader's memory given. */
export function toDataPhase(memory: ReaderMemory = newMemory()): SignedOn & { s: Session } {
    const s = new Session({ ...defaultSessionConfig(), maxBaud: 19200 }, memory)
    return { s, ...signOn(s) }
}

/** The kinds of the error events, in order. */
export const errorKinds = (evs: SessionEvent[]) => evs.filter(e => e.type === "error").map(e => (e.type === "error" ? e.error.kind : ""))
