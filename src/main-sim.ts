// Simulator entry point: the same firmware, plus the simulated optical head with
// a meter behind it, both inside the DeviceScript simulator. The simulated line
// is described by SIM_* settings (written by tools/simulate.ts from a profile,
// through the same settings store the firmware reads), so one build serves every
// profile: SIM_IDENT identification line, SIM_ADDR meter address, SIM_N data
// lines in SIM_L0..SIM_L<N-1>, SIM_GEN generated lines, SIM_DAMAGE wrong BCC,
// SIM_REACT reaction ms, SIM_HEAD "7E1" or "8N1" (8N1-only server), SIM_ECHO,
// SIM_SPEED line-rate factor.
import { readSetting } from "@devicescript/settings"
import { runFirmware } from "./app"
import { startSimHead } from "./simhead"
import { ReplayMeter, ReplayProfile } from "./replay-meter"
import { settingText } from "./settings"

async function num(key: string, def: number) {
    const v = parseInt(settingText(await readSetting(key, undefined)))
    return isNaN(v) ? def : v
}

async function flag(key: string) {
    return settingText(await readSetting(key, undefined)) === "true"
}

const n = await num("SIM_N", 0)
const lines: string[] = []
for (let i = 0; i < n; i++) lines.push(settingText(await readSetting("SIM_L" + i, "")))
const profile: ReplayProfile = {
    identification: settingText(await readSetting("SIM_IDENT", "/ABC5METER1")),
    address: settingText(await readSetting("SIM_ADDR", "")),
    lines: lines,
    generated: await num("SIM_GEN", 0),
    damage: await flag("SIM_DAMAGE"),
    reactionMs: await num("SIM_REACT", 200),
}
startSimHead(new ReplayMeter(profile), {
    eightN1Only: settingText(await readSetting("SIM_HEAD", "7E1")) === "8N1",
    echo: await flag("SIM_ECHO"),
    speed: await num("SIM_SPEED", 1),
})
await runFirmware()
