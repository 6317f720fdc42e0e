// node:test reporter for the mutation run: the first failing test ends the process (exit 1),
// so a killed mutant costs only the tests up to it; prints nothing else.
export default async function* bail(source) {
    for await (const ev of source) {
        if (ev.type === "test:fail" && !ev.data.skip && !ev.data.todo) {
            process.stderr.write(`killed by: ${ev.data.name}\n`)
            process.exit(1)
        }
    }
}
