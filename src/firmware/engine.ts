// Which engine reads the meter: D0 (IEC 62056-21) sessions, SML push sessions,
// or the auto push hunt that tries SML before D0. All of them speak the same
// Engine contract, so the session loop and the publisher do not know which.
import { ReaderMemory } from "../core/memory"
import { Session } from "../core/session"
import { ByteEngine } from "../core/session-types"
import { AutoPushSession, SmlSession } from "../core/sml/session"
import { DEFAULT_MAX_TELEGRAM } from "../core/sml/transport"
import { Config } from "./settings"

/** the SML telegram buffer, allocated once when the first session that may read SML starts */
let sml: { buffer: Buffer } = null

export function newEngine(config: Config, memory: ReaderMemory): ByteEngine {
    const push = config.session.push
    const hunt = config.protocol === "auto" && push !== null && push.uart === null
    if (!sml && (hunt || config.protocol === "sml")) sml = { buffer: Buffer.alloc(DEFAULT_MAX_TELEGRAM) }
    if (config.protocol === "sml") return new SmlSession(sml)
    if (hunt) return new AutoPushSession(config.session, memory, sml)
    return new Session(config.session, memory)
}
