// What the CPU probes (cpu-probe.ts, floor-probe.ts) feed their engine stages into: a sink that
// only counts data sets, and a session already in its data phase at 19200 Bd.
import { Session } from "../../core/session"
import { WatchedEngine } from "../../core/watched"
import { LineTrace } from "../../core/trace"
import { FrameSink } from "../../core/framer"
import { newMemory } from "../../core/memory"
import { defaultSessionConfig } from "../../core/defaults"
import { ByteEngine } from "../../core/session-types"

export class NullSink implements FrameSink {
    n = 0
    identification(): void {}
    dataSet(): void {
        this.n++
    }
    blockEnd(): void {}
    command(): void {}
    control(): void {}
    error(): void {}
}

/** a session at 19200 Bd in its Data phase (wrapped as the firmware runs it when `watched`; `trace`: with the 512-character trace) */
export function dataSession(watched: boolean, trace: boolean): ByteEngine {
    const cfg = defaultSessionConfig()
    cfg.maxBaud = 19200
    const s = new Session(cfg, newMemory())
    const e: ByteEngine = watched ? new WatchedEngine(s, trace ? new LineTrace(512) : null) : s
    let o = e.start(0)
    let t = 0
    while (!o.send.length) o = e.tick((t += 10))
    t += 500
    o = e.receiveBytes(t, Buffer.from("/ABC6BIG\r\n"))
    while (!o.send.length) o = e.tick((t += 10))
    return e
}
