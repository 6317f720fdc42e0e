// Golden vectors run through the core both in Node and inside the DeviceScript
// simulator; the two outputs must be identical line for line. Portable code:
// it must compile for DeviceScript (no RegExp, no Map, no number formatting that
// differs between the two: numbers are printed as integer parts only).
import { RX_PARITY_ERROR } from "../../src/core/types"
import { decodeChars } from "../../src/core/decode"
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
    const lines: string[] = []
    const r = decodeChars(expand(v.input))
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
    { name: "garbage", input: "<7F><7F><7F><P12>/ACE0ACE<CR><LF><STX>1.8.0(1*kWh)<CR><LF>!<CR><LF><ETX><BCC>" },
]
