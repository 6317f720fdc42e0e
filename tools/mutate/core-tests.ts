// The fast tests of src/core in one process: what the mutation run (npm run mutate) executes
// for every mutant. One process, not node --test's process per file, so a mutant costs
// seconds; the slow suites (fuzz, faults, decode CLI, real telegrams) stay out of it.
// the edge tests first: most mutants of the wire-level core die there, and the run stops at the first failure
import "../../test/wire-edges.test"
import "../../test/security.test"
import "../../test/commands.test"
import "../../test/datasets.test"
import "../../test/diagnosis.test"
import "../../test/dsmr-sim.test"
import "../../test/fall-behind.test"
import "../../test/framer-runs.test"
import "../../test/framer.test"
import "../../test/numbers.test"
import "../../test/obis.test"
import "../../test/protocol.test"
import "../../test/schedule.test"
import "../../test/session.test"
import "../../test/sml-property.test"
import "../../test/sml-session.test"
import "../../test/sml.test"
import "../../test/timestamp.test"
import "../../test/trace.test"
