// Timing from IEC 62056-21, in ms. Everything is derived from the baud (10 bit
// times per character) and the meter's identification, never a fixed sleep.
export function defaultTiming() {
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
    };
}
/** Time one character occupies the line: start + 7 data + parity + stop (or 8N1: also 10 bits). */
export function charMs(baud) {
    return 10000 / baud;
}
/** The meter's minimum reaction time, which the reader must also respect before answering. */
export function minReactionMs(fastReaction) {
    return fastReaction ? 20 : 200;
}
/** Standard reaction window end: the meter drops an option select that starts later than this after its identification. */
export const MAX_REACTION_MS = 1500;
/** The shortest silence the standard asks for after a wake-up burst. */
export const MIN_WAKEUP_SILENCE_MS = 1500;
