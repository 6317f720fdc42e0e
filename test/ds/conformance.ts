// DeviceScript side of the conformance run: prints every vector's lines with a
// "CONF " prefix; test/ds/run-conformance.ts compares them with Node's.
import * as ds from "@devicescript/core"
import { describe, test } from "@devicescript/test"
import { runScalars, runVector, VECTORS } from "./vectors"
import { SmlVectorRun, SML_VECTOR_COUNT, smlVector, smlWriterLines } from "./sml-vectors"
import { sessionLines, SESSION_VECTORS, startSessionVector } from "./session-vectors"

function print(lines: string[]) {
    for (let i = 0; i < lines.length; i++) console.log("CONF " + lines[i])
}

describe("conformance", () => {
    test("golden vectors", async () => {
        print(runScalars())
        for (let i = 0; i < VECTORS.length; i++) {
            print(runVector(VECTORS[i]))
            await ds.sleep(0) // stay far below the VM's step budget between awaits
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
    test("sml vectors", async () => {
        print(smlWriterLines())
        await ds.sleep(0)
        for (let i = 0; i < SML_VECTOR_COUNT; i++) {
            const run = new SmlVectorRun(smlVector(i))
            await ds.sleep(0)
            // a serial report's worth of bytes per slice, as the firmware gets them
            while (!run.advance(64)) await ds.sleep(0)
            print(run.lines())
            await ds.sleep(0)
        }
    })
    test("end", () => {
        console.log("CONF end")
    })
})
