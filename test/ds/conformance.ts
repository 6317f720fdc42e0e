// DeviceScript side of the conformance run: prints every vector's lines with a
// "CONF " prefix; test/ds/run-conformance.ts compares them with Node's. The SML
// vectors run in their own image (conformance-sml.ts): core, D0 and SML vectors
// together pass the VM's 64 KB limit on function code.
import * as ds from "@devicescript/core"
import { describe, test } from "@devicescript/test"
import { runScalars, VectorRun, VECTORS } from "./vectors"
import { sessionLines, SESSION_VECTORS, startSessionVector } from "./session-vectors"

function print(lines: string[]) {
    for (let i = 0; i < lines.length; i++) console.log("CONF " + lines[i])
}

describe("conformance", () => {
    test("golden vectors", async () => {
        print(runScalars())
        for (let i = 0; i < VECTORS.length; i++) {
            // 64 characters a slice, as a serial report: a whole DSMR telegram at once overruns the step budget
            const run = new VectorRun(VECTORS[i])
            while (!run.advance(64)) await ds.sleep(0)
            print(run.lines())
            await ds.sleep(0)
        }
    })
    test("sessions", async () => {
        for (let i = 0; i < SESSION_VECTORS.length; i++) {
            const v = SESSION_VECTORS[i]
            const line = startSessionVector(v)
            // a few dozen line events per slice, then yield: the VM allows ~128K steps between awaits
            while (!line.advance(20)) await ds.sleep(0)
            print(sessionLines(v, line))
        }
    })
    test("end", () => {
        console.log("CONF end")
    })
})
