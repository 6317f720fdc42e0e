// npm run soak -- [--sessions N] [--seed X] [--values 2-6] [--verbose]: the firmware soak (tools/soak/soak-core.ts),
// 2,000 sessions by default. Prints the figures; exit 1 when an assertion of the soak fails
// (a reading lost while the queue held, a duplicate out of order, a password seen, heap growth).
import { checkSoak, formatSoak, runSoak } from "./soak-core"

function usage(code: number): never {
    ;(code ? process.stderr : process.stdout).write("usage: npm run soak -- [--sessions N] [--seed X] [--values 2-6] [--verbose]\n")
    process.exit(code)
}

const args = process.argv.slice(2)
let sessions = 2000, seed = Date.now() % 100000, verbose = false, values = 6
for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === "--help" || a === "-h") usage(0)
    else if (a === "--sessions" && /^\d+$/.test(args[i + 1] ?? "")) sessions = +args[++i]
    else if (a === "--seed" && /^\d+$/.test(args[i + 1] ?? "")) seed = +args[++i]
    else if (a === "--values" && /^[2-6]$/.test(args[i + 1] ?? "")) values = +args[++i]
    else if (a === "--verbose") verbose = true
    else {
        process.stderr.write(`unknown or incomplete option: ${a}\n`)
        usage(2)
    }
}

async function main() {
    console.log(`soak: ${sessions} sessions, seed ${seed}`)
    const t0 = Date.now()
    const r = await runSoak({ sessions, seed, values, progress: l => console.log(l), onLine: verbose ? l => process.stderr.write(`${Date.now() - t0} ${l}\n`) : undefined })
    console.log(formatSoak(r))
    const problems = checkSoak(r)
    for (const p of problems) console.log("FAIL: " + p)
    console.log(problems.length ? `soak failed (seed ${seed})` : "soak ok")
    process.exit(problems.length ? 1 : 0)
}
void main()
