// Runs a command against a private Mosquitto broker on a free loopback port
// (OPTO_MQTT_URL points at it), then stops the broker. Used by the test command
// to run the firmware's end-to-end suite against Mosquitto as well as aedes.
// Exit status: the command's; 0 with a notice when Mosquitto is not installed.
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync, rmSync } from "node:fs"
import { createServer, connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

const bin = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find(p => spawnSync(p, ["-h"]).status !== null)
if (!bin) {
    console.log("mosquitto is not installed: skipped (.ci/run installs it)")
    process.exit(0)
}
const port = await new Promise(res => {
    const s = createServer().listen(0, "127.0.0.1", () => {
        const p = s.address().port
        s.close(() => res(p))
    })
})
const dir = mkdtempSync(join(tmpdir(), "opto-mosquitto-"))
const conf = join(dir, "mosquitto.conf")
writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`)
const broker = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] })
let log = ""
broker.stderr.on("data", d => (log += d))
// wait until it accepts connections
for (let i = 0; ; i++) {
    const ok = await new Promise(res => {
        const c = connect(port, "127.0.0.1", () => (c.end(), res(true)))
        c.on("error", () => res(false))
    })
    if (ok) break
    if (i > 100) {
        console.error(`mosquitto did not start on port ${port}:\n${log}`)
        broker.kill()
        process.exit(1)
    }
    await new Promise(r => setTimeout(r, 50))
}
const [cmd, ...args] = process.argv.slice(2)
const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, OPTO_MQTT_URL: `mqtt://127.0.0.1:${port}` } })
broker.kill()
rmSync(dir, { recursive: true, force: true })
process.exit(r.status ?? 1)
