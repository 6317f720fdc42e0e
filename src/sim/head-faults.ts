// Faults of the optical head (not of the meter) on the virtual line, by name, so
// tests and tools describe a scenario the way a user would: RX and TX swapped,
// the utility has switched the meter's port off, sunlight floods the sensor.
import { LineOptions } from "./line"

export type HeadFault = "swapped" | "portDisabled" | "flooded"

export const HEAD_FAULTS: HeadFault[] = ["swapped", "portDisabled", "flooded"]

/** long enough to cover any session on the virtual line */
const FOREVER_MS = 1e9

/** The line options that produce `fault`, on top of `base`. */
export function withHeadFault(fault: HeadFault, base: LineOptions = {}): LineOptions {
    // swapped: our LED is never driven and the sensor's output goes nowhere: the meter hears nothing, we see nothing (not even echo)
    if (fault === "swapped") return { ...base, noReply: true, echo: false }
    // port disabled: the head is fine and sees its own light on the window, the meter ignores the optical port
    if (fault === "portDisabled") return { ...base, noReply: true, echo: true }
    // flooded: light on the sensor is a space: RX reads a held line (breaks) all the time
    return { ...base, noise: [{ at: 0, ms: FOREVER_MS, break: true }] }
}
