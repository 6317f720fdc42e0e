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
import { oneOf, parseCommand, usageError, wholeNumber } from "../cli"

const COMMAND = {
    name: "serve",
    usage: `usage: npm run serve -- --port PATH [options]
A Jacdac Serial server for a physical optical head, for the firmware on this host (start it with
\`npx devs devtools src/firmware/main.ts\`).
  --port PATH          the head's serial device, e.g. /dev/ttyUSB0
  --framing F          hardware (the OS does 7E1, the default) or software (8N1, parity in software)
  --devtools PORT      the devtools bus port (default 8082)
  --name ROLE          the Serial role the firmware binds (default meter)
  -h, --help           this text`,
    options: {
        port: { type: "string" },
        framing: { type: "string" },
        devtools: { type: "string" },
        name: { type: "string" },
    },
} as const

function main() {
    const { values: v } = parseCommand(COMMAND)
    const path = v.port ?? ""
    const framing = oneOf(COMMAND, "--framing", v.framing, ["hardware", "software"] as const, "hardware")
    const devtools = wholeNumber(COMMAND, "--devtools", v.devtools, 1, 8082)
    const name = v.name ?? "meter"
    if (!path) usageError(COMMAND, "--port is required")
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
