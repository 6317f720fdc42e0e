// The native ESP32 serial service (its host build, native/build/serial-host) and
// the simulator's serial head (src/core/serial-marking.ts, which src/sim/head/server.ts uses)
// must hand the firmware the same bytes and errors for the same line. Same byte
// streams through both, compared byte for byte, then through the firmware link.
import { test, describe } from "node:test"
import { NATIVE, privateSerialHost } from "./helpers/serial-host"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import { encode7E1 } from "../src/core/bytes"
import { linkReceives, serviceDelivers } from "../src/core/serial-marking"

const serialHost = privateSerialHost()

interface RxByte { b: number; parity: boolean; framing: boolean }

/** The received bytes the C service reports for a stream script (report boundaries dropped: they depend on poll timing). */
function cService(script: string): number[] {
    return cServiceWithDrops(script).bytes
}

/** The same, and the last total of the service's `dropped N` reports (bytes its full ring dropped; 0: none). */
function cServiceWithDrops(script: string): { bytes: number[]; dropped: number } {
    const r = spawnSync(serialHost(), [], { input: script, encoding: "utf8" })
    assert.equal(r.status, 0, r.stderr)
    const out: number[] = []
    let dropped = 0
    for (const line of r.stdout.split("\n")) {
        const m = /^dropped (\d+)$/.exec(line)
        if (m) dropped = +m[1]
        if (!/^[0-9a-f]+$/.test(line)) continue
        for (let i = 0; i < line.length; i += 2) out.push(parseInt(line.slice(i, i + 2), 16))
    }
    return { bytes: out, dropped }
}

/** Whether `part` is `whole` with some bytes left out, the rest in order. */
function isSubsequence(part: number[], whole: number[]): boolean {
    let j = 0
    for (let i = 0; i < whole.length && j < part.length; i++) if (whole[i] === part[j]) j++
    return j === part.length
}

/** The same bytes through the simulator head's marking: the wire byte a 7E1 sender puts on the line, with the error the UART would flag. */
function simHead(bytes: RxByte[], dataBits: number): number[] {
    return bytes.map(({ b, parity, framing }) => {
        // at 7 data bits the script's byte is the character and the parity bit is the UART's to check
        const w = dataBits === 7 ? (parity ? encode7E1(b) ^ 0x80 : encode7E1(b)) : b
        return serviceDelivers(w, dataBits, framing)
    })
}

/** The `rx` lines of a fixture script, as bytes with their error flags, and the data bits in force. */
function rxOfScript(script: string): { bytes: RxByte[]; dataBits: number } {
    const bytes: RxByte[] = []
    let dataBits = 8
    for (const raw of script.split("\n")) {
        const [cmd, ...args] = raw.trim().split(/\s+/)
        if (cmd === "set" && args[0] === "dataBits") dataBits = +args[1]
        if (cmd === "rx")
            for (const a of args) {
                const [hex, flags = ""] = a.split(":")
                bytes.push({ b: parseInt(hex, 16), parity: flags.includes("p"), framing: flags.includes("f") })
            }
        if (cmd === "rxt") {
            const t = raw.trim().slice(4).replace(/\\r/g, "\r").replace(/\\n/g, "\n").replace(/\\s/g, " ").replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))
            for (const ch of t) bytes.push({ b: ch.charCodeAt(0), parity: false, framing: false })
        }
    }
    return { bytes, dataBits }
}


describe("native service and simulated head agree", () => {
    const fixtures = readdirSync(join(NATIVE, "test", "streams")).filter(f => f.endsWith(".txt"))
    for (const f of fixtures) {
        test(`fixture ${f}`, () => {
            const script = readFileSync(join(NATIVE, "test", "streams", f), "utf8")
            const { bytes, dataBits } = rxOfScript(script)
            const c = cServiceWithDrops(script)
            const s = simHead(bytes, dataBits)
            if (c.dropped === 0) assert.deepEqual(c.bytes, s)
            else {
                // the simulated head has no full ring: the service's bytes are its bytes less the ones it told dropped
                assert.equal(c.bytes.length + c.dropped, s.length)
                assert.ok(isSubsequence(c.bytes, s), "the service's bytes are not the head's in order")
            }
        })
    }

    test("random streams at 7 and 8 data bits, with parity and framing errors, reach the firmware identically", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(7, 8),
                fc.array(fc.record({ b: fc.integer({ min: 0, max: 255 }), parity: fc.boolean(), framing: fc.boolean() }), { minLength: 1, maxLength: 60 }),
                (dataBits, raw) => {
                    // at 7 data bits the UART hands over 7-bit characters; at 8 there is no parity to get wrong
                    const bytes = raw.map(x => ({ b: dataBits === 7 ? x.b & 0x7f : x.b, parity: dataBits === 7 && x.parity && !x.framing, framing: x.framing }))
                    const script = [
                        "set baudRate 9600",
                        `set dataBits ${dataBits}`,
                        `set parityMode ${dataBits === 7 ? "even" : "none"}`,
                        "rx " + bytes.map(x => x.b.toString(16).padStart(2, "0") + (x.parity || x.framing ? ":" + (x.parity ? "p" : "") + (x.framing ? "f" : "") : "")).join(" "),
                        "wait 20",
                    ].join("\n")
                    const c = cService(script)
                    const s = simHead(bytes, dataBits)
                    assert.deepEqual(c, s)
                    const hw = dataBits === 7
                    assert.deepEqual(c.map(b => linkReceives(b, hw, false)), s.map(b => linkReceives(b, hw, false)))
                    // every byte that had an error is an error for the firmware
                    c.forEach((b, i) => {
                        const flagged = linkReceives(b, hw, false) > 0xff
                        if (bytes[i].parity || bytes[i].framing) assert.ok(flagged, `byte ${i} lost its error mark`)
                    })
                },
            ),
            { numRuns: 60 },
        )
    })
})
