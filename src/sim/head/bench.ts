// The CPU bench's entry (tools/bench/cpu.ts): the firmware, or with SIM_DRAIN the
// drain-only reader (drain.ts), behind the simulated head with the generated
// meter (SIM_GEN data lines, SIM_IDENT, SIM_SPEED as in main.ts). Its own image
// keeps the drain out of the simulator firmware, whose functions are near the
// VM's 64 KB limit.
import { readSetting } from "@devicescript/settings"
import { runFirmware } from "../../firmware/app"
import { settingText } from "../../firmware/settings"
import { startSimHead } from "./server"
import { GeneratedMeter } from "./generated-meter"
import { runDrain } from "./drain"

async function text(key: string, def: string) {
    return settingText(await readSetting(key, def))
}

startSimHead(
    new GeneratedMeter({ identification: await text("SIM_IDENT", "/ABC6BIG"), address: "", lines: [], generated: parseInt(await text("SIM_GEN", "1000")), damage: false, reactionMs: 200 }),
    { eightN1Only: false, echo: false, speed: parseInt(await text("SIM_SPEED", "1")) },
)
if ((await text("SIM_DRAIN", "false")) === "true") await runDrain(19200, "6")
else await runFirmware()
