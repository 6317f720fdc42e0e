// Compiled (and run) by DeviceScript: the simulator (meter, profiles, line) must
// stay inside the DeviceScript subset because the firmware will host the same
// meter model in the DeviceScript simulator as a Serial server.
import { SimMeter, checkProfile, expectedData, loadProfile, VirtualLine, acceptedDataSets } from "../../src/sim/index"

const p = loadProfile({
    name: "ds-smoke",
    identification: "/ISK5MT174-0001",
    mode: "C",
    maxBaud: 9600,
    dataBlock: "1.8.0(00132.149*kWh)\r\n",
    source: "smoke test",
})
const bad = checkProfile({ name: 3, mode: "X" })
const m = new SimMeter(p, 0)
const req = [0x2f, 0x3f, 0x21, 0x0d, 0x0a]
let t = 0
for (let i = 0; i < req.length; i++) {
    t += 10000 / 300
    m.receive(t, req[i], 300, "7E1")
}
const out = m.takeOutput(100000)
const line = new VirtualLine(new SimMeter(p, 0), { trace: false })
console.log(`ident chars ${out.length}, errors ${bad.errors.length}, sets ${expectedData(p).dataSets.length}`)
console.log(`deadline ${m.nextDeadline()} ${acceptedDataSets([]).length} ${line.meterChars}`)
