// Commands a user sends on <base>/<device>/cmd. All of them only read: a session
// now, the head self-test, the trace. Nothing here can reach the meter with a
// write or execute command; anything else is answered with a clear error.

/** payloads longer than this are refused unread (the channel is for one word) */
export const CMD_MAX_BYTES = 64
export const COMMANDS = ["read", "selftest", "trace"]

export type Command = "read" | "selftest" | "trace"

export type ParsedCommand = { command: Command; error: null } | { command: null; error: string }

/** `text` is the payload as text, `bytes` its length on the wire. Never throws. */
export function parseCommand(text: string, bytes: number): ParsedCommand {
    if (bytes > CMD_MAX_BYTES) return { command: null, error: "cmd: payload of " + bytes + " bytes refused (at most " + CMD_MAX_BYTES + "); commands are " + COMMANDS.join(", ") }
    const word = text.trim().toLowerCase()
    for (let i = 0; i < COMMANDS.length; i++) if (COMMANDS[i] === word) return { command: COMMANDS[i] as Command, error: null }
    let shown = ""
    for (let i = 0; i < word.length && i < 32; i++) {
        const c = word.charCodeAt(i)
        shown += c >= 32 && c < 127 ? word.charAt(i) : "?"
    }
    return { command: null, error: "cmd: '" + shown + "' is not a command; commands are " + COMMANDS.join(", ") + " (all read-only)" }
}
