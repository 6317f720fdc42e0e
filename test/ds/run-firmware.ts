// Runs the DeviceScript-side firmware tests in the VM's test mode (--test -k: real
// exit code; GC stress on, hence the long timeout), prints each run's output (its
// "tests: N, pass: N, error: N" line is what tools/test.ts counts) and exits
// non-zero when a run failed or printed no count. Two entries: the link suite,
// which carries the engine and the simulated meter, made the one combined image
// fail DeviceScript's bytecode verifier (error 1051), so it runs on its own.
import { runDevsTest } from "../../tools/vm-host/devs-host"

let failed = false
for (const entry of ["test/ds/firmware.ts", "test/ds/fw-link.ts"]) {
    const r = runDevsTest(entry, 120000)
    const out = r.output
    // strip the colour codes so the count line starts at the beginning of a line
    const plain = out.replace(/\x1b\[[0-9;]*m/g, "").replace(/^WASM> /gm, "")
    process.stdout.write(plain.split("\n").filter(l => !l.startsWith("npm warn")).join("\n") + "\n")
    const m = /^tests: (\d+), pass: (\d+), error: (\d+)/m.exec(plain)
    if (r.status !== 0 || !m || m[3] !== "0") {
        console.error(`${entry}: firmware tests failed (exit ${r.status}${m ? "" : ", no test count printed"})`)
        failed = true
    }
}
process.exit(failed ? 1 : 0)
