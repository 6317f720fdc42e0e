// Device entry point: the firmware that is deployed to the ESP32.
import { runFirmware } from "./app"

await runFirmware()
