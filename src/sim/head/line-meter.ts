// What sits behind a simulated optical head, at wire level: the seam between a
// head (the DeviceScript Serial server in server.ts, or the Node one in
// tools/vm-host/sim-head.ts) and the meter models (SimMeter, the SML replay, the
// large-readout generator, head faults). Portable: no DeviceScript imports.

/**
 * The meter behind the head, at wire level (the 8 bits between start and stop bit; a 7E1
 * character is c | parity << 7). Times are ms (ds.millis()). The real simulated meter
 * (src/sim/meter.ts SimMeter: receiveWire/tick/takeOutput) fits behind this with a thin adapter.
 */
export interface LineMeter {
    /** a reader character's stop bit has ended at `now`, sent at `baud` */
    receiveWire(now: number, wire: number, baud: number): void
    /** the meter's own timers (called every pump turn) */
    tick(now: number): void
    /** the next characters the meter sends (asked when the head has room), or null when silent now */
    transmit(now: number): MeterChunk | null
}

/** Characters sent back to back at one baud. */
export interface MeterChunk {
    wire: Buffer
    baud: number
    /** the first character starts not before this time (the meter's reaction time); 0 = as soon as the line is free */
    at: number
}

export interface HeadOptions {
    eightN1Only: boolean
    echo: boolean
    /** 1 = real line rate; larger values run the line faster (for very large readouts in tests) */
    speed: number
    /**
     * The meter's characters reach the reader's UART inverted: a P1 port's open-collector data
     * line (meter quirk invertedLine) read without the board's irHead.invertRX, or a plain line
     * read with it. A UART then sees the idle line as a break: every character a framing error.
     */
    rxInverted?: boolean
}

