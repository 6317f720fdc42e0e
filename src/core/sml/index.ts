// SML 1.04 (push telegrams of German "moderne Messeinrichtung" meters), sans-I/O.
export * from "./wire"
export * from "./crc"
export * from "./digits"
export * from "./transport"
export * from "./tl"
export * from "./messages"
export * from "./reader"
export * from "./decode"
