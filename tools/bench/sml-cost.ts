// `npx tsx tools/bench/sml-cost.ts`: VM cost per received byte of the SML reader
// and of the D0 framer, in the DeviceScript WASM VM (tools/vm-host, no --test GC
// stress), plus the firmware's bytecode size with SML. DeviceScript exposes no
// step counter, so the figure is VM milliseconds per kilobyte of input, each
// minus an empty loop with the same scheduler turns; on the host, not an ESP32.
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { buildFirmware, startFirmware } from "../vm-host/devs-host"

const ROOT = join(__dirname, "..", "..")

async function vmCost(): Promise<Record<string, { bytes: number; ms: number; result: number }>> {
    const binary = buildFirmware("test/ds/sml-cost-entry.ts")
    const got: Record<string, { bytes: number; ms: number; result: number }> = {}
    let done = false
    const run = await startFirmware({
        binary,
        settings: new Map(),
        onLine: l => {
            const m = /BENCH (\S+) bytes=(\d+) ms=(\d+)/.exec(l)
            if (m) got[m[1]] = { bytes: +m[2], ms: +m[3], result: +(/result=(\d+)/.exec(l)?.[1] ?? -1) }
            if (l.includes("BENCH done")) done = true
        },
    })
    const t0 = Date.now()
    while (!done && Date.now() - t0 < 120000) await new Promise(r => setTimeout(r, 100))
    run.stop()
    return got
}

function footprint(): { bytecodeBytes: number; functionBytes: number } {
    const r = spawnSync("npx", ["devs", "build", "src/firmware/main.ts"], { cwd: ROOT, encoding: "utf8" })
    if (r.status !== 0) throw new Error(r.stdout + r.stderr)
    const sizes = readFileSync(join(ROOT, ".devicescript/bin/bytecode-sizes.md"), "utf8")
    const fn = /(\d+) \| Function TOTAL/.exec(sizes)
    return { bytecodeBytes: readFileSync(join(ROOT, ".devicescript/bin/bytecode.devs")).length, functionBytes: fn ? +fn[1] : -1 }
}

async function main() {
    const c = await vmCost()
    const per = (name: string, empty: string) => ((c[name].ms - c[empty].ms) / c[name].bytes) * 1000
    const out = {
        smlMsPerKB: +per("sml", "empty-sml-size").toFixed(2),
        d0MsPerKB: +per("d0", "empty-d0-size").toFixed(2),
        raw: c,
        // 9600 Bd 8N1 carries 960 bytes/s
        smlShareOf9600Bd: +((per("sml", "empty-sml-size") * 0.96) / 1000).toFixed(4),
        footprint: footprint(),
    }
    process.stdout.write(JSON.stringify(out) + "\n")
    process.exit(0)
}

main()
