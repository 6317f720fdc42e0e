// Board files (boards/*.board.json) against the DeviceScript compiler and the pin rules of README
// "Board files": every board must build the firmware entry with its head pins in the irHead section
// (read by native/esp32/opto_board.c), and a board with a pin the ESP32 arch rejects must fail the
// build, so a bad pin fails CI, not a user's flash.
import { test } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { withBuildLock } from "../tools/vm-host/devs-host"
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative, resolve } from "node:path"

const ROOT = resolve(__dirname, "..")
// The firmware entry each board is built against. It stands in for the firmware until
// src/firmware/main.ts exists: point it at "src/firmware/main.ts" then.
const FIRMWARE_ENTRY = "src/firmware/main.ts"
const DEVS = join(ROOT, "node_modules/@devicescript/cli/built/devicescript-cli.cjs")
const CHECK_DIR = join(ROOT, ".devicescript/board-check") // git-ignored

interface BoardJson {
    archId: string
    devName: string
    productId: string
    led?: { pin?: number | string }
    log?: { pinTX?: number | string }
    pins?: Record<string, number>
    irHead: { pinRX?: number; pinTX?: number; invertRX?: boolean; invertTX?: boolean }
    jacdac?: { pin?: number }
    [k: string]: unknown
}

const boardFiles = readdirSync(join(ROOT, "boards"))
    .filter(f => f.endsWith(".board.json"))
    .sort()
const boards = boardFiles.map(f => ({
    id: f.replace(/\.board\.json$/, ""),
    json: JSON.parse(readFileSync(join(ROOT, "boards", f), "utf8")) as BoardJson,
}))

// Pins the head must not use, per arch (DeviceScript's arch table plus the datasheets'
// strapping pins): strapping pins would let the head's RX driver or the TX line change the boot
// mode; the log UART, flash, PSRAM and USB pins are taken.
const RESERVED: Record<string, Record<string, number[]>> = {
    esp32: { strapping: [0, 2, 5, 12, 15], logUart: [1, 3], flash: [6, 7, 8, 9, 10, 11], psram: [16, 17] },
    esp32c3: { strapping: [2, 8, 9], logUart: [20, 21], flash: [11, 12, 13, 14, 15, 16, 17], usb: [18, 19] },
    esp32s3: {
        strapping: [0, 3, 45, 46],
        logUart: [43, 44],
        flash: [26, 27, 28, 29, 30, 31, 32],
        octalFlashPsram: [33, 34, 35, 36, 37],
        usb: [19, 20],
    },
}

/** Pin rule violations of one board, as readable strings (empty = fine). */
function pinProblems(b: BoardJson): string[] {
    const out: string[] = []
    const reserved = RESERVED[b.archId]
    if (!reserved) return [`unknown archId ${b.archId}`]
    const used: Record<string, number | string | undefined> = {
        "irHead.pinRX": b.irHead?.pinRX,
        "irHead.pinTX": b.irHead?.pinTX,
        "led.pin": b.led?.pin,
    }
    for (const [name, gpio] of Object.entries(used)) {
        if (typeof gpio !== "number") {
            out.push(`${name} missing`)
            continue
        }
        for (const [why, list] of Object.entries(reserved))
            if (list.includes(gpio)) out.push(`${name}=GPIO${gpio} is a ${why} pin`)
    }
    const nums = Object.values(used).filter(v => typeof v === "number")
    if (new Set(nums).size !== nums.length) out.push("irHead.pinRX, irHead.pinTX and the LED must be three different pins")
    return out
}

function devsBuild(cwd: string, entry: string) {
    const r = spawnSync(process.execPath, [DEVS, "build", entry], { cwd, encoding: "utf8" })
    return { ok: r.status === 0, out: (r.stdout ?? "") + (r.stderr ?? "") }
}

test("there are three boards: classic ESP32, ESP32-C3, ESP32-S3", () => {
    assert.deepEqual(boards.map(b => b.json.archId).sort(), ["esp32", "esp32c3", "esp32s3"])
    for (const b of boards) {
        assert.match(b.json.productId, /^0x3[0-9a-f]{7}$/, `${b.id}: productId must be 0x3xxxxxxx`)
        assert.ok(typeof b.json["#pins"] === "string", `${b.id}: explain the pin choice in "#pins"`)
    }
    assert.equal(new Set(boards.map(b => b.json.productId)).size, boards.length, "productIds must differ")
})

test("head and LED pins avoid strapping, log UART, flash, PSRAM and USB pins", () => {
    for (const b of boards) assert.deepEqual(pinProblems(b.json), [], b.id)
})

test("the pin rule check catches a strapping pin and a shared pin", () => {
    const good = boards.find(b => b.json.archId === "esp32")!.json
    assert.deepEqual(pinProblems({ ...good, irHead: { pinRX: 5, pinTX: 27 } }), [
        "irHead.pinRX=GPIO5 is a strapping pin",
    ])
    assert.deepEqual(pinProblems({ ...good, irHead: { pinRX: 25, pinTX: 27 } }), [
        "irHead.pinRX, irHead.pinTX and the LED must be three different pins",
    ])
})

// What native/esp32/opto_board.c reads, and what the runtime does with the rest of the file.
test("the head's section is what the native service reads, and the runtime leaves its pins alone", () => {
    for (const b of boards) {
        const keys = Object.keys(b.json.irHead).map(k => `irHead.${k}`)
        assert.deepEqual(keys, ["irHead.pinRX", "irHead.pinTX", "irHead.invertRX", "irHead.invertTX"], b.id)
        // dcfg keys hold at most 15 characters (jacdac-c DCFG_KEYSIZE)
        for (const k of keys) assert.ok(k.length <= 15, `${b.id}: ${k} is longer than 15`)
        assert.equal(typeof b.json.irHead.invertRX, "boolean", b.id)
        assert.equal(typeof b.json.irHead.invertTX, "boolean", b.id)
        // a plain pins.* label for the head would be switched off at each program start
        const head = [b.json.irHead.pinRX, b.json.irHead.pinTX]
        for (const [label, gpio] of Object.entries(b.json.pins ?? {}))
            assert.ok(!head.includes(gpio), `${b.id}: pins.${label} names a head pin`)
        // the classic ESP32 and the C3 have no UART left for the head when Jacdac takes one
        if (b.json.archId !== "esp32s3") assert.equal(b.json.jacdac, undefined, `${b.id}: no jacdac.pin`)
        assert.match(String(b.json.$description), /irHead\.invertRX\/invertTX/, `${b.id}: describe the inversion option`)
    }
})

for (const b of boards) {
    test(`firmware builds against board ${b.id}`, () => {
        mkdirSync(CHECK_DIR, { recursive: true })
        const entry = join(CHECK_DIR, `${b.id}.ts`)
        const firmware = relative(CHECK_DIR, join(ROOT, FIRMWARE_ENTRY)).replace(/\.ts$/, "")
        writeFileSync(
            entry,
            `import { pins } from "@dsboard/${b.id}"\nimport "${firmware}"\nconsole.log(pins)\n`,
        )
        // every devs build in the project writes .devicescript/bin: share the lock the firmware builds take
        const r = withBuildLock(() => devsBuild(ROOT, relative(ROOT, entry)))
        assert.ok(r.ok, `devs build failed for ${b.id}:\n${r.out}`)
        assert.doesNotMatch(r.out, /board\.json\(\d+\)/, `board warnings for ${b.id}:\n${r.out}`)
    })
}

// A copy of a board with one pin changed, built in a scratch project so the repo's boards/ stays
// untouched; the CLI lays out its own packages there.
function buildWithPin(base: string, key: "pinRX" | "pinTX", gpio: number) {
    const dir = mkdtempSync(join(tmpdir(), "opto-board-"))
    try {
        const json = { ...boards.find(b => b.id === base)!.json }
        json.irHead = { ...json.irHead, [key]: gpio }
        mkdirSync(join(dir, "boards"))
        writeFileSync(join(dir, "boards", `${base}.board.json`), JSON.stringify(json, null, 4))
        writeFileSync(join(dir, "devsconfig.json"), "{}")
        writeFileSync(join(dir, "package.json"), '{"name":"board-check","private":true}')
        writeFileSync(
            join(dir, "main.ts"),
            `import { pins } from "@dsboard/${base}"\nconsole.log(pins)\n`,
        )
        return devsBuild(dir, "main.ts")
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
}

test("a classic ESP32 board with irHead.pinRX on GPIO16 (PSRAM) fails to build", () => {
    const r = buildWithPin("opto_esp32_devkitc", "pinRX", 16)
    assert.equal(r.ok, false, r.out)
    assert.match(r.out, /irHead\.pinRX=16 has 'psram' function/)
})

test("an ESP32-C3 board with irHead.pinTX on GPIO18 (USB) fails to build", () => {
    const r = buildWithPin("opto_esp32c3_supermini", "pinTX", 18)
    assert.equal(r.ok, false, r.out)
    assert.match(r.out, /irHead\.pinTX=18 has 'usb' function/)
})
