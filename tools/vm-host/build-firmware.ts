// `npm test`'s "firmware compiles" step: DeviceScript's compiler over the device image and the
// core's DeviceScript entry (the type check of what runs on the device). The image goes through
// buildSimFirmware, whose cache (per source state) the end-to-end tests and the size test read, so
// the run compiles the image once, whichever of them comes first. Exit 1 with the compiler's output.
import { buildFirmware } from "./devs-host"
import { buildSimFirmware } from "./sim-profile"

try {
    console.log(`src/firmware/main.ts: ${buildSimFirmware().length} bytes`)
    console.log(`test/ds/core-entry.ts: ${buildFirmware("test/ds/core-entry.ts").length} bytes`)
} catch (e) {
    console.error((e as Error).message)
    process.exit(1)
}
