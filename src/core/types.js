// Typed records that cross the core's seams: what a meter sent (identification,
// data sets) and what went wrong (errors are values, never exceptions).
/** Flags on a received character: bit 8 = parity error, bit 9 = framing error. */
export const RX_PARITY_ERROR = 0x100;
export const RX_FRAMING_ERROR = 0x200;
export const RX_ERROR_MASK = 0x300;
export function coreError(kind, message) {
    return { kind: kind, message: message };
}
