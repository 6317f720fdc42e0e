// Simulator entry point for SML meters: the device firmware (D0 and SML engines)
// plus the simulated head replaying an SML meter's telegrams. The telegrams come
// as SIM_* settings written by tools/vm-host/sim-profile.ts from an SML profile
// (profiles/sml): SIM_SMLL comma-separated telegram lengths, SIM_SMLN pieces
// SIM_S0.. of their hex, SIM_SMLI the push interval in ms.
import * as ds from "@devicescript/core"
import { readSetting } from "@devicescript/settings"
import { runFirmware } from "../../firmware/app"
import { newEngine } from "../../firmware/engine"
import { settingText } from "../../firmware/settings"
import { startSimHead } from "./server"
import { SmlReplayLine } from "./sml-meter-line"

async function telegrams(): Promise<Buffer[]> {
    const n = parseInt(settingText(await readSetting("SIM_SMLN", "0")))
    let hex = ""
    for (let i = 0; i < n; i++) hex += settingText(await readSetting("SIM_S" + i, ""))
    const all = Buffer.from(hex, "hex")
    const lengths = settingText(await readSetting("SIM_SMLL", "")).split(",")
    const out: Buffer[] = []
    let at = 0
    for (let i = 0; i < lengths.length; i++) {
        const len = parseInt(lengths[i])
        if (!(len > 0) || at + len > all.length) break
        out.push(all.slice(at, at + len))
        at += len
    }
    return out
}

const interval = parseInt(settingText(await readSetting("SIM_SMLI", "2000")))
startSimHead(new SmlReplayLine(await telegrams(), interval > 0 ? interval : 2000, ds.millis()), {
    eightN1Only: settingText(await readSetting("SIM_HEAD", "7E1")) === "8N1",
    echo: false,
    speed: 1,
})
await runFirmware(newEngine)
