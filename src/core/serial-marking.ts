// How a serial service marks received characters for the firmware, as agreed
// between the simulated head (src/sim/head/server.ts), the native ESP32 service
// (native/esp32) and the firmware's link (src/firmware/link.ts). Portable: no
// DeviceScript imports, so the conformance test runs it in Node next to the C
// service's host build.
//  - 7 data bits (hardware 7E1): a good character arrives as is (< 0x80); one
//    with a parity or framing error arrives with bit 7 set (0x80 | c).
//  - 8 data bits (8N1, the firmware does 7E1 in software): the byte arrives as
//    is; one with a framing error arrives as 0x7F, an invalid even-parity 7E1
//    encoding, so the software decoder rejects it.
//  - Characters the service's own receive buffer dropped (the reader was too slow
//    to take them) are not marked: the service sends its status_code register
//    (0x103) as a report with code 0 and the running total of dropped characters
//    (mod 65536) in vendor_code, before the characters after the gap. The link
//    adds the difference of the totals to what it lost (link.ts REPORT_STATUS).
import { decode7E1, parityBit } from "./bytes"
import { RX_PARITY_ERROR } from "./types"

/** The byte a service reports for a wire byte `w` (the 8 bits after the start bit) read with `dataBits`. */
export function serviceDelivers(w: number, dataBits: number, framingError: boolean): number {
    if (dataBits === 8) return framingError ? 0x7f : w & 0xff
    const c = w & 0x7f
    const parityOk = parityBit(c) === ((w >> 7) & 1)
    return framingError || !parityOk ? 0x80 | c : c
}

/** What the firmware's engine gets for a reported byte: a 7-bit character with RX_* flags (raw8: the byte as is, for 8N1 push meters). */
export function linkReceives(b: number, hardware7E1: boolean, raw8: boolean): number {
    if (raw8) return b
    if (hardware7E1) return b & 0x80 ? (b & 0x7f) | RX_PARITY_ERROR : b
    return decode7E1(b)
}
