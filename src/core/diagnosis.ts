// The diagnosis after a session (or a head self-test): a stable code a user can
// search for and a sentence saying what to check, made from what the line did
// (line-watch.ts), never from guesses about the hardware. Codes are part of the
// MQTT interface (diagnostics `diagnosisCode`) and of the README's "When it
// does not read": add new ones, never rename.
import { LineWatch } from "./line-watch"
import { SessionConfig } from "./session-types"

export type DiagnosisCode =
    | "OK"
    | "NO_SIGNAL" // nothing received, not even our own echo
    | "METER_SILENT" // our echo came back, the meter never answered
    | "RX_HELD" // RX held active: continuous break / framing errors
    | "FORMAT_MISMATCH" // characters arrive, but damaged nearly everywhere (7E1/8N1 or baud)
    | "BAUD_SWITCH_FAILED" // identification fine, nothing readable after the baud switch
    | "BCC_ERRORS" // blocks arrive with wrong check characters (noise)
    | "METER_ERROR" // the meter answered with an error or ended the session
    | "INCOMPLETE" // the meter answered, but the session did not complete
    | "FELL_BEHIND" // characters were lost between the head and the firmware: the reader was too slow for the baud
    | "HEAD_OK" // self-test: the head saw its own light, RX rests
    | "NO_ECHO" // self-test: RX rests, but the head does not see its own light (cannot tell more)
    | "RX_BUSY" // self-test: clean characters arrive while we are silent

export interface Diagnosis {
    code: DiagnosisCode
    text: string
}

/** sessions remembered for "how often" */
const HISTORY = 20
/** damaged characters before a line counts as held or a format as wrong (a few are ordinary noise) */
const MANY_ERRORS = 16
/** share of the session's time the damaged characters covered when the line never rested */
const HELD_SHARE = 0.6

/** What the reader remembers across sessions for its diagnoses. */
export class Diagnoser {
    /** one bit per recent session, newest in bit 0: 1 = it had a BCC error */
    private bccBits = 0
    private sessions = 0
    /** this head has shown its own light (echo) in some session or self-test */
    headEchoes = false
    last: Diagnosis = { code: "OK", text: "no session yet" }

    /** After a finished session: the diagnosis (OK with a note for a good one). */
    session(w: LineWatch, cfg: SessionConfig): Diagnosis {
        if (w.echoChars > 0) this.headEchoes = true
        this.bccBits = ((this.bccBits << 1) | (w.kindCount("bcc") > 0 ? 1 : 0)) & ((1 << HISTORY) - 1)
        if (this.sessions < HISTORY) this.sessions++
        // sessions among the remembered ones that had a BCC error
        let n = 0
        for (let i = 0; i < HISTORY; i++) if ((this.bccBits >> i) & 1) n++
        this.last = diagnose(w, cfg, n, this.sessions, this.headEchoes)
        return this.last
    }
}

/** A diagnosis: one call instead of an object literal at every return. */
export function dx(code: DiagnosisCode, text: string): Diagnosis {
    return { code: code, text: text }
}

/** The diagnosis of one session from its line watch. `bccSessions` of `sessions` recent ones had BCC errors. */
export function diagnose(w: LineWatch, cfg: SessionConfig, bccSessions: number, sessions: number, headEchoes: boolean): Diagnosis {
    const push = cfg.push !== null
    const bcc = w.kindCount("bcc")
    const behind = w.kindCount("overrun")
    if (w.ok) {
        if (bcc > 0)
            return dx("OK", "read, after " + bcc + " damaged block(s) were discarded (BCC errors in " + bccSessions + " of the last " + sessions + " sessions)")
        if (behind > 0) return dx("OK", "read, but the reader fell behind the line at " + w.switchedBaud + " Bd in this session; later sessions sign on one baud step lower until it keeps up")
        if (w.stats !== null && w.switchedBaud > w.stats.baud)
            return dx("OK", "read at " + w.stats.baud + " Bd after the data at " + w.switchedBaud + " Bd was unreadable; MAX_BAUD=" + w.stats.baud + " skips the failed attempt")
        return dx("OK", "read")
    }
    // characters that came from the meter's side (everything but our echo)
    const meter = w.rxChars - w.echoChars
    if (meter === 0) {
        if (w.echoChars > 0) {
            const addr = cfg.address.length ? "METER_ADDRESS is '" + cfg.address + "': is it this meter's?" : "METER_ADDRESS is empty: an addressed meter may ignore /?!"
            return dx("METER_SILENT", "The head works (our own request came back as echo), but the meter never answered. Check: " + addr +
                    " Has the utility switched the optical port off (some do; ask them)? A battery meter sleeps: " +
                    (w.txNuls > 0
                        ? "a wake-up (NULs) was tried and did not help"
                        : cfg.wakeup === "never"
                          ? "no wake-up was tried (WAKEUP=never; a battery meter needs WAKEUP=auto or always)"
                          : "no wake-up was tried") +
                    ".")
        }
        if (push)
            return dx("NO_SIGNAL", "Not a single character arrived while listening for the meter's push. Check that the head sits on the meter's optical window and the RX wire; does the meter push at all (some must be enabled with a PIN)?")
        const before = headEchoes ? " This head saw its own light in earlier sessions, so it has moved or a wire came loose." : ""
        return dx("NO_SIGNAL", "Nothing came back on RX, not even the head's own light. Check that the head sits on the optical window, the RX wire, and whether RX and TX are swapped (some heads are labelled the wrong way round). Run the self-test on the window: if the head sees its own light there, TX and RX are right and the meter is silent." + before)
    }
    if (!w.identification && w.errorChars >= MANY_ERRORS && (w.nulErrors * 5 >= w.errorChars * 4 || w.errorMs >= HELD_SHARE * (w.endAt - w.startAt))) {
        return dx("RX_HELD", "The RX line never rested: " + w.errorChars + " characters with break/framing errors arrived, most of the time. Shade the head from sunlight or lamps (light on the sensor reads as a held line), check the RX wiring and the head's supply.")
    }
    if (behind > 0)
        return dx("FELL_BEHIND", "The reader fell behind the line at " + w.switchedBaud + " Bd: characters were lost between the head and the firmware before it could take them, so nothing of that data was published. It signs on one baud step lower each time until it keeps up (diagnostics fellBehind counts these sessions); a long broker outage or heavy Wi-Fi traffic can slow it too. MAX_BAUD set lower skips the attempts.")
    const readable = w.readoutsOk + w.readoutsBad > 0 || w.identification
    if (!readable && w.errorChars * 3 >= meter) {
        const hint = push
            ? "Check PUSH_UART (baud and 7E1/8N1; PUSH_UART=auto hunts for them)."
            : "Check the head's UART: the meter speaks 300 Bd 7E1 (FRAMING=software if the serial service cannot do 7 data bits)."
        return dx("FORMAT_MISMATCH", w.errorChars + " of " + meter + " characters arrived with parity or framing errors: the reader's baud or character format does not match the meter's. " + hint)
    }
    if (w.identification && w.switchedBaud > 300 && (w.rxAfterSwitch === 0 || w.errorsAfterSwitch > 0) && w.readoutsOk === 0) {
        const lower = w.stats !== null && w.stats.baud < w.switchedBaud ? w.stats.baud : 300
        const fb = cfg.fallback ? "the fallback signed on again lower and still did not read" : "the fallback is off (BAUD_FALLBACK=false)"
        return dx("BAUD_SWITCH_FAILED", "The identification arrived, but after switching to " + w.switchedBaud + " Bd the data was " + (w.rxAfterSwitch === 0 ? "missing" : "garbled") +
                ": the meter (or the head's phototransistor) does not follow that baud; " + fb + ". Set MAX_BAUD=" + lower + ".")
    }
    if (bcc > 0) {
        return dx("BCC_ERRORS", bcc + " block(s) this session arrived with a wrong check character (BCC errors in " + bccSessions + " of the last " + sessions +
                " sessions); nothing from them was published. Now and then this is noise: shade the head, seat it firmly; every time, it is the head's timing at this baud (try a lower MAX_BAUD).")
    }
    if (w.kindCount("meter") > 0)
        return dx("METER_ERROR", "The meter answered with an error or ended the session: " + w.lastError + ". Check METER_ADDRESS, the request character (REQUEST_CHAR) and, in programming mode, PROG_PASS and PROG_REGS.")
    return dx("INCOMPLETE", "The meter answered but the session did not complete (" + (w.lastError.length ? w.lastError : "no error reported") + "). Check the head's seat; the trace (TRACE=on-fail) shows where it stopped.")
}
