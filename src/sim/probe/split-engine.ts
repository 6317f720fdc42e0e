// CPU bench split, stage 2 (see split-probe.ts)
import { runSplit } from "./split-probe"

await runSplit(2)
