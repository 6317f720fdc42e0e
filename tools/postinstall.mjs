// Runs after `npm install`: lets the DeviceScript CLI lay out its own packages
// (@devicescript/core, /server, /net, /test ...) in node_modules, which it does on
// every build, and installs the hardware package, whose tools are kept out of the
// firmware's dependency tree on purpose.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"

function run(cmd, args, opts = {}) {
    const r = spawnSync(cmd, args, { stdio: "inherit", ...opts })
    if (r.status !== 0) {
        console.error(`postinstall: '${cmd} ${args.join(" ")}' failed (exit ${r.status})`)
        process.exit(r.status ?? 1)
    }
}

run("npx", ["devs", "build", "test/ds/core-entry.ts"])
if (existsSync("hardware/package.json") && !process.env.OPTO_SKIP_HARDWARE)
    run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: "hardware" })
