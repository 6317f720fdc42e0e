// `npm run bench [-- --json] [--profile NAME]`: reads every shipped meter profile in
// virtual time and reports, per profile, the session time, the line minimum (wire
// time + the meter's reaction times + the reader's minimum reaction times) and
// their ratio. The steady-state session is measured: the reader has met the meter
// once (a battery meter's wake-up, a push meter's settings are known by then), as
// on every poll after the first. This is a benchmark, not a test.
import { newMemory } from "../src/core/memory"
import { configFor, profileFiles, readProfile, runSession } from "./harness"
import { SimMeter } from "../src/sim/index"

export interface BenchRow {
    profile: string
    ok: boolean
    sessionMs: number
    lineMinimumMs: number
    ratio: number
    firstSessionMs: number
    baud: number
    dataSets: number
}

export function benchProfile(file: string): BenchRow {
    const p = readProfile(file)
    const memory = newMemory()
    const meter = new SimMeter(p, 0)
    const first = runSession(p, configFor(p), {}, memory, meter, 0)
    // the next poll, two minutes later: some meters stay silent for a minute after a readout
    const again = runSession(p, configFor(p), {}, memory, meter, first.endMs + 120000)
    if (again.stats === null) throw new Error(`${file}: the session did not finish within the time limit`)
    const s = again.stats
    return {
        profile: p.name,
        ok: again.ok,
        sessionMs: round(s.durationMs),
        lineMinimumMs: round(s.lineMinimumMs),
        ratio: Math.round((s.durationMs / s.lineMinimumMs) * 10000) / 10000,
        firstSessionMs: round(first.stats!.durationMs),
        baud: s.baud,
        dataSets: s.dataSets,
    }
}

function round(x: number): number {
    return Math.round(x * 10) / 10
}

function table(rows: BenchRow[]): string {
    const head = ["profile", "ok", "baud", "sets", "session ms", "line min ms", "ratio", "first ms"]
    const body = rows.map(r => [r.profile, r.ok ? "yes" : "NO", "" + r.baud, "" + r.dataSets, r.sessionMs.toFixed(1), r.lineMinimumMs.toFixed(1), r.ratio.toFixed(4), r.firstSessionMs.toFixed(1)])
    const w = head.map((h, i) => Math.max(h.length, ...body.map(b => b[i].length)))
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ")
    return [line(head), line(w.map(n => "-".repeat(n))), ...body.map(line)].join("\n")
}

function main(argv: string[]): number {
    const json = argv.includes("--json")
    const pi = argv.indexOf("--profile")
    const files = profileFiles().filter(f => pi < 0 || f.replace(/\.json$/, "") === argv[pi + 1] || f === argv[pi + 1])
    if (files.length === 0) {
        process.stderr.write(`bench: no profile matches ${argv[pi + 1]}\n`)
        return 2
    }
    const rows = files.map(benchProfile)
    if (json) for (const r of rows) process.stdout.write(JSON.stringify(r) + "\n")
    else {
        process.stdout.write(table(rows) + "\n")
        const worst = rows.filter(r => r.ok).reduce((a, b) => (b.ratio > a.ratio ? b : a), rows[0])
        process.stdout.write(`\nworst ratio ${worst.ratio.toFixed(4)} (${worst.profile}); goal <= 1.03\n`)
    }
    return 0
}

if (require.main === module) process.exitCode = main(process.argv.slice(2))
