// Which engine reads the meter: D0 (IEC 62056-21) sessions, SML push sessions,
// or the auto push hunt that tries SML before D0. All of them speak the same
// Engine contract, so the session loop and the publisher do not know which.
import { ReaderMemory } from "../core/memory"
import { Session } from "../core/session"
import { Engine } from "../core/session-types"
import { AutoPushSession, SmlSession } from "../core/sml/session"
import { Config } from "./settings"

export function newEngine(config: Config, memory: ReaderMemory): Engine {
    if (config.protocol === "sml") return new SmlSession()
    const push = config.session.push
    if (config.protocol === "auto" && push !== null && push.uart === null) return new AutoPushSession(config.session, memory)
    return new Session(config.session, memory)
}
