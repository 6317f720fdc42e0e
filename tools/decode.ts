// `npm run decode -- FILE` (or `-` for standard input): decodes a capture of a meter's optical port and prints
// one JSON object: the identification, the data sets of every intact block, and
// the errors. Exit 0 = intact, 1 = integrity error (BCC, parity), 2 = unreadable.
import { readFileSync } from "node:fs"
import { decodeChars } from "../src/core/decode"
import { CaptureError, readCapture } from "./capture"
import { decodeSmlCapture } from "./decode-sml"
import { readSmlCapture } from "./sml-capture"
import { parseCommand } from "./cli"

const COMMAND = {
    name: "decode",
    usage: `usage: npm run decode -- FILE
Decodes a capture of a meter's optical port (raw bytes, 7-bit or 8N1 with the parity bit, or a hex
dump like "2F 3F 21 0D 0A" or text with <STX>/<0D> escapes; an SML capture, binary or hex; FILE - reads
standard input) and prints one JSON object: identification, dataSets, errors (SML adds protocol, meter,
telegrams, diagnosis).
Exit status: 0 intact, 1 integrity error (BCC or parity), 2 unreadable or a usage error.
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
        return 2
    }
    const sml = readSmlCapture(bytes)
    if (sml !== null) return decodeSmlCapture(file, sml)
    let chars: number[]
    try {
        chars = readCapture(bytes).chars
    } catch (e) {
        if (e instanceof CaptureError) {
            process.stderr.write(`decode: ${file}: ${e.message}\n`)
            return 2
        }
        throw e
    }
    const result = decodeChars(chars)
    if (result.identification === null && result.blocks === 0) {
        process.stderr.write(`decode: ${file}: no IEC 62056-21 identification or data block found in ${bytes.length} bytes\n`)
        process.stdout.write(JSON.stringify({ identification: null, dataSets: [], errors: result.errors }) + "\n")
        return 2
    }
    process.stdout.write(JSON.stringify({ identification: result.identification, dataSets: result.dataSets, errors: result.errors }) + "\n")
    return result.errors.some(e => e.kind === "bcc" || e.kind === "parity") ? 1 : 0
}

process.exitCode = main(process.argv.slice(2))
