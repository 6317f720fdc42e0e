// Floor probe (profiling aid, not part of the device image; host: tools/bench/cpu-probe.ts):
//   npx tsx tools/bench/cpu-probe.ts src/sim/probe/floor-probe.ts
// What ANY D0 reader written in DeviceScript must spend per received byte, built up one step at a
// time on the CPU bench's own data lines (1.8.N(N.000*kWh) CR LF with N = 1000..1499: 24 bytes a
// line, as in the bench's readouts of 1000 and 4000 lines), 4 lines per 96-byte call (the
// firmware's CHUNK), each stage including the ones before it:
//   empty     the feeding loop: a 96-byte slice per call and an await after it
//   bcc       the block check: XOR of u32 words (getAt), folded to a byte, the tail byte by byte
//   lines     + each line's end with native indexOf(LF)
//   brackets  + "(", "*" and ")" of each line with native indexOf
//   strings   + address, value and unit as strings (one toString of the line, three slices)
//   objects   + one data set and one value object per line ({address, values: [{text, number, unit}]})
//   sink      + handing the data set to a consumer (a method call that keeps a count)
//   events    + the engine contract instead: an Output per call and an event object per data set
//   number    + the value's number (the core's parseNumber, one script loop over the digits)
// Then the real engine on the same lines, same calls: parser (DataSetParser.pushPlain), framer,
// session, watched, traced (Session / WatchedEngine as the firmware runs them, trace of 512); the
// last three again at 32-byte calls (per call, a difference costs (x32 - x) / (1/32 - 1/96) µs);
// then idle31, floor31 and traced31: 31-byte calls 4 ms apart, as the CPU bench feeds the firmware.
// CPU_HEAP=1 adds each stage's collections (sampled at log lines: approximate).
// A reader also handles lines cut by the chunk's end (about one per call here: the lines here
// are aligned to the calls, so the floor leaves that out) and its own checks (limits, syntax,
// parity marks), which the floor leaves out too.
import * as ds from "@devicescript/core"
import { Framer } from "../../core/framer"
import { dataSession, NullSink } from "./data-session"
import { DataSetParser } from "../../core/datasets"
import { parseNumber } from "../../core/numbers"
import { ByteEngine, Output, SessionEvent } from "../../core/session-types"
import { DataSet } from "../../core/types"

const LINES = 500
const FIRST = 1000
const REPEAT = 20
const CHUNK = 96
const LF = 10

async function readout(): Promise<Buffer> {
    const b = Buffer.alloc(LINES * 24)
    let at = 0
    for (let i = 0; i < LINES; i++) {
        if (i % 200 === 0) await ds.sleep(0)
        const n = FIRST + i
        const l = Buffer.from(`1.8.${n}(${n}.000*kWh)\r\n`)
        b.blitAt(at, l, 0, l.length)
        at += l.length
    }
    return b
}

class Count {
    n = 0
    take(d: DataSet): void {
        this.n++
    }
}

let x = 0
let events = 0

/** a data-phase session with a block begun (its STX long before the stages' first call) */
function blockSession(watched: boolean, trace: boolean): ByteEngine {
    const e = dataSession(watched, trace)
    e.receiveBytes(99000, Buffer.from([2]))
    return e
}

async function feed(label: string, buf: Buffer, f: (c: Buffer, now: number) => void, chunk = CHUNK, pauseMs = 0) {
    f(buf.slice(0, chunk), 99999)
    console.log("probe: begin " + label)
    let now = 100000
    // with a pause between calls fewer repeats, so the stage's bytes are the same (the host divides by them)
    const times = pauseMs ? 3 : REPEAT
    for (let r = 0; r < times; r++)
        for (let i = 0; i < buf.length; i += chunk) {
            f(buf.slice(i, i + chunk), now)
            now += 5
            // a line for the host to sample the heap at (CPU_HEAP=1): every 8th call, a few µs
            if ((now & 63) === 0) console.log("probe: heap")
            await ds.sleep(pauseMs)
        }
    // (a stage with fewer repeats says its own byte count)
    console.log("probe: end " + label + (times !== REPEAT ? " bytes=" + buf.length * times : ""))
}

/** XOR of every byte of c, by u32 words and a byte tail */
function bcc(c: Buffer): number {
    let w = 0
    let i = 0
    const n = c.length
    while (i < n - 3) {
        w ^= c.getAt(i, "u32")
        i += 4
    }
    w ^= w >>> 16
    w ^= w >>> 8
    while (i < n) w ^= c[i++]
    return w & 0xff
}

/**
 * The least a reader does with a chunk of whole lines, up to `upto`:
 * 1 lines, 2 brackets, 3 strings, 4 objects, 5 sink, 6 events, 7 number.
 */
function floor(c: Buffer, upto: number, sink: Count, out: SessionEvent[]): void {
    x ^= bcc(c)
    const n = c.length
    let i = 0
    while (i < n) {
        const lf = c.indexOf(LF, i)
        const end = lf < 0 ? n : lf + 1
        if (upto >= 2) {
            const open = c.indexOf(0x28, i)
            const star = c.indexOf(0x2a, open)
            const close = c.indexOf(0x29, star)
            if (upto >= 3) {
                const s = c.slice(i, close).toString()
                const address = s.slice(0, open - i)
                const text = s.slice(open - i + 1, star - i)
                const unit = s.slice(star - i + 1, close - i)
                if (upto >= 4) {
                    const d: DataSet = { address: address, values: [{ text: text, number: upto >= 7 ? parseNumber(text) : null, unit: unit }] }
                    if (upto === 5) sink.take(d)
                    else if (upto >= 6) out.push({ type: "dataSet", dataSet: d })
                    else x ^= d.values.length
                } else x ^= address.length + text.length + unit.length
            } else x ^= close
        }
        i = end
    }
}

function floorCall(c: Buffer, upto: number, sink: Count): Output {
    const out: Output = { send: [], events: [], uart: null, deadline: null }
    floor(c, upto, sink, out.events)
    events += out.events.length
    return out
}

async function main() {
    const buf = await readout()
    console.log("probe: bytes " + buf.length * REPEAT)
    const sink = new Count()
    const none: SessionEvent[] = []
    await feed("empty", buf, () => {})
    await feed("empty2", buf, () => {})
    await feed("bcc", buf, c => {
        x ^= bcc(c)
    })
    await feed("lines", buf, c => floor(c, 1, sink, none))
    await feed("brackets", buf, c => floor(c, 2, sink, none))
    await feed("strings", buf, c => floor(c, 3, sink, none))
    await feed("objects", buf, c => floor(c, 4, sink, none))
    await feed("sink", buf, c => floor(c, 5, sink, none))
    await feed("events", buf, c => floorCall(c, 6, sink))
    await feed("number", buf, c => floorCall(c, 7, sink))
    const ps = new DataSetParser(new NullSink())
    await feed("parser", buf, c => {
        // the parser alone, fed the lines' text as the framer does (pushPlain, then CR LF)
        const n = c.length
        let i = 0
        while (i < n) {
            const lf = c.indexOf(LF, i)
            ps.pushPlain(c.slice(i, lf - 1).toString())
            ps.push(13)
            ps.push(10)
            i = lf + 1
        }
    })
    let fr = new Framer(new NullSink())
    fr.pushBytes(Buffer.from([2]))
    await feed("framer", buf, c => fr.pushBytes(c))
    fr = null
    let e = blockSession(false, false)
    await feed("session", buf, (c, now) => {
        events += e.receiveBytes(now, c).events.length
    })
    e = blockSession(true, false)
    await feed("watched", buf, (c, now) => {
        events += e.receiveBytes(now, c).events.length
    })
    e = blockSession(true, true)
    await feed("traced", buf, (c, now) => {
        events += e.receiveBytes(now, c).events.length
    })
    // 32-byte calls (the CPU bench hands the engine 34 to 49 bytes a call): the per-call share
    for (let k = 0; k < 3; k++) {
        e = blockSession(k > 0, k > 1)
        await feed(["session32", "watched32", "traced32"][k], buf, (c, now) => {
            events += e.receiveBytes(now, c).events.length
        }, 32)
    }
    // As the CPU bench feeds the firmware: 31 bytes a call, 4 ms apart (the simulated head's pump at
    // 4x 19200 Bd), the VM idle in between; "net" here is net of "empty" as for every stage: subtract
    // idle31 (the pauses alone: the host's polling of the idle VM) from floor31 (the floor reader, as the
    // "number" stage, on lines cut anywhere: it skips a cut line's ends) and traced31 for their share.
    // The idle baseline moves by a third from run to run (the host's polling follows the wall clock):
    // on 2026-11-28 traced31 - idle31 came out at 4.2 to 8.2 µs/B against traced32's 4.2 to 4.6
    await feed("idle31", buf, () => {}, 31, 4)
    await feed("floor31", buf, c => floorCall(c, 7, sink), 31, 4)
    e = blockSession(true, true)
    await feed("traced31", buf, (c, now) => {
        events += e.receiveBytes(now, c).events.length
    }, 31, 4)
    console.log("probe: done " + x + " " + sink.n + " " + events)
}
await main()
