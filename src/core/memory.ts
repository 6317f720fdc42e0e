// What the reader learns about its meter across sessions, so the next session
// goes straight to what worked (wake-up, a baud the meter can really do, the
// push settings found by the hunt).
import { UartSettings } from "./session-types"

export interface ReaderMemory {
    /** the meter answered only after a wake-up */
    needsWakeup: boolean
    /** highest baud to ask for after data at a higher one was unreadable; 0 = no cap */
    baudCap: number
    /** the baud the first fallback stepped down from, 0 if none yet (a further fallback goes to 300) */
    fallbackFrom: number
    /** push meter settings found by the hunt */
    pushUart: UartSettings | null
    /** the push protocol the auto hunt found ("sml" or "d0"), null before */
    pushProtocol: "sml" | "d0" | null
}

export function newMemory(): ReaderMemory {
    return { needsWakeup: false, baudCap: 0, fallbackFrom: 0, pushUart: null, pushProtocol: null }
}
