// The reader's defaults: what the device runs with when no setting says
// otherwise. The firmware's settings, the engine's tests and the bench all start
// from here, so the tests exercise the device's own configuration.
import { SessionConfig } from "./session-types"
import { PollConfig } from "./schedule"

/** The standard's baud rates (IEC 62056-21 Z characters 0..6), lowest first. */
export const STANDARD_BAUDS: number[] = [300, 600, 1200, 2400, 4800, 9600, 19200]

/** Push-only bauds beyond the standard's Z characters: DSMR P1 4.x/5.x push at 115200 8N1 (DSMR 5.0.2 P1 companion standard 5.3); a push meter has no baud character to negotiate. */
export const PUSH_ONLY_BAUDS: number[] = [38400, 57600, 115200]

export function isStandardBaud(b: number): boolean {
    return STANDARD_BAUDS.indexOf(b) >= 0
}

export function defaultSessionConfig(): SessionConfig {
    return {
        requestChar: "?",
        address: "",
        // 19200 Bd is in the standard, but many optical heads' phototransistors cannot follow it
        maxBaud: 9600,
        forceBaud: null,
        forceMode: null,
        wakeup: "auto",
        fallback: true,
        push: null,
        programming: null,
        maxRetries: 2,
    }
}

export function defaultPollConfig(): PollConfig {
    return { intervalMs: 60000, backoffMs: 5000, maxBackoffMs: 300000 }
}
