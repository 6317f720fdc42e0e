// CPU probe (profiling aid, not part of the device image; host: tools/bench/cpu-probe.ts):
// the core's stages on the CPU bench's generated readout lines (1.8.N(N.000*kWh), 22 bytes
// on average), inside the DeviceScript VM, each between two log marks:
//   empty      the feeding loop alone (96-byte slices, an await after each)
//   parser     DataSetParser.pushPlain + CR LF, four lines per 88 bytes (the parser alone)
//   number     parseNumber of the four lines' values
//   scan       Framer.runEnd over the block (finding the runs: LF search, BCC, checks)
//   framer     Framer.pushBytes: the block with its parser, events to a null sink
//   session    Session.receiveBytes in the data phase at 19200 Bd
//   watched    the same inside WatchedEngine (line watch, TRACE=off)
//   traced     the same with the 512-character trace (the device's default)
//   traced16, session16   16-byte calls: the per-call share
import * as ds from "@devicescript/core"
import { Framer } from "../../core/framer"
import { dataSession, NullSink } from "./data-session"
import { DataSetParser } from "../../core/datasets"
import { parseNumber } from "../../core/numbers"
import { Output } from "../../core/session-types"

const LINES = 500
const REPEAT = 6
const CHUNK = 96

async function readout(): Promise<Buffer> {
    let n = 0
    for (let i = 0; i < LINES; i++) {
        if (i % 200 === 0) await ds.sleep(0)
        n += `1.8.${i}(${i}.000*kWh)\r\n`.length
    }
    const b = Buffer.alloc(n)
    let at = 0
    for (let i = 0; i < LINES; i++) {
        if (i % 200 === 0) await ds.sleep(0)
        const l = Buffer.from(`1.8.${i}(${i}.000*kWh)\r\n`)
        b.blitAt(at, l, 0, l.length)
        at += l.length
    }
    return b
}

let events = 0
function count(o: Output) {
    events += o.events.length
}

async function feed(label: string, buf: Buffer, f: (c: Buffer, now: number) => void, chunk = CHUNK) {
    f(Buffer.from([2]), 99999)
    console.log("probe: begin " + label)
    let now = 100000
    for (let r = 0; r < REPEAT; r++)
        for (let i = 0; i < buf.length; i += chunk) {
            const c = buf.slice(i, Math.min(i + chunk, buf.length))
            f(c, now)
            now += 5
            await ds.sleep(0)
        }
    console.log("probe: end " + label + " events " + events)
}

async function main() {
    const buf = await readout()
    console.log("probe: bytes " + buf.length * REPEAT)
    await feed("empty", buf, () => {})
    const lines: string[] = []
    for (let i = 0; i < 100; i++) lines.push(`1.8.${i}(${i}.000*kWh)`)
    const ps = new DataSetParser(new NullSink())
    await feed("parser", buf, (c, now) => {
        for (let i = 0; i < 4; i++) {
            ps.pushPlain(lines[i])
            ps.push(13)
            ps.push(10)
        }
    }, 88)
    const nums: string[] = []
    for (let i = 0; i < 100; i++) nums.push(`${i}.000`)
    await feed("number", buf, (c, now) => {
        for (let i = 0; i < 4; i++) parseNumber(nums[i])
    }, 88)
    const fs = new Framer(new NullSink())
    fs.pushBytes(Buffer.from([2]))
    await feed("scan", buf, (c, now) => {
        let i = 0
        while (i < c.length) i = fs.runEnd(c, i, c.length)
    })
    let fr = new Framer(new NullSink())
    await feed("framer", buf, c => fr.pushBytes(c))
    fr = null
    let e = dataSession(false, false)
    await feed("session", buf, (c, now) => count(e.receiveBytes(now, c)))
    e = dataSession(true, false)
    await feed("watched", buf, (c, now) => count(e.receiveBytes(now, c)))
    e = dataSession(true, true)
    await feed("traced", buf, (c, now) => count(e.receiveBytes(now, c)))
    e = dataSession(true, true)
    await feed("traced16", buf, (c, now) => count(e.receiveBytes(now, c)), 16)
    e = dataSession(false, false)
    await feed("session16", buf, (c, now) => count(e.receiveBytes(now, c)), 16)
    console.log("probe: done")
}
await main()
