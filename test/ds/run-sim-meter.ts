// Runs the simulated meter's DeviceScript suite (test/ds/sim-entry.ts: profiles,
// the meter and the virtual line inside the VM) and prints its output, whose
// "tests: N, pass: N, error: N" line tools/test.ts counts.
import { runDevsTest } from "../../tools/vm-host/devs-host"

const r = runDevsTest("test/ds/sim-entry.ts", 60000)
process.stdout.write(r.output.replace(/\x1b\[[0-9;]*m/g, "").replace(/^WASM> /gm, ""))
process.exit(r.status === 0 ? 0 : 1)
