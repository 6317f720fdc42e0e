// What the simulated line looks like: the meter behind the simulated head (a
// meter profile, the same JSON as profiles/*.json, validated by src/sim)
// and the head itself. It reaches the simulator firmware (src/sim/head/main.ts) as
// SIM_* settings, so one build serves every profile.
import { createHash } from "node:crypto"
import { existsSync, readFileSync, readdirSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { checkProfile } from "../../src/sim/profiles"
import { buildFirmwareLocked, withBuildLock } from "./devs-host"

const ROOT = resolve(__dirname, "..", "..")

export interface SimProfile {
    name: string
    /** a meter profile object (profiles format) */
    meter: any
    head: { eightN1Only: boolean; speed: number }
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
    const r = checkProfile(p.meter)
    if (r.errors.length) throw new ProfileError(`profile "${p.name}": ${r.errors.join("; ")}`)
    for (const w of r.warnings) process.stderr.write(`profile "${p.name}": warning: ${w}\n`)
    return p
}

/**
 * A profile from a JSON file: either a meter profile (as in profiles) or
 * {"name", "meter": <meter profile>, "head": {"eightN1Only", "speed"}, "generated"}.
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
    return validate({
        name: j.name ?? file,
        meter: meter,
        head: { ...DEFAULT_PROFILE.head, ...(j.head ?? {}) },
        generated: j.generated ?? 0,
    })
}

/** Settings values are stored per key; long texts go in pieces of this many characters. */
const PIECE = 150

/** The SIM_* settings that describe the line to src/sim/head/main.ts. */
export function profileSettings(p: SimProfile): Map<string, Buffer> {
    const m = new Map<string, Buffer>()
    const put = (k: string, v: string | number | boolean) => m.set(k, Buffer.from(JSON.stringify(v)))
    // the data lines travel apart from the rest of the profile (see src/sim/head/main.ts)
    const block: string = typeof p.meter.dataBlock === "string" ? p.meter.dataBlock : ""
    // checked and with its defaults filled in: the VM side does not check again
    const checked = p.generated > 0 ? p.meter : checkProfile(p.meter).profile
    const json = JSON.stringify({ ...checked, dataBlock: "" })
    const n = Math.ceil(json.length / PIECE)
    put("SIM_PN", n)
    for (let i = 0; i < n; i++) put("SIM_P" + i, json.slice(i * PIECE, (i + 1) * PIECE))
    const nb = Math.ceil(block.length / PIECE)
    put("SIM_BN", nb)
    for (let i = 0; i < nb; i++) put("SIM_B" + i, block.slice(i * PIECE, (i + 1) * PIECE))
    put("SIM_GEN", p.generated)
    put("SIM_IDENT", p.meter.identification ?? "/ABC6BIG")
    put("SIM_HEAD", p.head.eightN1Only ? "8N1" : "7E1")
    put("SIM_ECHO", !!(p.meter.quirks && p.meter.quirks.echo))
    put("SIM_SPEED", p.head.speed)
    return m
}

/** Builds src/sim/head/main.ts once per source state (cached by a hash of src/ and the CLI version). */
export function buildSimFirmware(): Buffer {
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
    const cached = join(ROOT, ".devicescript/cache", `main-sim-${h.digest("hex").slice(0, 16)}.devs`)
    if (existsSync(cached)) return readFileSync(cached)
    return withBuildLock(() => {
        // another process may have built it while we waited for the lock
        if (existsSync(cached)) return readFileSync(cached)
        const bin = buildFirmwareLocked("src/sim/head/main.ts")
        mkdirSync(dirname(cached), { recursive: true })
        writeFileSync(cached, bin)
        return bin
    })
}
