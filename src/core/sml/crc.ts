// CRC-16 as SML uses it: CRC-16/X-25 (poly 0x1021 reflected, init 0xffff,
// xorout 0xffff) for the transport trailer and each message's CRC field, and
// CRC-16/KERMIT (same table, init 0, no xorout) that early Holley DTZ541
// firmware puts in its trailer (volkszaehler/libsml issue 75). Both are
// reflected, so one table serves them; the register update is the same.

const POLY_REFLECTED = 0x8408

// One table lookup per byte instead of eight shifts: the reader runs this for
// every received byte, and DeviceScript counts each operation. The table is two
// 256-byte Buffers (low and high byte of each entry): as an array of 256 numbers it
// was one contiguous 2,140-byte block on the VM's heap for the firmware's whole
// life, its largest after the outage queue (npm run soak's heap watch found it).
const LO = Buffer.alloc(256)
const HI = Buffer.alloc(256)
for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ POLY_REFLECTED : c >> 1
    LO[i] = c & 0xff
    HI[i] = c >> 8
}

export const X25_INIT = 0xffff
export const KERMIT_INIT = 0x0000

/** The register after one more byte. */
export function crcStep(reg: number, b: number): number {
    const x = (reg ^ b) & 0xff
    return (reg >> 8) ^ LO[x] ^ (HI[x] << 8)
}

/** The X-25 value from a register that started at X25_INIT. */
export function x25Final(reg: number): number {
    return (reg ^ 0xffff) & 0xffff
}

/** CRC-16/X-25 of bytes[from..to). */
export function crcX25(bytes: Buffer, from: number, to: number): number {
    let r = X25_INIT
    for (let i = from; i < to; i++) r = crcStep(r, bytes[i])
    return x25Final(r)
}

/** CRC-16/KERMIT of bytes[from..to). */
export function crcKermit(bytes: Buffer, from: number, to: number): number {
    let r = KERMIT_INIT
    for (let i = from; i < to; i++) r = crcStep(r, bytes[i])
    return r & 0xffff
}
