// The decode tool's SML branch: same JSON keys and exit codes as for D0
// (0 intact, 1 integrity error, 2 unreadable), plus what only SML has: the
// meter's server id and manufacturer, the number of telegrams, and a diagnosis.
// dataSets are those of the first intact telegram; a capture repeats them.
import { decodeSml } from "../src/core/sml/decode"

export function decodeSmlCapture(file: string, bytes: Buffer): number {
    const r = decodeSml(bytes)
    const json = {
        protocol: "sml",
        identification: null,
        meter: r.meter,
        telegrams: r.readings.length,
        dataSets: r.dataSets,
        diagnosis: r.diagnosis,
        errors: r.errors,
    }
    process.stdout.write(JSON.stringify(json) + "\n")
    if (r.readings.length === 0) {
        process.stderr.write(`decode: ${file}: SML start sequences found, but no intact telegram in ${bytes.length} bytes\n`)
        return 2
    }
    return r.errors.some(e => e.kind === "bcc") ? 1 : 0
}
