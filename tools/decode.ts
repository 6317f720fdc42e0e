// `npm run decode -- FILE`: decodes a capture of a meter's optical port and prints
// one JSON object: the identification, the data sets of every intact block, and
// the errors. Exit 0 = intact, 1 = integrity error (BCC, parity), 2 = unreadable.
import { readFileSync } from "node:fs"
import { decodeChars } from "../src/core/decode"
import { CaptureError, readCapture } from "./capture"
import { decodeSmlCapture } from "./decode-sml"
import { readSmlCapture } from "./sml-capture"

function main(argv: string[]): number {
    const file = argv[0]
    if (!file || argv.length > 1) {
        process.stderr.write("usage: npm run decode -- FILE   (raw bytes, 7-bit or 8N1 with parity, or a hex dump)\n")
        return 2
    }
    let bytes: Buffer
    try {
        bytes = readFileSync(file)
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
