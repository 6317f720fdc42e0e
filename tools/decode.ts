// `npm run decode -- FILE` (or `-` for standard input): decodes a capture of a meter's optical port and prints
// one JSON object: the identification, the data sets of every intact block, and
// the errors. The exit status is the promise a script can rely on (EXIT below).
import { readFileSync } from "node:fs"
import { decodeChars } from "../src/core/decode"
import { parseTrace, TRACE_HEADER } from "../src/core/trace"
import { replayTrace } from "../src/core/replay"
import { CaptureError, readCapture } from "./capture"
import { decodeSmlCapture } from "./decode-sml"
import { readSmlCapture } from "./sml-capture"
import { parseCommand } from "./cli"

/** Exit statuses; README "Decode your capture" lists the same. */
export const enum Exit {
    /** every data block arrived whole with a matching check (BCC or CRC), no character error in a message */
    Intact = 0,
    /** a block was rejected (BCC, CRC, parity) or never completed, or an identification had no block after it */
    Integrity = 1,
    /** the file cannot be read, is no capture, holds no identification or block; or a usage error */
    Unreadable = 2,
}

const COMMAND = {
    name: "decode",
    usage: `usage: npm run decode -- FILE
Decodes a capture of a meter's optical port (raw bytes, 7-bit or 8N1 with the parity bit, or a hex
dump like "2F 3F 21 0D 0A" or text with <STX>/<0D> escapes; an SML capture, binary or hex; FILE - reads
standard input) and prints one JSON object: identification, dataSets, errors (SML adds protocol, meter,
telegrams, diagnosis). A line trace from the firmware (MQTT topic <base>/<device>/trace, or
npm run simulate -- --trace; it starts with "# opto62056 trace") is replayed into the session engine at
its recorded times instead, so it reproduces that session.
Exit status:
  0  intact: every data block complete, its BCC/CRC matching, no character error
  1  integrity: a block rejected (BCC, CRC, parity error) or never completed (the
     capture ends inside it, a partial block without its rest, an identification
     with no block after it); a rejected block yields no data sets
  2  unreadable: the file cannot be read, is no capture, holds no identification
     or data block; or a usage error
  -h, --help   this text`,
    options: {},
    positionals: { min: 1, max: 1 },
} as const

function main(argv: string[]): number {
    const file = parseCommand(COMMAND, argv).positionals[0]
    let bytes: Buffer
    try {
        // fd 0: standard input, read to its end
        bytes = readFileSync(file === "-" ? 0 : file)
    } catch (e) {
        process.stderr.write(`decode: cannot read ${file}: ${(e as Error).message}\n`)
        return Exit.Unreadable
    }
    if (bytes.toString("latin1").startsWith(TRACE_HEADER)) return replay(file, bytes.toString("latin1"))
    const sml = readSmlCapture(bytes)
    if (sml !== null) return decodeSmlCapture(file, sml)
    let chars: number[]
    try {
        chars = readCapture(bytes).chars
    } catch (e) {
        if (e instanceof CaptureError) {
            process.stderr.write(`decode: ${file}: ${e.message}\n`)
            return Exit.Unreadable
        }
        throw e
    }
    const result = decodeChars(chars)
    if (result.identification === null && result.blocks === 0) {
        process.stderr.write(`decode: ${file}: no IEC 62056-21 identification or data block found in ${bytes.length} bytes\n`)
        process.stdout.write(JSON.stringify({ identification: null, dataSets: [], errors: result.errors }) + "\n")
        return Exit.Unreadable
    }
    process.stdout.write(JSON.stringify({ identification: result.identification, dataSets: result.dataSets, errors: result.errors }) + "\n")
    const damaged = result.errors.some(e => e.kind === "bcc" || e.kind === "parity")
    return damaged || result.rejected > 0 || result.incomplete || result.blocks === 0 ? Exit.Integrity : Exit.Intact
}

/** A firmware line trace: the received characters go into a fresh session at their times. */
function replay(file: string, text: string): number {
    const parsed = parseTrace(text)
    for (const e of parsed.errors) process.stderr.write(`decode: ${file}: ${e}\n`)
    const { events } = replayTrace(parsed.bursts)
    let identification = null
    let pending: unknown[] = []
    const dataSets: unknown[] = []
    const errors: unknown[] = []
    let ok = false
    for (const e of events) {
        if (e.type === "identification") identification = e.identification
        else if (e.type === "dataSet") pending.push(e.dataSet)
        else if (e.type === "readout") {
            if (e.ok) dataSets.push(...pending)
            pending = []
        } else if (e.type === "register") dataSets.push(e.dataSet)
        else if (e.type === "error") errors.push(e.error)
        else if (e.type === "finished") ok = e.ok
    }
    process.stdout.write(JSON.stringify({ identification, dataSets, errors }) + "\n")
    if (ok) return Exit.Intact
    return dataSets.length || identification ? Exit.Integrity : Exit.Unreadable
}

process.exitCode = main(process.argv.slice(2))
