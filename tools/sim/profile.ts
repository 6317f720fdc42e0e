// What the simulated line looks like: the meter behind the simulated head and the
// head itself. It reaches the simulator firmware (src/main-sim.ts) as SIM_*
// settings, so one build serves every profile.
//
// NOTE: until the project's simulated meter (src/sim) lands, the meter here is
// the stand-in ReplayMeter (src/replay-meter.ts): a fixed readout, mode C or A.
import { createHash } from "node:crypto"
import { existsSync, readFileSync, readdirSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { buildFirmwareLocked, withBuildLock } from "./devs-host"

const ROOT = resolve(__dirname, "..", "..")

export interface SimProfile {
    name: string
    meter: {
        identification: string
        address: string
        lines: string[]
        generated: number
        damage: boolean
        reactionMs: number
    }
    head: { eightN1Only: boolean; echo: boolean; speed: number }
}

export const DEFAULT_PROFILE: SimProfile = {
    name: "default (stand-in replay meter)",
    meter: {
        identification: "/ABC5METER1",
        address: "",
        lines: [
            "0.0.0(12345678)",
            "1.8.0(00132.149*kWh)",
            "1.8.1(00100.001*kWh)",
            "2.8.0(0000.000*kWh)",
            "1-0:16.7.0*255(0001.250*kW)",
            "F.F(00000000)",
        ],
        generated: 0,
        damage: false,
        reactionMs: 200,
    },
    head: { eightN1Only: false, echo: false, speed: 1 },
}

/** A profile from a JSON file: any field left out keeps the default. */
export function loadProfile(file: string): SimProfile {
    const j = JSON.parse(readFileSync(file, "utf8"))
    return {
        name: j.name ?? file,
        meter: { ...DEFAULT_PROFILE.meter, ...(j.meter ?? {}) },
        head: { ...DEFAULT_PROFILE.head, ...(j.head ?? {}) },
    }
}

/** The SIM_* settings that describe the line to src/main-sim.ts. */
export function profileSettings(p: SimProfile): Map<string, Buffer> {
    const m = new Map<string, Buffer>()
    const put = (k: string, v: string | number | boolean) => m.set(k, Buffer.from(JSON.stringify(v)))
    put("SIM_IDENT", p.meter.identification)
    put("SIM_ADDR", p.meter.address)
    put("SIM_N", p.meter.lines.length)
    p.meter.lines.forEach((l, i) => put("SIM_L" + i, l))
    put("SIM_GEN", p.meter.generated)
    put("SIM_DAMAGE", p.meter.damage)
    put("SIM_REACT", p.meter.reactionMs)
    put("SIM_HEAD", p.head.eightN1Only ? "8N1" : "7E1")
    put("SIM_ECHO", p.head.echo)
    put("SIM_SPEED", p.head.speed)
    return m
}

/** Builds src/main-sim.ts once per source state (cached by a hash of src/ and the CLI version). */
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
        const bin = buildFirmwareLocked("src/main-sim.ts")
        mkdirSync(dirname(cached), { recursive: true })
        writeFileSync(cached, bin)
        return bin
    })
}
