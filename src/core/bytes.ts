// Control characters, the block check character and the software 7E1 codec.
// An 8N1 UART sees a 7E1 character as 8 data bits with the parity in bit 7, so
// a reader whose serial port cannot do 7E1 sends `c | parity << 7` at 8N1 and
// checks the parity itself on receive.
import { RX_PARITY_ERROR } from "./types"

export const SOH = 0x01
export const STX = 0x02
export const ETX = 0x03
export const EOT = 0x04
export const ACK = 0x06
export const NAK = 0x15
export const LF = 0x0a
export const CR = 0x0d
export const NUL = 0x00

/** 1 when the low 7 bits of c have an odd number of ones (so the even-parity bit is set). */
export function parityBit(c: number): number {
    let v = c & 0x7f
    v ^= v >> 4
    v ^= v >> 2
    v ^= v >> 1
    return v & 1
}

/** A 7-bit character as the 8N1 byte that carries it with even parity. */
export function encode7E1(c: number): number {
    return (c & 0x7f) | (parityBit(c) << 7)
}

/** An 8N1 byte as the 7-bit character, or the character | RX_PARITY_ERROR when the parity is odd. */
export function decode7E1(b: number): number {
    const c = b & 0x7f
    return (b >> 7) & 1 ? (parityBit(c) ? c : c | RX_PARITY_ERROR) : parityBit(c) ? c | RX_PARITY_ERROR : c
}

/** XOR of bytes[from..to) (7 bits), the BCC of IEC 62056-21 when `from` is just after SOH/STX and `to` is after ETX/EOT. */
export function bcc(bytes: number[], from: number, to: number): number {
    let x = 0
    for (let i = from; i < to; i++) x ^= bytes[i]
    return x & 0x7f
}

/** The characters of an ASCII string. */
export function ascii(s: string): number[] {
    const out: number[] = []
    for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0x7f)
    return out
}

/** Characters back to a string (7-bit; error flags stripped). */
export function text(chars: number[], from: number, to: number): string {
    let s = ""
    for (let i = from; i < to; i++) s += String.fromCharCode(chars[i] & 0x7f)
    return s
}

// Words: DeviceScript's Buffer reads and writes them natively (getAt/setAt; "u32" is little-endian
// unsigned), a call where readUInt32LE is a script function around it and a byte loop is four
// steps a byte; Node's Buffer gets the two methods here (typed in tools/node-buffer.d.ts), so the
// core has one API for both.
const proto: any = Buffer.prototype
if (!proto.getAt) {
    proto.getAt = function (this: any, o: number): number {
        return this.readUInt32LE(o)
    }
    proto.setAt = function (this: any, o: number, f: string, v: number): void {
        this.writeUInt32LE(v >>> 0, o)
    }
}
