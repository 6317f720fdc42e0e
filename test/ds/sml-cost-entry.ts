// DeviceScript side of `tools/bench/sml-cost.ts`: feeds the same number of bytes
// through the SML reader and through the D0 framer, 64 bytes per scheduler turn
// as the firmware's session loop does, and logs the VM time of each against an
// empty loop with the same turns. ds.millis() only advances between turns, so
// the totals (not single calls) are what is measured.
import * as ds from "@devicescript/core"
import { SmlReader } from "../../src/core/sml/reader"
import { Framer, FrameSink } from "../../src/core/framer"
import { HLY } from "./sml-vectors"

const CHUNK = 64
const REPEAT = 40

class NullFrames implements FrameSink {
    n = 0
    identification() {}
    dataSet() {
        this.n++
    }
    blockEnd() {}
    command() {}
    control() {}
    error() {}
}

// A D0 push frame as the eBZ DD3 profile sends it (7-bit characters), about the size of the Holley SML telegram.
const D0 =
    "/EBZ5DD3BZ06ETA_107\r\n\r\n1-0:0.0.0*255(1EBZ0100507409)\r\n1-0:96.1.0*255(1EBZ0100507409)\r\n1-0:1.8.0*255(000125.25688570*kWh)\r\n" +
    "1-0:16.7.0*255(000259.20*W)\r\n1-0:36.7.0*255(000075.18*W)\r\n1-0:56.7.0*255(000092.34*W)\r\n1-0:76.7.0*255(000091.68*W)\r\n" +
    "1-0:32.7.0*255(232.4*V)\r\n1-0:52.7.0*255(231.7*V)\r\n1-0:72.7.0*255(233.1*V)\r\n1-0:96.5.0*255(001C0104)\r\n0-0:96.8.0*255(00104F5D)\r\n" +
    "1-0:31.7.0*255(001.23*A)\r\n1-0:51.7.0*255(000.98*A)\r\n1-0:71.7.0*255(001.07*A)\r\n1-0:14.7.0*255(50.0*Hz)\r\n!\r\n"

async function timed(name: string, bytes: number[], feed: (chunk: number[]) => void, result: () => number) {
    const t0 = ds.millis()
    for (let r = 0; r < REPEAT; r++) {
        for (let i = 0; i < bytes.length; i += CHUNK) {
            feed(bytes.slice(i, Math.min(i + CHUNK, bytes.length)))
            await ds.sleep(0)
        }
    }
    const ms = ds.millis() - t0
    console.log(`BENCH ${name} bytes=${bytes.length * REPEAT} ms=${ms} result=${result()}`)
}

const sml: number[] = []
const hb = Buffer.from(HLY, "hex")
for (let i = 0; i < hb.length; i++) sml.push(hb[i])
const d0: number[] = []
for (let i = 0; i < D0.length; i++) d0.push(D0.charCodeAt(i))

let readings = 0
const reader = new SmlReader({ reading: () => readings++, error: () => {} })
const sink = new NullFrames()
const framer = new Framer(sink)

await timed("empty-sml-size", sml, c => {}, () => 0)
await timed("sml", sml, c => reader.pushAll(c), () => readings)
await timed("empty-d0-size", d0, c => {}, () => 0)
await timed("d0", d0, c => {
    for (let i = 0; i < c.length; i++) framer.push(c[i])
}, () => sink.n)
console.log("BENCH done")
