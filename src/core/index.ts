// The portable core: everything the firmware, the simulator and the tools share.
export * from "./types"
export * from "./bytes"
export * from "./numbers"
export * from "./obis"
export * from "./datasets"
export * from "./session-types"
