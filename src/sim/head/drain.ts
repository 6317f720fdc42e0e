// The CPU bench's baseline program (tools/bench/cpu.ts): signs on to the
// generated meter with fixed messages and only drains the serial role until the
// block's BCC, so the bench can subtract what the runtime spends on carrying the
// bytes (Jacdac reports, the role's subscription) from the real firmware's cost.
// It shares the simulated head, the meter and the Jacdac path with the
// firmware; nothing of the core runs here. An image of its own (entry below).
import * as ds from "@devicescript/core"

const REPORT_RECEIVED = 0x80
const LF = 0x0a
const ETX = 0x03

async function runDrain(baud: number, baudDigit: string) {
    const ser = new ds.Serial("meter")
    let bytes = 0
    let sawLf = false
    let etxAt = -1
    const got = ds.emitter<number>()
    ser.report().subscribe(pkt => {
        if (pkt.serviceCommand !== REPORT_RECEIVED) return
        const data = pkt.payload
        if (!data || !data.length) return
        bytes += data.length
        if (data.indexOf(LF) >= 0) sawLf = true
        if (etxAt < 0) {
            const i = data.indexOf(ETX)
            if (i >= 0) etxAt = bytes - data.length + i
        }
        got.emit(data.length)
    })
    await ser.enabled.write(true)
    await ser.baudRate.write(300)
    await ser.dataBits.write(7)
    await ser.parityMode.write(ds.SerialParityType.Even)
    await ser.send(Buffer.from("/?!\r\n"))
    while (!sawLf) await ds.wait(got, 1000)
    await ds.sleep(250)
    const ack = Buffer.from("x0" + baudDigit + "0\r\n")
    ack[0] = 0x06
    await ser.send(ack)
    await ser.baudRate.write(baud)
    bytes = 0
    etxAt = -1
    // the BCC follows the ETX
    while (etxAt < 0 || bytes < etxAt + 2) await ds.wait(got, 1000)
    console.log(`drain: done ${bytes} bytes`)
}

await runDrain(19200, "6")
