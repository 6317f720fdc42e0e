// Timing from IEC 62056-21, in ms. Everything is derived from the baud (10 bit
// times per character) and the meter's identification, never a fixed sleep.

export interface Timing {
    /** tt: how long to wait for the first character of an answer after our message ended (standard: 1500 < tt <= 2200) */
    responseMs: number
    /** ta: longest gap between two characters of one message (standard: 1500) before the message is dropped */
    interCharMs: number
    /** added to the minimum reaction time before we answer, to absorb timer jitter on the device */
    reactionMarginMs: number
    /** length of the NUL burst that wakes a battery meter (standard 2100–2300) */
    wakeupMs: number
    /** silence after the NUL burst before the request (standard 1500–1700) */
    wakeupSilenceMs: number
    /** push meters: how long to listen for a push at known UART settings */
    pushListenMs: number
    /** push meters with unknown settings: how long to listen at each candidate */
    huntListenMs: number
    /** after unreadable data: the line must be quiet this long before signing on again */
    retryQuietMs: number
    /** how late the driver may deliver received characters (chunking in the serial service) */
    rxLatencyMs: number
    /**
     * received characters that waited longer than this for the reader mean it cannot keep up with
     * the baud: as long as the standard lets the meter pause between characters (ta), so a busy
     * moment (a publish burst, a loaded simulator) is not mistaken for it
     */
    rxWaitMs: number
}

export function defaultTiming(): Timing {
    return {
        responseMs: 2200,
        interCharMs: 1600,
        reactionMarginMs: 10,
        wakeupMs: 2200,
        wakeupSilenceMs: 1600,
        pushListenMs: 12000,
        huntListenMs: 3500,
        retryQuietMs: 800,
        rxLatencyMs: 0,
        rxWaitMs: 1500,
    }
}

/** Time one character occupies the line: start + 7 data + parity + stop (or 8N1: also 10 bits). */
export function charMs(baud: number): number {
    return 10000 / baud
}

/** The meter's minimum reaction time, which the reader must also respect before answering. */
export function minReactionMs(fastReaction: boolean): number {
    return fastReaction ? 20 : 200
}

/** Standard reaction window end: the meter drops an option select that starts later than this after its identification. */
export const MAX_REACTION_MS = 1500

/** The shortest silence the standard asks for after a wake-up burst. */
export const MIN_WAKEUP_SILENCE_MS = 1500
