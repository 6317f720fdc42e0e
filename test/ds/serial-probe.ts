// A DeviceScript program for test/serial-vm.test.ts: a plain ds.Serial client
// that does what the firmware's link does over the bridge (7E1 request, ack,
// switch to 9600) and logs every received report as hex.
import * as ds from "@devicescript/core"
const ser = new ds.Serial("meter")
ser.report().subscribe(pkt => {
    if (pkt.serviceCommand === 0x80 && pkt.payload.length) console.log("rx " + pkt.payload.toString("hex"))
})
await ser.enabled.write(true)
await ser.baudRate.write(300)
await ser.dataBits.write(7)
await ser.parityMode.write(ds.SerialParityType.Even)
console.log("bits " + (await ser.dataBits.read()))
await ser.send(Buffer.from("/?!\r\n"))
await ds.sleep(1500)
await ser.send(Buffer.from([6, 0x30, 0x35, 0x30, 13, 10]))
await ser.baudRate.write(9600)
await ds.sleep(1500)
console.log("done")
