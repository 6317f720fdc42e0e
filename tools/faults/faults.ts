// `npm run faults`: the fault matrix (tools/faults/matrix.ts) as a table.
// Cell: wrong values published / recovered at the next poll (y/N) / polls to recover
// (0 = the faulty poll itself read everything). "!" marks a bare push frame (no BCC),
// where a fault inside the frame cannot be detected. Exit 1 when a BCC-checked cell
// published a wrong value or a cell did not recover at the next poll.
import { parseCommand } from "../cli"
import { profileFiles, readProfile } from "../profile-files"
import { FAULTS, formatMatrix, runMatrix } from "./matrix"

const cmd = {
    name: "faults",
    usage: `usage: npm run faults -- [--fault NAME] [--json]
  --fault NAME  only this fault (one of: ${Object.keys(FAULTS).join(", ")})
  --json        one JSON object per cell instead of the table`,
    options: { fault: { type: "string" }, json: { type: "boolean" } },
} as const
const { values } = parseCommand(cmd)
if (values.fault !== undefined && FAULTS[values.fault] === undefined) {
    process.stderr.write(`faults: unknown fault '${values.fault}'\n\n${cmd.usage}\n`)
    process.exit(2)
}
const profiles = profileFiles().map(f => readProfile(f))
const t0 = Date.now()
const cells = runMatrix(profiles, values.fault ? [values.fault] : undefined)
if (values.json) for (const c of cells) console.log(JSON.stringify(c))
else {
    console.log(formatMatrix(cells, profiles.map(p => p.name)))
    const applied = cells.filter(c => c.applies)
    const wrongChecked = applied.filter(c => !c.unchecked).reduce((a, c) => a + c.wrong, 0)
    const wrongBare = applied.filter(c => c.unchecked).reduce((a, c) => a + c.wrong, 0)
    const notNext = applied.filter(c => !c.recoveredNext)
    console.log(`${applied.length} cells in ${((Date.now() - t0) / 1000).toFixed(1)} s; wrong values published: ${wrongChecked} (BCC-checked blocks), ${wrongBare} (bare push frames, no BCC); not recovered at the next poll: ${notNext.length}${notNext.length ? " (" + notNext.map(c => c.fault + " × " + c.profile.split(" ")[0]).join(", ") + ")" : ""}`)
    process.exit(wrongChecked || notNext.length ? 1 : 0)
}
