// Simulator entry point for generated readouts (SIM_GEN data lines after
// SIM_IDENT, streamed by generated-meter.ts, for readouts far larger than the
// heap): the firmware behind the simulated head, or with SIM_DRAIN the CPU
// bench's drain-only reader (drain.ts). SIM_HEAD, SIM_ECHO and SIM_SPEED as in
// main.ts. Its own image: the simulator's functions with the profile-driven
// meter are near the VM's 64 KB limit.
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
    { eightN1Only: (await text("SIM_HEAD", "7E1")) === "8N1", echo: (await text("SIM_ECHO", "false")) === "true", speed: parseInt(await text("SIM_SPEED", "1")) },
)
if ((await text("SIM_DRAIN", "false")) === "true") await runDrain(19200, "6")
else await runFirmware()
