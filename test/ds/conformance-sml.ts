// DeviceScript side of the SML conformance vectors (see conformance.ts: one image
// would exceed the VM's 64 KB of function code).
import * as ds from "@devicescript/core"
import { describe, test } from "@devicescript/test"
import { SmlVectorRun, SML_VECTOR_COUNT, smlVector, smlWriterLines } from "./sml-vectors"

function print(lines: string[]) {
    for (let i = 0; i < lines.length; i++) console.log("CONF " + lines[i])
}

describe("conformance sml", () => {
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
