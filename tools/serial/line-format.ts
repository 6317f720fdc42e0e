// What one byte on a serial device means, agreed between the meter server
// (paced-meter.ts), the bridge (bridge.ts) and the Node engine driver
// (engine-port.ts).
//
// "wire" (the default, what this project's own ends use): the device runs at
// 8N1 and each byte is the 8 bits between start and stop bit. A 7E1 character is
// `c | parity(c) << 7`, so parity is added and checked in software (src/core
// bytes.ts). On a real UART this is the same waveform as 7E1; on a pty it is the
// only way parity can travel at all, because a pty ignores CS7/PARENB and passes
// all 8 bits.
//
// "7bit": each byte is a 7-bit character, as the OS hands it to a port opened
// at 7E1 on real hardware (parity checked and stripped there). Needed for
// readers that open their port at 7E1 and expect clean ASCII (smartmeter-obis);
// on a pty, parity errors are therefore invisible to them.
import { encode7E1 } from "../../src/core/bytes"

export type LineFormat = "wire" | "7bit"

/** The byte to put on the device for a character whose wire byte is `wire`. */
export function deviceByte(wire: number, f: LineFormat): number {
    return f === "wire" ? wire & 0xff : wire & 0x7f
}

/** The wire byte a reader meant with device byte `b` (7bit readers leave the parity to the OS: add it). */
export function wireOfDeviceByte(b: number, f: LineFormat): number {
    return f === "wire" ? b & 0xff : encode7E1(b & 0x7f)
}
