// Simulator entry point: the same firmware, plus the simulated optical head with
// the project's simulated meter (src/sim) behind it, both inside the DeviceScript
// simulator. The line is described by SIM_* settings (written by tools/simulate.ts
// from a profile, through the same settings store the firmware reads), so one
// build serves every profile: SIM_PN pieces SIM_P0.. of the meter profile's JSON,
// SIM_BN pieces SIM_B0.. of its data lines (kept apart so that the block is
// joined once and never goes through JSON.parse: a copy of a 10 KB telegram
// matters in a 64 KB heap), SIM_HEAD "7E1" or "8N1" (an 8N1-only server), SIM_ECHO, SIM_SPEED line-rate
// factor; SIM_GEN > 0 replaces the meter by a generator of that many data lines
// (SIM_IDENT), for readouts larger than the heap.
import * as ds from "@devicescript/core"
import { readSetting } from "@devicescript/settings"
import { runFirmware } from "../../firmware/app"
import { LineMeter, startSimHead } from "./server"
import { GeneratedMeter } from "./generated-meter"
import { SimMeterLine } from "./sim-meter"
import { SimMeter } from "../meter"
import { Profile } from "../profiles"
import { settingText } from "../../firmware/settings"

async function num(key: string, def: number) {
    const v = parseInt(settingText(await readSetting(key, undefined)))
    return isNaN(v) ? def : v
}

async function flag(key: string) {
    return settingText(await readSetting(key, undefined)) === "true"
}

async function meter(): Promise<LineMeter> {
    const generated = await num("SIM_GEN", 0)
    if (generated > 0)
        return new GeneratedMeter({
            identification: settingText(await readSetting("SIM_IDENT", "/ABC6BIG")),
            address: "",
            lines: [],
            generated: generated,
            damage: false,
            reactionMs: 200,
        })
    const n = await num("SIM_PN", 0)
    let json = ""
    for (let i = 0; i < n; i++) json += settingText(await readSetting("SIM_P" + i, ""))
    // The host sends the profile checked and with every default filled in
    // (tools/vm-host/sim-profile.ts): the checker stays out of this image, whose
    // function code must stay under 64 KB (the VM's verifier, check 1051).
    const profile = JSON.parse(json) as Profile
    const nb = await num("SIM_BN", 0)
    const pieces: string[] = []
    for (let i = 0; i < nb; i++) pieces.push(settingText(await readSetting("SIM_B" + i, "")))
    // the host checked the block (tools/vm-host/sim-profile.ts): a character loop over it here would cost steps
    if (nb > 0) profile.dataBlock = pieces.join("")
    return new SimMeterLine(new SimMeter(profile, ds.millis()))
}

startSimHead(await meter(), {
    eightN1Only: settingText(await readSetting("SIM_HEAD", "7E1")) === "8N1",
    echo: await flag("SIM_ECHO"),
    speed: await num("SIM_SPEED", 1),
})
await runFirmware()
