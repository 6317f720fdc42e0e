import { newMemory } from "../src/core/memory"
import { configFor, readProfile, runSession } from "../tools/harness"
import { SimMeter } from "../src/sim/index"
const p = readProfile(process.argv[2])
const memory = newMemory(); const meter = new SimMeter(p, 0)
for (let k = 0; k < 2; k++) {
  const r = runSession(p, configFor(p), {}, memory, meter, k * 60000)
  for (const e of r.events) if (e.event.type !== "dataSet") console.log(e.at.toFixed(1), JSON.stringify(e.event).slice(0, 300))
  console.log(JSON.stringify(memory))
}
