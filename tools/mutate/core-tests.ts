// The fast tests of src/core in one process: what the mutation run (npm run mutate) executes
// for every mutant. One process, not node --test's process per file, so a mutant costs
// seconds; the slow suites (fuzz, faults, decode CLI, real telegrams) stay out of it.
// By default the tests that exercise the default scope (tools/mutate/stryker.config.json: the
// messages sent, the identification, the cmd parser, the check characters); OPTO_MUTATE_ALL=1
// adds the rest of the core's fast tests, for another scope (npm run mutate -- --mutate FILE).
// The edge tests first: most mutants of the wire-level core die there, and the run stops at
// the first failing test.
import "../../test/wire-edges.test"
import "../../test/protocol.test"
import "../../test/commands.test"
import "../../test/security.test"
import "../../test/session.test"
import "../../test/framer.test"
import "../../test/dsmr-sim.test"
import "../../test/sml.test"
import "../../test/sml-property.test"

if (process.env.OPTO_MUTATE_ALL) {
    for (const t of ["datasets", "diagnosis", "fall-behind", "framer-runs", "numbers", "obis", "schedule", "sml-session", "timestamp", "trace"])
        require(`../../test/${t}.test`)
}
