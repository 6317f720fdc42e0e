import { newMemory } from "../src/core/memory"
import { configFor, readProfile, runSession } from "../tools/harness"
const p = readProfile(process.argv[2])
const r = runSession(p, configFor(p), {}, newMemory())
let last = ""
for (const e of r.trace) {
  if (e.kind === "char") { const s = `${e.dir} ${e.start.toFixed(1)}-${e.at.toFixed(1)} ${e.baud} ${e.char.toString(16)} rx=${e.rx} ${e.fault ?? ""}`; if (e.at < 1400 && e.at > 700) console.log(s) }
  else if (e.kind !== "event") console.log(JSON.stringify(e))
}
const cs = r.trace.filter((e: any) => e.kind === "char" && e.dir === "meter" && e.baud === 9600) as any[]
let x = 0; const stx = cs.findIndex(c => c.char === 2)
for (let i = stx + 1; i < cs.length - 1; i++) x ^= cs[i].char
console.log("computed", x.toString(16), "sent", cs[cs.length - 1].char.toString(16), "n", cs.length, cs.slice(-6).map(c => c.char.toString(16)).join(" "))
