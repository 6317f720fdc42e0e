// The portable core: everything the firmware, the simulator and the tools share.
export * from "./types"
export * from "./bytes"
