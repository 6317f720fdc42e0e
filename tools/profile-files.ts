// The shipped meter profiles (profiles/*.json) on disk: where they are, which
// there are, and one read and checked as a simulator Profile.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { parseProfile, Profile } from "../src/sim/profiles"

export const PROFILE_DIR = process.env.OPTO_PROFILES ?? join(__dirname, "..", "profiles")

export function profileFiles(dir = PROFILE_DIR): string[] {
    return readdirSync(dir).filter(f => f.endsWith(".json")).sort()
}

export function readProfile(file: string, dir = PROFILE_DIR): Profile {
    return parseProfile(JSON.parse(readFileSync(join(dir, file), "utf8")))
}
