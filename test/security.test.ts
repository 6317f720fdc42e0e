// Security properties of the engine: no setting, profile or received byte makes it send a write
// or execute command (W1/W2/W5/E1/E2…); and a setting with a control character is refused by the
// engine itself (a typed "config" error, nothing sent), whatever the settings parser let through.
import { test } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { Session } from "../src/core/session"
import { newMemory } from "../src/core/memory"
import { configSafe } from "../src/core/messages"
import { defaultSessionConfig } from "../src/core/defaults"
import { SessionConfig } from "../src/core/session-types"
import { SimMeter } from "../src/sim/meter"
import { VirtualLine } from "../src/sim/line"
import { profileFiles, readProfile } from "../tools/profile-files"

const SOH = 0x01

/** every command the reader sent: the two characters after each SOH */
function commandsSent(trace: { kind: string; dir?: string; char?: number }[]): string[] {
    const tx = trace.filter(e => e.kind === "char" && e.dir === "reader").map(e => e.char as number)
    const out: string[] = []
    for (let i = 0; i < tx.length; i++) if (tx[i] === SOH) out.push(String.fromCharCode(tx[i + 1] ?? 0, tx[i + 2] ?? 0))
    return out
}

function progConfig(over: Partial<SessionConfig["programming"] & object>): SessionConfig {
    return { ...defaultSessionConfig(), programming: { password: null, registers: ["1.8.0"], command: "R1", ...over } }
}

test("configSafe: printable settings pass, a control character or a write command does not", () => {
    assert.equal(configSafe(defaultSessionConfig()), true)
    assert.equal(configSafe(progConfig({ password: "00000000", registers: ["1.8.0", "0.9.1"], command: "R5" })), true)
    assert.equal(configSafe({ ...defaultSessionConfig(), address: "1234\r\n" }), false)
    assert.equal(configSafe({ ...defaultSessionConfig(), requestChar: "\x01" }), false)
    assert.equal(configSafe(progConfig({ registers: ["1.8.0", "C.1\x03\x01W1\x02C.1(5)"] })), false)
    assert.equal(configSafe(progConfig({ password: "pw\x03" })), false)
    assert.equal(configSafe(progConfig({ registers: ["1.8.0é"] })), false)
    assert.equal(configSafe(progConfig({ command: "W1" as "R1" })), false)
    assert.equal(configSafe(progConfig({ command: "E2" as "R1" })), false)
})

test("a register address with control characters: the session refuses at start with a config error and sends nothing", () => {
    // what a settings check that let it through would make of it: R1 ... ETX BCC SOH W1 STX ...
    const s = new Session(progConfig({ registers: ["1.8.0()\x03\x00\x01W1\x02C.1.0(00)"] }), newMemory())
    const out = s.start(0)
    assert.deepEqual(out.send, [])
    assert.equal(out.deadline, null)
    const kinds = out.events.map(e => (e.type === "error" ? `error:${e.error.kind}` : e.type === "finished" ? `finished:${e.ok}` : e.type))
    assert.deepEqual(kinds, ["error:config", "finished:false"])
    const err = out.events[0] as { type: "error"; error: { message: string } }
    assert.match(err.error.message, /control or non-ASCII character/)
    assert.deepEqual(s.tick(5000).send, [])
})

test("the refusal never shows the password", () => {
    const s = new Session(progConfig({ password: "Secr3t\x07" }), newMemory())
    const out = s.start(0)
    assert.ok(!JSON.stringify(out.events).includes("Secr3t"))
})

// every shipped profile, programming mode on the ones with registers
const profiles = profileFiles().map(f => readProfile(f))
const withRegisters = profiles.map((p, i) => (p.registers !== null ? i : -1)).filter(i => i >= 0)
const anyText = fc.string({ unit: "binary", maxLength: 12 })
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(c => String.fromCharCode(c)), maxLength: 12 })

test("fuzzed settings on every profile: only P1, R1, R5 and B0 ever follow an SOH; an unsafe setting sends nothing at all", () => {
    const arbConfig = fc.record({
        requestChar: fc.oneof({ arbitrary: fc.constant("?"), weight: 6 }, { arbitrary: fc.constantFrom("2", "#"), weight: 1 }, { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 1 }),
        address: fc.oneof({ arbitrary: fc.constant(""), weight: 4 }, { arbitrary: printable, weight: 1 }, { arbitrary: anyText, weight: 1 }),
        forceMode: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.constantFrom("A", "B", "C", "D", "E"), weight: 1 }),
        forceBaud: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.constantFrom(300, 2400, 9600), weight: 1 }),
        wakeup: fc.constantFrom("auto", "always", "never"),
        fallback: fc.boolean(),
        maxRetries: fc.integer({ min: 0, max: 3 }),
        programming: fc.option(
            fc.record({
                password: fc.option(fc.oneof({ arbitrary: fc.constant("777777"), weight: 3 }, { arbitrary: printable, weight: 1 }, { arbitrary: anyText, weight: 1 })),
                registers: fc.array(fc.oneof({ arbitrary: fc.constantFrom("1.8.0", "F.F", "0.9.1", "P.98"), weight: 6 }, { arbitrary: printable, weight: 1 }, { arbitrary: anyText, weight: 1 }), { minLength: 1, maxLength: 3 }),
                command: fc.oneof({ arbitrary: fc.constantFrom("R1", "R5"), weight: 3 }, { arbitrary: fc.constantFrom("W1", "W2", "W5", "E1", "E2", "R2", "P2"), weight: 1 }),
            }),
            { freq: 2 },
        ),
        // half of the runs on a meter that has registers to read in programming mode
        profile: fc.oneof(fc.integer({ min: 0, max: profiles.length - 1 }), fc.constantFrom(...withRegisters)),
    })
    let refused = 0, programmed = 0
    fc.assert(
        fc.property(arbConfig, a => {
            const p = profiles[a.profile]
            const config: SessionConfig = {
                ...defaultSessionConfig(),
                requestChar: a.requestChar,
                address: a.address,
                forceMode: a.forceMode as SessionConfig["forceMode"],
                forceBaud: a.forceBaud,
                wakeup: a.wakeup as SessionConfig["wakeup"],
                fallback: a.fallback,
                maxRetries: a.maxRetries,
                push: p.mode === "D" ? { uart: null } : null,
                programming: a.programming as SessionConfig["programming"],
            }
            const r = new VirtualLine(new SimMeter(p, 0), { trace: true, timeLimitMs: 120000 }).run(new Session(config, newMemory()), 0)
            const cmds = commandsSent(r.trace)
            for (const c of cmds) assert.ok(["P1", "R1", "R5", "B0"].includes(c), `sent SOH ${JSON.stringify(c)} (${p.name}, ${JSON.stringify(a)})`)
            if (!configSafe(config)) {
                refused++
                assert.equal(r.trace.filter(e => e.kind === "char" && e.dir === "reader").length, 0, "an unsafe setting sent something")
            } else if (cmds.includes("R1") || cmds.includes("R5")) programmed++
        }),
        { numRuns: 800, seed: 62056 },
    )
    // the run covered both sides: refused settings, and programming reads that reached the meter
    assert.ok(refused > 50, `refused ${refused}`)
    assert.ok(programmed > 10, `programmed ${programmed}`)
})
