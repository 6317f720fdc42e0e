// DeviceScript's native Buffer word access, which src/core/bytes.ts gives Node's Buffer too
// (only "u32", little-endian unsigned, is used).
declare global {
    interface Buffer {
        getAt(offset: number, format: "u32"): number
        setAt(offset: number, format: "u32", value: number): void
    }
}
export {}
