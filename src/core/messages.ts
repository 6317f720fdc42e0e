// Builders for everything the reader sends. All return 7-bit characters; the
// serial link adds the parity bit (in hardware or in software).
import { ACK, ascii, bcc, CR, ETX, LF, SOH, STX } from "./bytes"
import { SessionConfig } from "./session-types"

/** Baud per option-select character (modes C and E). */
export function baudForDigit(z: string): number {
    const i = "0123456".indexOf(z)
    return i < 0 || z.length !== 1 ? 0 : 300 * (1 << i)
}

/** Baud per mode-B letter. */
export function baudForLetter(z: string): number {
    const i = "ABCDEF".indexOf(z)
    return i < 0 || z.length !== 1 ? 0 : 600 * (1 << i)
}

/** The option-select digit for a baud, or "" when the baud has none. */
export function digitForBaud(baud: number): string {
    for (let i = 0; i <= 6; i++) if (300 * (1 << i) === baud) return "0123456".charAt(i)
    return ""
}

/** Checks a request's parts; returns null when valid, else what is wrong. */
export function requestProblem(requestChar: string, address: string): string | null {
    if (requestChar.length !== 1 || requestChar === "!" || requestChar === "/")
        return `request character must be one character other than "/" and "!", got "${requestChar}"`
    if (address.length > 32) return `address is ${address.length} characters, at most 32 are allowed`
    for (let i = 0; i < address.length; i++) {
        const c = address.charCodeAt(i)
        if (c < 0x20 || c > 0x7e || c === 0x21 || c === 0x2f)
            return `address character ${i + 1} (code ${c}) is not a printable character other than "/" and "!"`
    }
    return null
}

/**
 * Whether a session may send what its settings make of the request and the programming reads
 * (the settings parser checks them too; the engine does not rely on it): nothing but printable
 * ASCII, so no control character can end a block early or start another command (SOH W1…),
 * and a programming read uses R1 or R5 only.
 */
export function configSafe(c: SessionConfig): boolean {
    const g = c.programming
    let s = c.requestChar + c.address
    if (g !== null) {
        if (g.command !== "R1" && g.command !== "R5") return false
        s += g.registers.join("") + (g.password || "")
    }
    for (let i = 0; i < s.length; i++) {
        const ch = s.charCodeAt(i)
        if (ch < 0x20 || ch > 0x7e) return false
    }
    return true
}

/** `/ ? [address] ! CR LF` (the request char is "?" for a standard sign-on). */
export function request(requestChar: string, address: string): number[] {
    return ascii("/" + requestChar + address + "!\r\n")
}

/** `ACK V Z Y CR LF`: V protocol control ("0" normal), Z baud char, Y "0" readout / "1" programming. */
export function optionSelect(v: string, z: string, y: string): number[] {
    return ascii("\x06" + v + z + y + "\r\n")
}

/** `SOH C D STX data ETX BCC`, or `SOH C D ETX BCC` when data is null (break). */
export function command(c: string, d: string, data: string | null): number[] {
    const out = [SOH]
    const cd = ascii(c + d)
    out.push(cd[0], cd[1])
    if (data !== null) {
        out.push(STX)
        const body = ascii(data)
        for (let i = 0; i < body.length; i++) out.push(body[i])
    }
    out.push(ETX)
    out.push(bcc(out, 1, out.length))
    return out
}

/** `SOH B0 ETX BCC`: end of session. */
export function breakMessage(): number[] {
    return command("B", "0", null)
}

/** `SOH P1 STX (password) ETX BCC` */
export function password(pw: string): number[] {
    return command("P", "1", "(" + pw + ")")
}

/** `SOH R1 STX address() ETX BCC` (or R5, the VDEW/DIN OBIS read). */
export function readRegister(cmd: "R1" | "R5", address: string): number[] {
    return command("R", cmd.charAt(1), address + "()")
}
