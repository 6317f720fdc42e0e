// The portable core: everything the firmware, the simulator and the tools share.
export * from "./types";
export * from "./bytes";
export * from "./numbers";
export * from "./obis";
export * from "./datasets";
export * from "./session-types";
export * from "./messages";
export * from "./identification";
export * from "./framer";
export * from "./decode";
export * from "./timing";
export * from "./echo";
export * from "./memory";
export * from "./schedule";
export * from "./session";
