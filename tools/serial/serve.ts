// npm run serve -- --port /dev/ttyUSB0 [--framing hardware|software] [--devtools PORT] [--name ROLE]
//
// The serial bridge: runs the firmware on this host against a physical optical
// head (USB IR reader: Volkszaehler, Hichi, Weidmann...) with the same settings as
// on the ESP32. It hosts a Jacdac Serial server (jacdac-serial.ts) that the
// firmware's `ds.Serial("meter")` role binds to, and forwards to the device
// (bridge.ts). Today it joins the bus of `devs devtools` (its Jacdac socket on
// port 8082), so:
//     npx devs devtools src/firmware/main.ts      # terminal 1: builds and serves the firmware
//     npm run serve -- --port /dev/ttyUSB0   # terminal 2 (before or after the firmware starts)
// The device errors (missing, busy, unplugged, baud refused) are logged and retried;
// the firmware only ever sees a silent meter meanwhile. Ctrl-C stops it.
// (With the in-process firmware runner of tools/vm-host/devs-host.ts, the same server
// attaches through frameBus() in jacdac-serial.ts instead of the socket.)
import { SerialBridge } from "./bridge"
import { SerialBridgeServer, devtoolsBus } from "./jacdac-serial"

function usage(msg: string): never {
    process.stderr.write(`serve: ${msg}\nusage: npm run serve -- --port PATH [--framing hardware|software] [--devtools PORT] [--name ROLE]\n`)
    process.exit(2)
}

function main() {
    const argv = process.argv.slice(2)
    let path = "", framing: "hardware" | "software" = "hardware", devtools = 8082, name = "meter"
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i]
        const next = () => (i + 1 < argv.length ? argv[++i] : usage(`${k} needs a value`))
        if (k === "--port") path = next()
        else if (k === "--framing") {
            const f = next()
            if (f !== "hardware" && f !== "software") usage("--framing is hardware or software")
            framing = f
        } else if (k === "--devtools") devtools = +next()
        else if (k === "--name") name = next()
        else usage(`unknown argument ${k}`)
    }
    if (!path) usage("--port is required")
    const bridge = new SerialBridge({ path, framing })
    const server = new SerialBridgeServer(bridge, name)
    bridge.start()
    const bus = devtoolsBus(server, devtools)
    process.stderr.write(`serve: Serial server "${name}" for ${path} on the devtools bus (127.0.0.1:${devtools}); start the firmware with devs devtools / devs run\n`)
    const stop = async () => {
        await bridge.stop()
        await bus.dispose()
        process.stderr.write(`serve: stopped; ${JSON.stringify(bridge.stats)}\n`)
        process.exit(0)
    }
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
}

if (require.main === module) main()
