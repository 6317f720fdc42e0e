// Command-line arguments for every `npm run` command, the same way each time:
// Node's util.parseArgs in strict mode, `--help`/`-h` prints the usage on stdout
// and exits 0, and anything it does not accept (an unknown flag, a missing
// value, a bad value) prints what was wrong and the usage on stderr and exits 2.
import { parseArgs, ParseArgsConfig } from "node:util"

type Options = NonNullable<ParseArgsConfig["options"]>

export interface Command<O extends Options> {
    /** the command's name as the user types it after `npm run` */
    name: string
    /** the usage text: first line the synopsis, then one line per option */
    usage: string
    options: O
    /** positional arguments allowed (default none) */
    positionals?: { min: number; max: number }
}

/** A usage error: said to the user with the usage, exit status 2. */
export function usageError(cmd: { name: string; usage: string }, message: string): never {
    process.stderr.write(`${cmd.name}: ${message}\n\n${cmd.usage.trimEnd()}\n`)
    process.exit(2)
}

export function parseCommand<O extends Options>(cmd: Command<O>, argv: string[] = process.argv.slice(2)) {
    const options = { ...cmd.options, help: { type: "boolean", short: "h" } } as O & { help: { type: "boolean"; short: "h" } }
    let parsed
    try {
        parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true })
    } catch (e) {
        usageError(cmd, (e as Error).message.replace(/\. To specify a positional argument.*$/s, ""))
    }
    if ((parsed.values as { help?: boolean }).help) {
        process.stdout.write(cmd.usage.trimEnd() + "\n")
        process.exit(0)
    }
    const pos = cmd.positionals ?? { min: 0, max: 0 }
    if (parsed.positionals.length < pos.min) usageError(cmd, pos.min === 1 ? "missing argument" : `expects at least ${pos.min} arguments`)
    if (parsed.positionals.length > pos.max) usageError(cmd, `unexpected argument '${parsed.positionals[pos.max]}'`)
    return parsed
}

/** A whole number from an option's text, or a usage error naming the option. */
export function wholeNumber(cmd: { name: string; usage: string }, flag: string, text: string | undefined, min: number, def: number): number {
    if (text === undefined) return def
    const n = Number(text)
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) usageError(cmd, `${flag} wants a whole number ≥ ${min}, got '${text}'`)
    return n
}

/** One of a set of words, or a usage error naming the option and the choices. */
export function oneOf<T extends string>(cmd: { name: string; usage: string }, flag: string, text: string | undefined, choices: readonly T[], def: T): T {
    if (text === undefined) return def
    if (!(choices as readonly string[]).includes(text)) usageError(cmd, `${flag} is one of ${choices.join(", ")}, got '${text}'`)
    return text as T
}
