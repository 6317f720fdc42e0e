// The meter's identification line: `/ X X X Z [\ W] ident` (CR LF already removed).
import { baudForDigit, baudForLetter } from "./messages"
import { coreError, CoreError, Identification, Mode } from "./types"

/** Longest identification line accepted: "/" + 3 + Z + "\W" + 16 ident chars, with slack for meters that overrun. */
export const MAX_IDENT_LINE = 48

/** A request line (`/?…!`), as echoed by a head, is not an identification. */
export function isRequestLine(line: string): boolean {
    return line.length >= 3 && line.charAt(0) === "/" && line.charAt(line.length - 1) === "!"
}

/** Parses an identification line (starting with "/", without CR LF). */
export function parseIdentification(line: string): Identification | CoreError {
    if (line.length > MAX_IDENT_LINE)
        return coreError("overlength", `identification line is ${line.length} characters, at most ${MAX_IDENT_LINE} are accepted`)
    if (line.length < 5 || line.charAt(0) !== "/")
        return coreError("syntax", `identification "${line}" is too short: expected "/XXXZ" and an ident`)
    for (let i = 1; i <= 3; i++) {
        // a letter: A-Z or a-z (lower case with bit 5 set)
        const c = line.charCodeAt(i) | 0x20
        if (c < 0x61 || c > 0x7a)
            return coreError("syntax", `identification "${line}": manufacturer must be 3 letters, got "${line.slice(1, 4)}"`)
    }
    for (let i = 4; i < line.length; i++) {
        const c = line.charCodeAt(i)
        if (c < 0x20 || c > 0x7e)
            return coreError("syntax", `identification "${line.slice(0, i)}…" contains control character ${c}`)
    }
    const z = line.charAt(4)
    let capability: string | null = null
    let rest = 5
    if (line.charAt(5) === "\\" && line.length >= 7) {
        capability = line.charAt(6)
        rest = 7
    }
    let mode: Mode = "A"
    let baud = baudForLetter(z)
    if (baud > 0) mode = "B"
    else {
        baud = baudForDigit(z)
        if (baud > 0) mode = capability === "2" ? "E" : "C"
        else baud = 300
    }
    const third = line.charCodeAt(3)
    return {
        manufacturer: line.slice(1, 4),
        fastReaction: third >= 0x61 && third <= 0x7a,
        baudChar: z,
        mode: mode,
        baud: baud,
        capability: capability,
        ident: line.slice(rest, line.length),
    }
}

export function isError(x: Identification | CoreError): x is CoreError {
    return (x as CoreError).kind !== undefined
}
