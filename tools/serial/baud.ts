// Changing a port's baud without losing bytes.
//
// serialport's `port.update({ baudRate })` calls tcflush(fd, TCIOFLUSH) before
// tcsetattr (@serialport/bindings-cpp src/serialport_unix.cpp), so it throws away
// received bytes not yet read and, on a pty, the bytes just written that the other
// side has not read yet (on a socat pair about 6% of acks were lost when the baud
// changed right after the drain). `stty -F PATH SPEED` sets the same termios with
// TCSADRAIN and flushes nothing. Termios belongs to the device, not to the file
// descriptor, so setting it through a second open of the path applies to the
// open port. When stty is missing or refuses, fall back to update().
import { execFile } from "node:child_process"
import type { SerialPort } from "serialport"

export function setBaud(port: SerialPort, path: string, baud: number): Promise<void> {
    return new Promise((res, rej) => {
        execFile("stty", ["-F", path, String(baud)], { timeout: 2000 }, err => {
            if (!err) return res()
            port.update({ baudRate: baud }, e => (e ? rej(new Error(`cannot set ${path} to ${baud} baud: ${e.message}`)) : res()))
        })
    })
}
