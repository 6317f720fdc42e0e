// Runs compiled firmware in the DeviceScript WASM VM inside this Node process,
// without `devs devtools` and without the --test harness (no GC stress, no
// fixed ports 8081/8082, so several runs can share a machine).
//
// The VM is the one the pinned @devicescript/cli ships: its emscripten module is
// cut out of the CLI bundle once and cached under node_modules/.cache. Settings
// reach the firmware exactly as on a real deploy: devtools writes each key with
// the Jacdac Settings service's `set` command (cli/src/deploy.ts
// deploySettingsToService); we send the same command frame to the VM's own
// Settings service before the program is deployed, so `readSetting` in the
// firmware takes its ordinary path.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"

const ROOT = resolve(__dirname, "..", "..")
const CLI = join(ROOT, "node_modules/@devicescript/cli/built/devicescript-cli.cjs")
const SRV_SETTINGS = 0x1107dc4a
const SETTINGS_CMD_SET = 0x81

/** The VM factory (emscripten MODULARIZE function), cut out of the CLI bundle and cached. */
export function loadVmFactory(): () => Promise<any> {
    const version = JSON.parse(readFileSync(join(ROOT, "node_modules/@devicescript/cli/package.json"), "utf8")).version
    const cached = join(ROOT, "node_modules/.cache/opto62056", `devs-vm-${version}.cjs`)
    if (!existsSync(cached) || statSync(cached).mtimeMs < statSync(CLI).mtimeMs) {
        const src = readFileSync(CLI, "utf8")
        const start = src.indexOf("var require_devicescript_vm = __commonJS({")
        const end = src.indexOf("\n});\n", start)
        const helpers = src.indexOf("// cli/node_modules/commander")
        if (start < 0 || end < 0 || helpers < 0)
            throw new Error(`cannot find the VM in ${CLI}: the DeviceScript CLI layout changed`)
        mkdirSync(dirname(cached), { recursive: true })
        writeFileSync(
            cached,
            src.slice(0, helpers) + src.slice(start, end + 5) + "\nmodule.exports = require_devicescript_vm();\n",
        )
    }
    return createRequire(__filename)(cached)
}

/** A value from a .env file or `--set`, encoded as the compiler does (compiler/src/dotenv.ts stringToSettingValue). */
export function settingValue(s: string): Buffer | undefined {
    if (!s.length) return undefined
    let v: unknown
    try {
        v = JSON.parse(s)
    } catch {
        v = s
    }
    return Buffer.from(JSON.stringify(v), "utf8")
}

/** `.env.defaults` then `.env.local`, parsed as the DeviceScript compiler parses them (lines with `#` are dropped, as there). */
export function readEnvSettings(dir: string = ROOT, includeLocal = true): Map<string, Buffer> {
    const res = new Map<string, Buffer>()
    for (const f of includeLocal ? [".env.defaults", ".env.local"] : [".env.defaults"]) {
        const p = join(dir, f)
        if (!existsSync(p)) continue
        for (const line of readFileSync(p, "utf8").split(/\r?\n/g)) {
            if (/\s*#/.test(line)) continue
            const m = /(?<key>[^=]+)\s*=(?<value>[^#]*)#?/.exec(line)
            if (!m?.groups) continue
            const v = settingValue(m.groups.value)
            res.delete(m.groups.key)
            if (v) res.set(m.groups.key, v)
        }
    }
    return res
}

const BUILD_LOCK = join(ROOT, ".devicescript", "build.lock")

/** One try at the lock on .devicescript/bin (every devs build/run writes the same output file); true when taken. */
function tryBuildLock(): boolean {
    mkdirSync(dirname(BUILD_LOCK), { recursive: true })
    try {
        mkdirSync(BUILD_LOCK)
        return true
    } catch {
        // a lock left by a killed process: builds take seconds, so 5 minutes means stale
        if (existsSync(BUILD_LOCK) && Date.now() - statSync(BUILD_LOCK).mtimeMs > 300000) rmdirSync(BUILD_LOCK)
        return false
    }
}

/**
 * Runs fn while holding the build lock. It waits as long as others hold the lock (npm test queues
 * a dozen builds of up to 10 s CPU each on two cores); a lock left behind is taken after 5 minutes.
 */
export function withBuildLock<T>(fn: () => T): T {
    const t0 = Date.now()
    while (!tryBuildLock()) {
        if (Date.now() - t0 > 600000) throw new Error(`build lock ${BUILD_LOCK} not free for 10 minutes; remove it if stale`)
        spawnSync("sleep", ["0.2"])
    }
    try {
        return fn()
    } finally {
        rmdirSync(BUILD_LOCK)
    }
}

/** Compiles a firmware entry with `devs build` (the caller holds the build lock); returns the bytecode. */
export function buildFirmwareLocked(entry: string): Buffer {
    // the CLI itself, not through npx (whose start costs as much CPU as a small build)
    const r = spawnSync(process.execPath, [CLI, "build", entry], { cwd: ROOT, encoding: "utf8" })
    if (r.status !== 0) throw new Error(`devs build ${entry} failed:\n${r.stdout}${r.stderr}`)
    return readFileSync(join(ROOT, ".devicescript/bin/bytecode.devs"))
}

/** Compiles a firmware entry with `devs build`; returns the bytecode. */
export function buildFirmware(entry: string): Buffer {
    return withBuildLock(() => buildFirmwareLocked(entry))
}

/**
 * Runs a DeviceScript test entry (@devicescript/test suites) and returns its output with the
 * "tests: N, pass: N, error: N" line the test command counts. By default in this process's VM,
 * which runs at the program's own speed; OPTO_GC_STRESS=1 runs it with `devs run --test` instead,
 * whose garbage-collector stress is about 14 times slower but shakes out heap bugs. Only the
 * compile holds the build lock.
 */
export async function runDevsTest(entry: string, timeoutMs: number): Promise<{ status: number | null; output: string }> {
    const bin = buildFirmware(entry)
    if (process.env.OPTO_GC_STRESS) {
        const dir = mkdtempSync(join(tmpdir(), "opto-devs-"))
        const file = join(dir, "test.devs")
        writeFileSync(file, bin)
        try {
            const r = spawnSync("npx", ["devs", "run", file, "--test", "-k", "-T", String(timeoutMs)], { cwd: ROOT, encoding: "utf8" })
            return { status: r.status, output: (r.stdout ?? "") + (r.stderr ?? "") }
        } finally {
            rmSync(dir, { recursive: true, force: true })
        }
    }
    const lines: string[] = []
    let counts: RegExpExecArray | null = null
    let panic = 0
    const run = await startFirmware({
        binary: bin,
        settings: new Map(),
        // program output comes as "> line"; the runtime's bookkeeping (flash, roles, deploy) is left out
        onLine: l => {
            if (/^(flash sync|jdif:|set role|clear role|mgr:|\* |\d+ packets throttled)/.test(l)) return
            const text = l.startsWith("> ") ? l.slice(2) : l
            lines.push(text)
            counts = counts ?? /^tests: (\d+), pass: (\d+), error: (\d+)/.exec(text)
        },
        onPanic: c => (panic = c),
    })
    const t0 = Date.now()
    while (counts === null && panic === 0 && Date.now() - t0 < timeoutMs) await new Promise(r => setTimeout(r, 50))
    run.stop()
    if (panic) lines.push(`PANIC ${panic}: the program crashed before its tests ended`)
    else if (counts === null) lines.push(`timeout: no test count after ${timeoutMs} ms`)
    const c = counts as RegExpExecArray | null
    const ok = panic === 0 && c !== null && c[3] === "0"
    return { status: ok ? 0 : 1, output: lines.join("\n") + "\n" }
}

function crc16(buf: Uint8Array, start: number, end: number): number {
    let crc = 0xffff
    for (let i = start; i < end; i++) {
        crc ^= buf[i] << 8
        for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
    }
    return crc
}

/** One Jacdac command frame with one packet (jacdac-c jd_frame_t layout). */
function commandFrame(deviceId: string, serviceIndex: number, cmd: number, data: Buffer): Buffer {
    const sz = (4 + data.length + 3) & ~3
    const b = Buffer.alloc(12 + sz)
    b[2] = sz
    b[3] = 0x01 // JD_FRAME_FLAG_COMMAND
    Buffer.from(deviceId, "hex").copy(b, 4)
    b[12] = data.length
    b[13] = serviceIndex
    b.writeUInt16LE(cmd, 14)
    data.copy(b, 16)
    b.writeUInt16LE(crc16(b, 2, 12 + sz), 0)
    return b
}

/** The service classes a device announces (control announce report), index 1.. */
function announcedClasses(frame: Uint8Array, deviceId: string): number[] | null {
    const b = Buffer.from(frame)
    if (b.length < 16 || b.subarray(4, 12).toString("hex") !== deviceId || b[3] & 1) return null
    const size = b[12], idx = b[13], cmd = b.readUInt16LE(14)
    if (idx !== 0 || cmd !== 0 || size < 4) return null
    const out: number[] = []
    for (let o = 16 + 4; o + 4 <= 16 + size; o += 4) out.push(b.readUInt32LE(o))
    return out
}

export interface FirmwareOptions {
    binary: Buffer
    /** key -> JSON-encoded value (see settingValue) */
    settings: Map<string, Buffer>
    deviceId?: string
    /** every line the VM logs (program output starts with "> ") */
    onLine?: (line: string) => void
    onPanic?: (code: number) => void
    /** every Jacdac frame the VM sends (for a server hosted in Node, e.g. the serial bridge) */
    onFrame?: (frame: Uint8Array) => void
    /** the VM instance (emscripten module) before it starts, e.g. to time its entry points (tools/bench/cpu.ts) */
    onVm?: (inst: any) => void
}

export interface FirmwareRun {
    deviceId: string
    /** hands a Jacdac frame to the VM, as if it came over the bus */
    sendFrame(frame: Uint8Array): void
    stop(): void
}

/** Boots a VM, writes the settings into its Settings service, deploys the program. */
export async function startFirmware(o: FirmwareOptions): Promise<FirmwareRun> {
    const inst = await loadVmFactory()()
    o.onVm?.(inst)
    const deviceId = o.deviceId ?? "0ff0620560000001"
    const line = o.onLine ?? (() => {})
    inst.dmesg = (s: string) => line(s)
    inst.log = (...a: unknown[]) => line(a.join(" "))
    inst.error = (...a: unknown[]) => line("error: " + a.join(" "))
    inst.flashLoad = null // stateless flash: settings live for this run only
    inst.flashSave = null
    inst.panicHandler = (code: number) => o.onPanic?.(code)
    let settingsIndex = -1
    inst.sendPacket = (frame: Uint8Array) => {
        o.onFrame?.(frame)
        if (settingsIndex >= 0) return
        const classes = announcedClasses(frame, deviceId)
        if (classes) settingsIndex = classes.indexOf(SRV_SETTINGS) + 1
    }
    inst.devsSetDeviceId(deviceId)
    inst.devsStart()
    const t0 = Date.now()
    while (settingsIndex < 0) {
        if (Date.now() - t0 > 10000) throw new Error("the DeviceScript VM did not announce itself within 10 s")
        await new Promise(r => setTimeout(r, 5))
    }
    if (settingsIndex === 0) throw new Error("the DeviceScript VM has no Settings service")
    for (const [key, value] of o.settings) {
        if (key === "WIFI_SSID" || key === "WIFI_PWD") continue // the sim has no Wi-Fi service
        inst.handlePacket(commandFrame(deviceId, settingsIndex, SETTINGS_CMD_SET, Buffer.concat([Buffer.from(key + "\0"), value])))
        await new Promise(r => setTimeout(r, 2)) // let the VM drain its receive queue
    }
    const r = inst.devsDeploy(o.binary)
    if (r) throw new Error(`deploy error ${r}`)
    return {
        deviceId,
        sendFrame(frame: Uint8Array) {
            inst.handlePacket(frame)
        },
        stop() {
            inst.devsStop()
            try {
                inst.sockClose()
            } catch {}
        },
    }
}
