export function newMemory() {
    return { needsWakeup: false, baudCap: 0, fallbackFrom: 0, goodBaud: 0, pushUart: null };
}
