// The simulated meter, its profiles and the virtual-time line (portable subset).
export * from "./profiles";
export * from "./meter";
export * from "./expected";
export * from "./line";
export * from "./run";
