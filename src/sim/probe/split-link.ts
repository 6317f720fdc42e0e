// CPU bench split, stage 1 (see split-probe.ts)
import { runSplit } from "./split-probe"

await runSplit(1)
