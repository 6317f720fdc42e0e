// Device entry point: the firmware that is deployed to the ESP32, reading D0 and SML meters.
import { runFirmware } from "./app"
import { newEngine } from "./engine"

await runFirmware(newEngine)
