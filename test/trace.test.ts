// The line trace: bounded, readable, and a trace replays into the engine to the
// same readings (what `npm run decode` does with a user's posted trace).
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { Session } from "../src/core/session"
import { newMemory } from "../src/core/memory"
import { WatchedEngine } from "../src/core/watched"
import { LineTrace, parseTrace, burstLine, traceCursor, traceText } from "../src/core/trace"
import { replayTrace } from "../src/core/replay"
import { RX_FRAMING_ERROR, RX_PARITY_ERROR } from "../src/core/types"
import { SimMeter } from "../src/sim/meter"
import { VirtualLine } from "../src/sim/line"
import { configFor, testProfile } from "./helpers/harness"
import { spawnSync } from "node:child_process"
import { join } from "node:path"

const BLOCK = "0.0.0(12345678)\r\n1.8.0(00132.149*kWh)"

function traced(p: ReturnType<typeof testProfile>, capacity = 512) {
    const trace = new LineTrace(capacity)
    const r = new VirtualLine(new SimMeter(p, 0), { timeLimitMs: 60000 }).run(new WatchedEngine(new Session(configFor(p), newMemory()), trace), 0)
    return { r, trace }
}

/** The readings a publisher takes: the data sets of the block that ended with a good readout. */
function readings(events: { type: string }[]): string[] {
    let out: string[] = []
    let block: string[] = []
    for (const e of events as any[]) {
        if (e.type === "identification") block = []
        else if (e.type === "dataSet") block.push(e.dataSet.address + "=" + e.dataSet.values.map((v: any) => v.text + (v.unit ? "*" + v.unit : "")).join(","))
        else if (e.type === "readout" && e.ok) out = out.concat(block)
    }
    return out
}

describe("line trace", () => {
    test("one readable line per burst, both directions, with baud and format", () => {
        const p = testProfile({ identification: "/ABC5METER1", mode: "C", maxBaud: 9600, dataBlock: BLOCK, quirks: { reactionMs: 200 } })
        const { r, trace } = traced(p)
        assert.equal(r.ok, true)
        const lines = traceText(trace, "").split("\n")
        assert.equal(lines[0], "# opto62056 trace v1")
        // the request's characters complete 33 ms apart at 300 Bd; the line shows the first one's time
        assert.equal(lines[1], '+33 TX 300 7E1 "/?!<CR><LF>"')
        assert.match(lines[2], /^\+\d+ RX 300 7E1 "\/ABC5METER1<CR><LF>"$/)
        assert.match(lines[3], /^\+\d+ TX 300 7E1 "<ACK>050<CR><LF>"$/)
        assert.match(lines[4], /^\+\d+ RX 9600 7E1 "<STX>0\.0\.0\(12345678\)<CR><LF>1\.8\.0\(00132\.149\*kWh\)<CR><LF>!<CR><LF><ETX>.+"$/)
    })

    test("damaged characters are marked, and a line reads back to the same characters", () => {
        const b = { t: 5, dir: "RX" as const, baud: 300, format: "7E1" as const, chars: [0x2f, 0 | RX_FRAMING_ERROR, 0x41 | RX_PARITY_ERROR, 0x3c, 0x22, 0x7f, 2] }
        const line = burstLine(b)
        assert.equal(line, '+5 RX 300 7E1 "/<F:00><P:41><3c><22><7f><STX>"')
        assert.deepEqual(parseTrace(line).bursts, [b])
    })

    test("the ring keeps the newest characters and says how many were overwritten", () => {
        const t = new LineTrace(4)
        t.clear(1000)
        for (let i = 0; i < 6; i++) t.add(1000 + i * 34, "RX", 0x41 + i, 300, "7E1")
        assert.equal(traceText(t, ""), '# opto62056 trace v1\n# 2 earlier characters were overwritten\n+68 RX 300 7E1 "CDEF"\n')
    })

    test("bad lines are reported, never thrown", () => {
        const p = parseTrace("# c\n+1 TX 300 7E1 \"ok\"\nnonsense\n+2 RX 301 7E1 \"x\"\n+3 RX 300 7E1 \"<zz>\"")
        assert.equal(p.bursts.length, 1)
        assert.deepEqual(p.errors.map(e => e.slice(0, 7)), ["line 3:", "line 4:", "line 5:"])
    })

    test("a trace replays into the engine to the same readings (mode C with a baud switch, echoing head)", () => {
        const p = testProfile({ identification: "/ABC5METER1", mode: "C", maxBaud: 9600, dataBlock: BLOCK, quirks: { echo: true } })
        const { r, trace } = traced(p)
        assert.equal(r.ok, true)
        const back = replayTrace(parseTrace(traceText(trace, "")).bursts)
        assert.deepEqual(readings(back.events), ["0.0.0=12345678", "1.8.0=00132.149*kWh"])
        assert.deepEqual(back.events.filter(e => e.type === "readout"), [{ type: "readout", ok: true }])
    })

    test("a push meter's trace (no TX) replays as a push", () => {
        const p = testProfile({ identification: "/EBZ5DD3", mode: "D", maxBaud: 9600, dataBlock: BLOCK, quirks: { pushIntervalMs: 1000, frame: "bare", pushFormat: "8N1" } })
        const { r, trace } = traced(p, 2048)
        assert.equal(r.ok, true)
        const bursts = parseTrace(traceText(trace, "")).bursts
        const back = replayTrace(bursts.filter(b => b.baud === 9600 && b.format === "8N1"))
        assert.equal(back.config.push !== null, true)
        assert.deepEqual(readings(back.events), ["0.0.0=12345678", "1.8.0=00132.149*kWh"])
    })
})

test("npm run decode replays a trace file to the readings", () => {
    const p = testProfile({ identification: "/ABC5METER1", mode: "C", maxBaud: 9600, dataBlock: BLOCK })
    const { trace } = traced(p)
    const r = spawnSync(process.execPath, ["--import", "tsx", "tools/decode.ts", "-"], { cwd: join(__dirname, ".."), encoding: "utf8", input: traceText(trace, "session ok"), timeout: 60000 })
    assert.equal(r.status, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(out.identification.ident, "METER1")
    assert.deepEqual(out.dataSets.map((d: any) => d.address), ["0.0.0", "1.8.0"])
    assert.deepEqual(out.errors, [])
})

test("the trace written piece by piece (as the firmware publishes it) is the trace's text", () => {
    const p = testProfile({ identification: "/ABC5METER1", mode: "C", maxBaud: 9600, dataBlock: BLOCK, quirks: { reactionMs: 200 } })
    const { trace } = traced(p)
    for (const max of [1, 7, 32]) {
        const at = traceCursor()
        let text = trace.headerLines("n").join("\n") + "\n"
        for (let piece = trace.piece(at, max); piece !== null; piece = trace.piece(at, max)) text += piece
        assert.equal(text, traceText(trace, "n"), `pieces of ${max}`)
    }
})
