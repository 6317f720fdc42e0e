// Test helpers for sessions on the virtual line: the runner and the shipped
// profiles, plus a profile made from just the fields a test cares about.
import { parseProfile, Profile } from "../../src/sim/profiles"
export { configFor, runSession, expectedSets, eventsOf, Run } from "../../src/sim/run"
export { PROFILE_DIR, profileFiles, readProfile } from "../../tools/profile-files"

/** A profile from the essentials; the rest defaults. */
export function testProfile(p: Record<string, unknown>): Profile {
    return parseProfile({ name: "test", source: "unit test", ...p })
}
