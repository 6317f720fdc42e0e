// Golden vectors run through the core both in Node and inside the DeviceScript
// simulator; the two outputs must be identical line for line. Portable code:
// it must compile for DeviceScript (no RegExp, no Map, no number formatting that
// differs between the two: numbers are printed as integer parts only).
import { RX_PARITY_ERROR } from "../../src/core/types"
import { Decoded, decodeChars, Decoder } from "../../src/core/decode"
import { canonicalNumber, parseNumber } from "../../src/core/numbers"
import { decode7E1, encode7E1, bcc } from "../../src/core/bytes"
import { obisInfo, normaliseUnit } from "../../src/core/obis"

export interface Vector {
    name: string
    /** characters with escapes: <STX> <ETX> <SOH> <EOT> <ACK> <NAK> <CR> <LF> <NUL>, <HH> hex, <P41> = 0x41 with a parity error, <BCC> = the BCC of the block since the last STX/SOH */
    input: string
}

const NAMES = ["NUL", "SOH", "STX", "ETX", "EOT", "", "ACK", "", "", "", "LF", "", "", "CR"]

function hexVal(s: string): number {
    const h = "0123456789ABCDEF"
    const u = s.toUpperCase()
    return h.indexOf(u.charAt(0)) * 16 + h.indexOf(u.charAt(1))
}

/** Expands a vector's escapes into received characters (7-bit with error flags). */
export function expand(input: string): number[] {
    const out: number[] = []
    let blockStart = -1
    let open = false // inside SOH…ETX, an STX does not restart the BCC
    let i = 0
    while (i < input.length) {
        const ch = input.charAt(i)
        const close = ch === "<" ? input.indexOf(">", i) : -1
        if (close > i) {
            const name = input.slice(i + 1, close)
            i = close + 1
            if (name === "BCC") {
                out.push(bcc(out, blockStart + 1, out.length))
                open = false
                continue
            }
            if (name === "NAK") {
                out.push(0x15)
                continue
            }
            const k = NAMES.indexOf(name)
            if (k >= 0 && name.length > 0) {
                out.push(k)
                if (k === 1 || (k === 2 && !open)) {
                    blockStart = out.length - 1
                    open = true
                }
            } else if (name.length === 3 && name.charAt(0) === "P") out.push(hexVal(name.slice(1, 3)) | RX_PARITY_ERROR)
            else out.push(hexVal(name))
            continue
        }
        out.push(input.charCodeAt(i) & 0x7f)
        i++
    }
    return out
}

/** A number as exact integers: sign, integer part and 12 fraction digits, without float-to-string. */
function exactNumber(n: number | null): string {
    if (n === null) return "null"
    const neg = n < 0
    const a = Math.abs(n)
    const ip = Math.floor(a)
    const frac = Math.round((a - ip) * 1000000000000)
    return (neg ? "-" : "") + ip + "+" + frac + "e-12"
}

/** The lines a vector produces; identical in Node and DeviceScript or the core misbehaves on one of them. */
export function runVector(v: Vector): string[] {
    return vectorLines(v, decodeChars(expand(v.input)))
}

/** A vector decoded a slice at a time (DeviceScript: await between slices, as the firmware gets serial reports). */
export class VectorRun {
    private chars: number[]
    private pos = 0
    private dec = new Decoder()
    private result: Decoded | null = null
    constructor(public v: Vector) {
        this.chars = expand(v.input)
    }
    /** decodes up to n more characters; true when the whole vector is done */
    advance(n: number): boolean {
        const end = Math.min(this.pos + n, this.chars.length)
        for (; this.pos < end; this.pos++) this.dec.push(this.chars[this.pos])
        if (this.pos >= this.chars.length && this.result === null) this.result = this.dec.end()
        return this.result !== null
    }
    lines(): string[] {
        return vectorLines(this.v, this.result as Decoded)
    }
}

function vectorLines(v: Vector, r: Decoded): string[] {
    const lines: string[] = []
    const id = r.identification
    if (id !== null)
        lines.push(`${v.name} id ${id.manufacturer} ${id.mode} ${id.baud} fast=${id.fastReaction} cap=${id.capability} ident=${id.ident}`)
    for (let i = 0; i < r.dataSets.length; i++) {
        const d = r.dataSets[i]
        let s = `${v.name} ds ${d.address}`
        for (let j = 0; j < d.values.length; j++) {
            const val = d.values[j]
            s += ` [${val.text}|${exactNumber(val.number)}|${val.unit}|${canonicalNumber(val.text)}]`
        }
        const info = obisInfo(d.address, d.values.length > 0 ? d.values[0].unit : null)
        if (info !== null) s += ` ${info.quantity}/${info.deviceClass}/${info.stateClass}`
        lines.push(s)
    }
    for (let i = 0; i < r.errors.length; i++) lines.push(`${v.name} err ${r.errors[i].kind}: ${r.errors[i].message}`)
    lines.push(`${v.name} blocks ${r.blocks}`)
    return lines
}

/** Number and codec checks that hit known DeviceScript differences (parseFloat of hex, 7-digit printing, Math.max). */
export function runScalars(): string[] {
    const lines: string[] = []
    const texts = ["00132.149", "0x10", "1e5", "99999.9999", "9.9999999", "00001234.5678901", "-0000.000", "0,25", "1A2F", "", " 12.5", "123456789012.123", "+5", "1.", ".5"]
    for (let i = 0; i < texts.length; i++)
        lines.push(`num "${texts[i]}" ${exactNumber(parseNumber(texts[i]))} ${canonicalNumber(texts[i])}`)
    let codec = ""
    for (let c = 0; c < 128; c++) {
        const b = encode7E1(c)
        if (decode7E1(b) !== c || decode7E1(b ^ 0x80) !== (c | RX_PARITY_ERROR)) codec += " " + c
    }
    lines.push(`codec mismatches:${codec}`)
    const units = ["m3", "KWH", "kwh", "V", "HZ", "kvarh", "xyz"]
    for (let i = 0; i < units.length; i++) lines.push(`unit ${units[i]} -> ${normaliseUnit(units[i])}`)
    return lines
}

export const VECTORS: Vector[] = [
    { name: "iskra-c", input: "/ISK5\\2MT372-0002<CR><LF><STX>0.0.0(12345678)<CR><LF>1.8.0(00132.149*kWh)<CR><LF>1.8.1(0000123.4567*kWh)<CR><LF>!<CR><LF><ETX><BCC>" },
    { name: "echo-ack", input: "/?!<CR><LF>/LGZ4ZMD120AP<CR><LF><ACK>050<CR><LF><STX>F.F(00000000)<CR><LF>1-0:1.8.0*255(0012345.678*kWh)<CR><LF>1.6.0(0003.456*kW)(2311210915)<CR><LF>!<CR><LF><ETX><BCC>" },
    { name: "bad-bcc", input: "/EMH5<CR><LF><STX>1.8.0(00001.000*kWh)<CR><LF>!<CR><LF><ETX><7F>" },
    { name: "parity", input: "/ELS3A1500<CR><LF><STX>1.8.0(0000<P31>.000*kWh)<CR><LF>!<CR><LF><ETX><BCC>" },
    { name: "lf-only", input: "/ACE0ACE3000<LF><STX>1.8.0(001234.5*kWh)<LF>2.8.0(000000.0*kWh)<LF>!<LF><ETX><BCC>" },
    { name: "push-bare", input: "/EBZ5DD32R06DTA_001<CR><LF><CR><LF>1-0:0.0.0*255(1EBZ0100123456)<CR><LF>1-0:1.8.0*255(000123.45678901*kWh)<CR><LF>1-0:16.7.0*255(000123.45*W)<CR><LF>!<CR><LF>" },
    { name: "uh50", input: "/LUGCUH50<CR><LF><STX>6.8(0123.456*MWh)6.26(01234.56*m3)9.21(66153690)<CR><LF>9.4(088*C&082*C)<CR><LF>!<CR><LF><ETX><BCC>" },
    { name: "malformed", input: "/ISk5MT174-0001<CR><LF><STX>C.1(12880041.0(22:48 18-11-13)<CR><LF>1.8.0(00132.149*kWh)<CR><LF>0.9.1(175102)<CR><LF>F.F()<CR><LF>!<CR><LF><ETX><BCC>" },
    { name: "mode-b", input: "/HLY5DTSD545<CR><LF>/ABCD<CR><LF>/XYZ<CR><LF><STX>32.7.0(230.1*V)<CR><LF>!<CR><LF><ETX><BCC>" },
    { name: "error-answer", input: "<STX>(ER11)<ETX><BCC>" },
    { name: "programming", input: "<SOH>P0<STX>(00000000)<ETX><BCC><STX>1.8.0(00132.149*kWh)<ETX><BCC><STX>0.0.0(1234<EOT><BCC>" },
    // DSMR 5 Sagemcom T210-D-R, a real telegram (ndokter/dsmr_parser TELEGRAM_SAGEMCOM_T210_D_R, the
    // profile profiles/dsmr5-sagemcom-t210-d-r.json): CRC-16/ARC 7EF9 verified; then one digit changed.
    // (A 950-character telegram decoded in one call overruns the VM's step budget: the firmware
    // gets it in serial reports of 64.)
    { name: "dsmr5", input: "/EST5\\253710000_A<CR><LF><CR><LF>1-3:0.2.8(50)<CR><LF>0-0:1.0.0(221006155014S)<CR><LF>1-0:1.8.0(006545766*Wh)<CR><LF>1-0:1.8.1(005017120*Wh)<CR><LF>1-0:1.8.2(001528646*Wh)<CR><LF>1-0:1.7.0(000000286*W)<CR><LF>1-0:2.8.0(000000058*Wh)<CR><LF>1-0:2.8.1(000000000*Wh)<CR><LF>1-0:2.8.2(000000058*Wh)<CR><LF>1-0:2.7.0(000000000*W)<CR><LF>1-0:3.8.0(000000747*varh)<CR><LF>1-0:3.8.1(000000000*varh)<CR><LF>1-0:3.8.2(000000747*varh)<CR><LF>1-0:3.7.0(000000000*var)<CR><LF>1-0:4.8.0(003897726*varh)<CR><LF>1-0:4.8.1(002692848*varh)<CR><LF>1-0:4.8.2(001204878*varh)<CR><LF>1-0:4.7.0(000000166*var)<CR><LF>!7EF9<CR><LF>" },
    { name: "dsmr5-bad-crc", input: "/EST5\\253710000_A<CR><LF><CR><LF>1-3:0.2.8(50)<CR><LF>0-0:1.0.0(221006155014S)<CR><LF>1-0:1.8.0(006545767*Wh)<CR><LF>1-0:1.8.1(005017120*Wh)<CR><LF>1-0:1.8.2(001528646*Wh)<CR><LF>1-0:1.7.0(000000286*W)<CR><LF>1-0:2.8.0(000000058*Wh)<CR><LF>1-0:2.8.1(000000000*Wh)<CR><LF>1-0:2.8.2(000000058*Wh)<CR><LF>1-0:2.7.0(000000000*W)<CR><LF>1-0:3.8.0(000000747*varh)<CR><LF>1-0:3.8.1(000000000*varh)<CR><LF>1-0:3.8.2(000000747*varh)<CR><LF>1-0:3.7.0(000000000*var)<CR><LF>1-0:4.8.0(003897726*varh)<CR><LF>1-0:4.8.1(002692848*varh)<CR><LF>1-0:4.8.2(001204878*varh)<CR><LF>1-0:4.7.0(000000166*var)<CR><LF>!7EF9<CR><LF>" },
    // DSMR 2.2 (TELEGRAM_V2_2): the gas reading on the line after 0-1:24.3.0 joins it in m3
    { name: "dsmr22", input: "/ISk5\\2MT382-1004<CR><LF><CR><LF>0-0:96.1.1(00000000000000)<CR><LF>1-0:1.8.1(00001.001*kWh)<CR><LF>1-0:1.8.2(00001.001*kWh)<CR><LF>1-0:2.8.1(00001.001*kWh)<CR><LF>1-0:2.8.2(00001.001*kWh)<CR><LF>0-0:96.14.0(0001)<CR><LF>1-0:1.7.0(0001.01*kW)<CR><LF>1-0:2.7.0(0000.00*kW)<CR><LF>0-0:17.0.0(0999.00*kW)<CR><LF>0-0:96.3.10(1)<CR><LF>0-0:96.13.1()<CR><LF>0-0:96.13.0()<CR><LF>0-1:24.1.0(3)<CR><LF>0-1:96.1.0(000000000000)<CR><LF>0-1:24.3.0(161107190000)(00)(60)(1)(0-1:24.2.1)(m3)<CR><LF>(00001.001)<CR><LF>0-1:24.4.0(1)<CR><LF>!<CR><LF>" },
    { name: "bang-after-value", input: "/ACE0ACE5SMLCD<CR><LF><STX>6.31(0109868*h)!<CR><LF><ETX><BCC>" },
    { name: "garbage", input: "<7F><7F><7F><P12>/ACE0ACE<CR><LF><STX>1.8.0(1*kWh)<CR><LF>!<CR><LF><ETX><BCC>" },
]
