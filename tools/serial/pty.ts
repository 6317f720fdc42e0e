// A pseudo-terminal pair from socat: two paths joined back to back, the
// nearest thing to a null-modem cable that needs no hardware. It carries bytes
// only: there is no baud (nothing is paced, a "wrong baud" cannot garble) and no
// parity (a port set to 7 data bits still passes all 8 bits). The meter server
// (paced-meter.ts) adds the pacing; the character format on the pair is agreed
// in line-format.ts.
import { spawn, spawnSync, ChildProcess } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface PtyPair {
    /** the meter's end */
    meterPath: string
    /** the reader's end */
    readerPath: string
    close(): Promise<void>
}

/** null when socat is on the PATH, else why not (for a test's skip message). */
export function socatMissing(): string | null {
    const r = spawnSync("socat", ["-V"], { encoding: "utf8" })
    if (r.error) return "socat is not installed (CI installs it in .ci/run; locally: apt-get install -y socat)"
    return null
}

/** Starts `socat pty pty` and waits until both links exist. */
export async function openPtyPair(): Promise<PtyPair> {
    const why = socatMissing()
    if (why) throw new Error(why)
    const dir = mkdtempSync(join(tmpdir(), "opto-pty-"))
    const meterPath = join(dir, "meter")
    const readerPath = join(dir, "reader")
    const proc: ChildProcess = spawn(
        "socat",
        [`pty,raw,echo=0,link=${meterPath}`, `pty,raw,echo=0,link=${readerPath}`],
        { stdio: ["ignore", "ignore", "pipe"] },
    )
    let err = ""
    proc.stderr?.on("data", d => (err += d.toString()))
    // a process that exits without close() (process.exit, a failed test) must not leave socat behind
    const reap = () => {
        if (proc.exitCode === null) proc.kill()
        rmSync(dir, { recursive: true, force: true })
    }
    process.once("exit", reap)
    const t0 = Date.now()
    while (!(existsSync(meterPath) && existsSync(readerPath))) {
        if (proc.exitCode !== null || Date.now() - t0 > 5000) {
            proc.kill()
            throw new Error(`socat did not create the pty pair: ${err.trim() || "timeout"}`)
        }
        await new Promise(r => setTimeout(r, 10))
    }
    return {
        meterPath,
        readerPath,
        close: () =>
            new Promise<void>(res => {
                const done = () => {
                    process.off("exit", reap)
                    rmSync(dir, { recursive: true, force: true })
                    res()
                }
                if (proc.exitCode !== null) return done()
                proc.once("exit", done)
                proc.kill()
            }),
    }
}
