// Simulator entry point: the same firmware, plus the simulated optical head with
// the project's simulated meter (src/sim) behind it, both inside the DeviceScript
// simulator. The line is described by SIM_* settings (written by tools/simulate.ts
// from a profile, through the same settings store the firmware reads), so one
// build serves every profile: SIM_PN pieces SIM_P0.. of the meter profile's JSON,
// SIM_HEAD "7E1" or "8N1" (an 8N1-only server), SIM_ECHO, SIM_SPEED line-rate
// factor. Generated readouts (SIM_GEN) run from generated.ts, an image of their own.
import * as ds from "@devicescript/core"
import { readSetting } from "@devicescript/settings"
import { runFirmware } from "../../firmware/app"
import { LineMeter, startSimHead } from "./server"
import { SimMeterLine } from "./sim-meter"
import { SimMeter } from "../meter"
import { parseProfile } from "../profiles"
import { settingText } from "../../firmware/settings"

async function num(key: string, def: number) {
    const v = parseInt(settingText(await readSetting(key, undefined)))
    return isNaN(v) ? def : v
}

async function flag(key: string) {
    return settingText(await readSetting(key, undefined)) === "true"
}

async function meter(): Promise<LineMeter> {
    const n = await num("SIM_PN", 0)
    let json = ""
    for (let i = 0; i < n; i++) json += settingText(await readSetting("SIM_P" + i, ""))
    return new SimMeterLine(new SimMeter(parseProfile(JSON.parse(json)), ds.millis()))
}

startSimHead(await meter(), {
    eightN1Only: settingText(await readSetting("SIM_HEAD", "7E1")) === "8N1",
    echo: await flag("SIM_ECHO"),
    speed: await num("SIM_SPEED", 1),
})
await runFirmware()
