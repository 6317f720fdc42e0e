// What the simulated line looks like: the meter behind the simulated head (a
// meter profile, the same JSON as profiles/*.json, validated by src/sim) and the
// head itself; and the simulation started from it: the device's own firmware in
// the in-process VM, bound to a simulated head in Node (sim-head.ts) through a
// Jacdac Serial server.
import { createHash } from "node:crypto"
import { existsSync, readFileSync, readdirSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { checkProfile, parseProfile } from "../../src/sim/profiles"
import { checkSmlProfile, parseSmlProfile } from "../../src/sim/sml-profile"
import { SmlSimMeter } from "../../src/sim/sml-meter"
import { SimMeter } from "../../src/sim/meter"
import { LineMeter } from "../../src/sim/head/line-meter"
import { SimMeterLine } from "../../src/sim/head/sim-meter"
import { SmlReplayLine } from "../../src/sim/head/sml-meter-line"
import { GeneratedMeter } from "../../src/sim/head/generated-meter"
import { FaultyHead } from "../../src/sim/head/faults"
import { SerialBridgeServer, frameBus } from "../serial/jacdac-serial"
import { buildFirmwareLocked, FirmwareOptions, FirmwareRun, startFirmware, withBuildLock } from "./devs-host"
import { SimulatedHead } from "./sim-head"

const ROOT = resolve(__dirname, "..", "..")

export interface SimProfile {
    name: string
    /** a meter profile object (profiles format) */
    meter: any
    /**
     * invertRX: the reader's UART inverts RX (board irHead.invertRX); default: as the meter's line needs.
     * ring: the serial service's receive buffer in characters, losing what the reader is too slow to take (sim-head.ts); default 0, lossless
     */
    head: { eightN1Only: boolean; speed: number; fault?: "" | "swapped" | "portDisabled" | "flooded"; invertRX?: boolean; ring?: number }
    /** > 0: instead of the profile's meter, a generator that streams this many data lines (readouts larger than the heap) */
    generated: number
}

export const DEFAULT_METER = {
    name: "default: mode C meter at 9600 Bd",
    source: "opto62056 default simulator profile",
    identification: "/ABC5METER1",
    mode: "C",
    maxBaud: 9600,
    dataBlock: ["0.0.0(12345678)", "1.8.0(00132.149*kWh)", "1.8.1(00100.001*kWh)", "2.8.0(0000.000*kWh)", "1-0:16.7.0*255(0001.250*kW)", "F.F(00000000)"].join("\r\n"),
    quirks: {},
}

export const DEFAULT_PROFILE: SimProfile = { name: DEFAULT_METER.name, meter: DEFAULT_METER, head: { eightN1Only: false, speed: 1 }, generated: 0 }

export class ProfileError extends Error {}

/** Checks a line description, throwing one error that lists every problem. */
export function validate(p: SimProfile): SimProfile {
    if (p.generated > 0) return p
    const r = p.meter && p.meter.protocol === "sml" ? checkSmlProfile(p.meter) : checkProfile(p.meter)
    if (r.errors.length) throw new ProfileError(`profile "${p.name}": ${r.errors.join("; ")}`)
    for (const w of ("warnings" in r ? r.warnings : [])) process.stderr.write(`profile "${p.name}": warning: ${w}\n`)
    return p
}

/**
 * A profile from a JSON file: either a meter profile (as in profiles) or
 * {"name", "meter": <meter profile>, "head": {"eightN1Only", "speed", "fault", "invertRX", "ring"}, "generated"}.
 */
export function readSimProfile(file: string): SimProfile {
    let j: any
    try {
        j = JSON.parse(readFileSync(file, "utf8"))
    } catch (e) {
        throw new ProfileError(`profile ${file}: ${(e as Error).message}`)
    }
    if (j === null || typeof j !== "object") throw new ProfileError(`profile ${file}: expected a JSON object`)
    const meter = j.meter ?? j
    const headErrors = checkHead(j.head ?? {})
    if (headErrors.length) throw new ProfileError(`profile ${file}: head: ${headErrors.join("; ")}`)
    return validate({
        name: j.name ?? file,
        meter: meter,
        head: { ...DEFAULT_PROFILE.head, ...(j.head ?? {}) },
        generated: j.generated ?? 0,
    })
}

/** What is wrong with a profile's "head" object (empty: nothing), every problem named. */
export function checkHead(h: unknown): string[] {
    if (h === null || typeof h !== "object" || Array.isArray(h)) return ["expected an object"]
    const errors: string[] = []
    for (const [k, v] of Object.entries(h)) {
        if (k === "eightN1Only" || k === "invertRX") {
            if (typeof v !== "boolean") errors.push(`${k} must be true or false, not ${JSON.stringify(v)}`)
        } else if (k === "speed") {
            if (typeof v !== "number" || !(v > 0) || !isFinite(v)) errors.push(`speed must be a number above 0 (1 = real time), not ${JSON.stringify(v)}`)
        } else if (k === "ring") {
            if (typeof v !== "number" || !Number.isInteger(v) || v < 0) errors.push(`ring must be a whole number of characters, 0 or more (0 = lossless), not ${JSON.stringify(v)}`)
        } else if (k === "fault") {
            if (!["", "swapped", "portDisabled", "flooded"].includes(v as string)) errors.push(`fault must be "", "swapped", "portDisabled" or "flooded", not ${JSON.stringify(v)}`)
        } else errors.push(`unknown key "${k}" (known: eightN1Only, speed, fault, invertRX, ring)`)
    }
    return errors
}

/** An SML profile (profiles/sml) rather than a D0 one. */
export function isSmlProfile(p: SimProfile): boolean {
    return !!p.meter && p.meter.protocol === "sml"
}

/** Telegrams generated per SML profile and replayed in a cycle by the simulated head. */
const SML_TELEGRAMS = 16

/** The meter model behind the head for a profile, on the head's clock starting at `now`. */
export function lineMeterFor(p: SimProfile, now: number): LineMeter {
    let m: LineMeter
    if (p.generated > 0)
        m = new GeneratedMeter({ identification: p.meter.identification ?? "/ABC6BIG", address: "", lines: [], generated: p.generated, damage: false, reactionMs: 200 })
    else if (isSmlProfile(p)) {
        const gen = new SmlSimMeter(parseSmlProfile(p.meter))
        const ts = Array.from({ length: SML_TELEGRAMS }, () => Buffer.from(gen.next()))
        m = new SmlReplayLine(ts, gen.profile.pushIntervalMs, now)
    } else m = new SimMeterLine(new SimMeter(parseProfile(p.meter), now))
    return p.head.fault ? new FaultyHead(m, p.head.fault) : m
}

export interface Simulation {
    run: FirmwareRun
    head: SimulatedHead
    stop(): Promise<void>
}

/**
 * Starts the device firmware (src/firmware/main.ts) in the VM with a simulated head and the
 * profile's meter behind it (or `o.lineMeter`). `o` is what startFirmware takes, without the binary and frame hook.
 */
export async function startSimulation(p: SimProfile, o: Omit<FirmwareOptions, "binary" | "onFrame"> & { binary?: Buffer; lineMeter?: LineMeter }): Promise<Simulation> {
    const q = p.meter.quirks ?? {}
    // a reader for this meter inverts RX when the meter's line is inverted (P1), unless the profile's head says otherwise
    const invertRX = p.head.invertRX ?? !!q.invertedLine
    const head = new SimulatedHead(o.lineMeter ?? lineMeterFor(p, 0), { eightN1Only: p.head.eightN1Only, echo: !!q.echo, speed: p.head.speed, rxInverted: !!q.invertedLine !== invertRX }, p.head.ring ?? 0)
    let toBus: (f: Uint8Array) => void = () => {}
    const run = await startFirmware({ ...o, binary: o.binary ?? buildSimFirmware(), onFrame: f => toBus(f) })
    const bus = frameBus(new SerialBridgeServer(head), { send: f => run.sendFrame(f), onFrame: cb => (toBus = cb) })
    head.start()
    return {
        run,
        head,
        stop: async () => {
            head.stop()
            run.stop()
            await bus.dispose()
        },
    }
}

/** Builds the device firmware (src/firmware/main.ts) once per source state (cached by a hash of src/ and the CLI version). */
export function buildSimFirmware(entry = "src/firmware/main.ts"): Buffer {
    const h = createHash("sha256")
    const walk = (d: string) => {
        for (const f of readdirSync(d).sort()) {
            const p = join(d, f)
            if (statSync(p).isDirectory()) walk(p)
            else if (f.endsWith(".ts")) h.update(p + "\0" + readFileSync(p, "utf8") + "\0")
        }
    }
    walk(join(ROOT, "src"))
    h.update(readFileSync(join(ROOT, "node_modules/@devicescript/cli/package.json")))
    h.update(entry)
    if (!entry.startsWith("src/")) h.update(readFileSync(join(ROOT, entry))) // an entry outside src/ (a test's)
    const cached = join(ROOT, ".devicescript/cache", `firmware-${h.digest("hex").slice(0, 16)}.devs`)
    if (existsSync(cached)) return readFileSync(cached)
    return withBuildLock(() => {
        // another process may have built it while we waited for the lock
        if (existsSync(cached)) return readFileSync(cached)
        const bin = buildFirmwareLocked(entry)
        mkdirSync(dirname(cached), { recursive: true })
        writeFileSync(cached, bin)
        return bin
    })
}
