// SML golden vectors, run in Node and in the DeviceScript VM (test/ds/conformance.ts);
// the lines must match. Real telegrams are the first complete telegram of
// libsml-testing captures (test/captures/sml/SOURCES.md); synthetic ones come
// from the core's writer, so the writer is checked for identical bytes too.
import { encodeSmlFile, encodeTelegram, finishDecoded, hexText, smlCollector, SmlDecoded, SmlOptions, SmlReader } from "../../src/core/sml/index"

export interface SmlVector {
    name: string
    hex: string
    options: Partial<SmlOptions>
}

export const EMH = (
        "1b1b1b1b010101017607004300001d256200620072630101760101070043044d09b7093032323830383136010163f8cc007607004300001d26620062" +
        "007263070177010930323238303831360172620165044de7ed7677078181c78203ff0101010104454d480177070100000000ff010101010930323238" +
        "303831360177070100010801ff63018001621e52ff560008d203490177070100010802ff63018001621e52ff560000004e9c01770700006001ffff01" +
        "0101010b303030323238303831360177070100010700ff0101621b52ff550000008a010101635d81007607004300001d276200620072630201710163" +
        "c18000001b1b1b1b1a01443a")
export const DZG = (
        "1b1b1b1b010101017605f12cad07620062007263010176010102310b0a01445a47000282225e7262016505e748d7620263955c007605f22cad076200" +
        "62007263070177010b0a01445a47000282225e070100620affff7262016505e748d77577070100603201010172620162006200520004445a47017707" +
        "0100600100ff017262016200620052000b0a01445a47000282225e0177070100010800ff641c01047262016200621e52ff65033c9389017707010002" +
        "0800ff017262016200621e52ff650fa49a9e0177070100100700ff017262016200621b52fe538b28010101636b99007605f32cad0762006200726302" +
        "01710163d90c00001b1b1b1b1a01c3e1")
export const ISK_LOCKED = (
        "1b1b1b1b010101017605099df3ec6200620072630101760101050334a6a40b0a0149534b00047a5544726201650334a4f7620163f23e007605099df3" +
        "ed620062007263070177010b0a0149534b00047a5544070100620affff726201650334a4f7747707010060320101010101010449534b017707010060" +
        "0100ff010101010b0a0149534b00047a55440177070100010800ff650010010401621e52036307fb0177070100020800ff0101621e52036200010101" +
        "63d9e6007605099df3ee6200620072630201710163fe9f001b1b1b1b1a002101")
export const HLY = (
        "1b1b1b1b0101010176040000016200620072650000010176010107000000148e030b0a01484c59020003a910010163fbef0076040000026200620072" +
        "650000070177010b0a01484c59020003a9100101f10577070100603201010101010104484c590177070100600100ff010101010b0a01484c59020003" +
        "a9100177070100010801ff65001c01046500148e03621e52ff62000177070100010802ff65001c01046500148e03621e52ff65001b10210177070100" +
        "020800ff65001c01046500148e03621e52ff6500300dcc0177070100100700ff0101621b52005301cc0177070100200700ff0101622352ff63091301" +
        "77070100340700ff0101622352ff6309150177070100480700ff0101622352ff63091501770701001f0700ff0101622152fe626a0177070100330700" +
        "ff0101622152fe62ae0177070100470700ff0101622152fe625b0177070100510701ff01016208520062780177070100510702ff01016208520062f0" +
        "0177070100510704ff01016208520063012a017707010051070fff010162085200630138017707010051071aff01016208520063012001770701000e" +
        "0700ff0101622c52ff6301f40177070100000200000101010109312e30322e3030370177070100605a02010101010105413031410177070100600500" +
        "ff0101010165001c010401010163dbe700760400000362006200726500000201710163e8230000001b1b1b1b1a027159")

// Built on demand: the VM allows ~128K steps between awaits, and encoding plus
// hex conversion of several telegrams at module load exceeds that.
function synth(): number[] {
    return encodeTelegram(
    encodeSmlFile({
        serverId: "1b1b1b1b0a01",
        transaction: 0x1b1b1b1b,
        entries: [
            { obis: [1, 0, 1, 8, 0, 255], unit: 30, scaler: -4, value: { kind: "uint", size: 8, digits: "18446744073709551615" } },
            { obis: [1, 0, 2, 8, 0, 255], unit: 30, scaler: 3, value: { kind: "int", size: 8, digits: "-9223372036854775808" } },
            { obis: [1, 0, 16, 7, 0, 255], unit: 27, scaler: -2, value: { kind: "int", size: 3, digits: "-29912" } },
            { obis: [1, 0, 32, 7, 0, 255], unit: 35, scaler: -1, value: { kind: "uint", size: 2, digits: "2304" } },
            { obis: [129, 129, 199, 130, 3, 255], unit: null, scaler: 0, value: { kind: "octets", hex: "4841474552" } },
            { obis: [1, 0, 96, 5, 0, 255], unit: null, scaler: 0, value: { kind: "bool", value: true } },
        ],
    })
    )
}

function hexOf(bytes: number[]): string {
    return hexText(Buffer.from(bytes), 0, bytes.length)
}

function flipped(hex: string, at: number): string {
    const b = Buffer.from(hex, "hex")
    b[at] = b[at] ^ 0x10
    return hexText(b, 0, b.length)
}

export const SML_VECTOR_COUNT = 8

/** Vector i, built when asked for (see synth()). */
export function smlVector(i: number): SmlVector {
    if (i === 0) return { name: "sml-emh", hex: EMH, options: {} }
    if (i === 1) return { name: "sml-dzg-raw", hex: DZG, options: {} }
    if (i === 2) return { name: "sml-dzg-quirk", hex: DZG, options: { powerUnsignedFor: ["0a01445a47000282225e"] } }
    if (i === 3) return { name: "sml-iskra-locked", hex: ISK_LOCKED, options: {} }
    if (i === 4) return { name: "sml-holley", hex: HLY, options: {} }
    if (i === 5) return { name: "sml-synth", hex: hexOf(synth()), options: {} }
    if (i === 6) return { name: "sml-kermit", hex: hexOf(encodeTelegram(encodeSmlFile({ serverId: "0a01484c59", transaction: 1, entries: [{ obis: [1, 0, 1, 8, 0, 255], unit: 30, scaler: -1, value: { kind: "uint", size: 5, digits: "3149260" } }] }), "kermit")), options: { transportCrc: "x25-or-kermit" } }
    return { name: "sml-junk-cut-flip", hex: "00ff1b1b1b1b0101" + EMH.slice(60, EMH.length) + flipped(EMH, 100) + EMH + EMH.slice(0, 200), options: {} }
}

function exactNumber(n: number | null): string {
    if (n === null) return "null"
    const a = Math.abs(n)
    // DeviceScript prints integers of 16 digits and more inexactly (1844674407370955 → …960);
    // the value text carries the exact value
    if (a >= 1e15) return "big"
    const ip = Math.floor(a)
    return (n < 0 ? "-" : "") + ip + "+" + Math.round((a - ip) * 1000000) + "e-6"
}

/** A vector fed in slices, as a serial port delivers it (the VM yields between slices). */
export class SmlVectorRun {
    private bytes: Buffer
    private at = 0
    private reader: SmlReader
    private out: SmlDecoded
    constructor(public v: SmlVector) {
        this.bytes = Buffer.from(v.hex, "hex")
        const c = smlCollector()
        this.out = c.out
        this.reader = new SmlReader(c.sink, v.options)
    }
    /** Feeds up to n more bytes; true when all are in. */
    advance(n: number): boolean {
        const end = Math.min(this.at + n, this.bytes.length)
        for (; this.at < end; this.at++) this.reader.push(this.bytes[this.at])
        if (this.at < this.bytes.length) return false
        this.reader.end()
        finishDecoded(this.out, this.reader)
        return true
    }
    lines(): string[] {
        return smlLines(this.v, this.out)
    }
}

/** The lines a vector produces; identical in Node and DeviceScript. */
export function runSmlVector(v: SmlVector): string[] {
    const run = new SmlVectorRun(v)
    run.advance(v.hex.length)
    return run.lines()
}

function smlLines(v: SmlVector, r: SmlDecoded): string[] {
    const lines: string[] = []
    for (let i = 0; i < r.readings.length; i++) {
        const t = r.readings[i]
        lines.push(`${v.name} reading ${t.serverId} ${t.manufacturer} kermit=${t.kermitCrc} diag=${t.diagnosis}`)
        for (let j = 0; j < t.dataSets.length; j++) {
            const val = t.dataSets[j].values[0]
            lines.push(`${v.name} ds ${t.dataSets[j].address} [${val.text}|${exactNumber(val.number)}|${val.unit}]`)
        }
    }
    for (let i = 0; i < r.errors.length; i++) lines.push(`${v.name} err ${r.errors[i].kind}: ${r.errors[i].message}`)
    lines.push(`${v.name} telegrams ${r.telegrams} dropped ${r.dropped}`)
    return lines
}

/** The writer's bytes, so Node and the VM are checked to encode identically. */
export function smlWriterLines(): string[] {
    const h = hexOf(synth())
    const lines: string[] = []
    for (let i = 0; i < h.length; i += 96) lines.push("sml-writer " + h.slice(i, i + 96))
    return lines
}
