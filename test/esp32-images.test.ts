// The ESP32 image pipeline's versions come from one place, native/upstream.env: the CI workflow
// that builds the images, the target check, the build script and the READMEs must all name the
// same ESP-IDF release and devicescript-esp32 commit.
import { test } from "node:test"
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parse } from "yaml"

const ROOT = resolve(__dirname, "..")
const read = (p: string) => readFileSync(join(ROOT, p), "utf8")

function upstreamEnv(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const line of read("native/upstream.env").split("\n")) {
        const m = /^([A-Z0-9_]+)=(\S+)$/.exec(line)
        if (m) out[m[1]] = m[2]
    }
    return out
}

test("upstream.env pins the runtime DeviceScript 2.16 ships", () => {
    assert.deepEqual(upstreamEnv(), {
        DEVICESCRIPT_ESP32_REPO: "microsoft/devicescript-esp32",
        DEVICESCRIPT_ESP32_COMMIT: "f6aec45d0a38e76b0019b975f185033e66e2f85d",
        DEVICESCRIPT_COMMIT: "c4e21867c53925030ef9c8f5d11b5fd400577b97",
        JACDAC_C_COMMIT: "499942823027445855e50c772b4eef4646ad5eb6",
        JACDAC_COMMIT: "96bba5d294d3596c8cb0f60d8a5dbc0e2b157051",
        ESP_IDF_VERSION: "v5.0.5",
    })
})

test("the image workflow parses and names the pinned versions", () => {
    const env = upstreamEnv()
    const wf = parse(read(".github/workflows/esp32-images.yml"))
    assert.equal(wf.env.PIN_ESP_IDF_VERSION, env.ESP_IDF_VERSION)
    assert.equal(wf.env.PIN_DEVICESCRIPT_ESP32_COMMIT, env.DEVICESCRIPT_ESP32_COMMIT)
    const job = wf.jobs.image
    assert.equal(job.container, `espressif/idf:${env.ESP_IDF_VERSION}`)
    assert.deepEqual(job.strategy.matrix.chip, ["esp32", "esp32c3", "esp32s3"])
    const steps: { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }[] = job.steps
    assert.ok(steps.some(s => s.run === "bash native/build-runtime.sh ${{ matrix.chip }}"))
    const upload = steps.find(s => s.uses?.startsWith("actions/upload-artifact@"))
    assert.equal(upload?.with?.path, "images/*.bin")
    const release = steps.find(s => s.uses?.startsWith("softprops/action-gh-release@"))
    assert.equal(release?.if, "startsWith(github.ref, 'refs/tags/')")
    assert.equal(release?.with?.files, "images/*.bin")
    assert.deepEqual(wf.on.push.tags, ["v*"])
})

test("the target check and the build script read upstream.env instead of naming versions", () => {
    for (const script of ["native/target-check.sh", "native/build-runtime.sh"]) {
        const text = read(script)
        assert.match(text, /\. "\$here\/upstream\.env"/, script)
        assert.doesNotMatch(text, /5\.0\.5|f6aec45/, `${script} names a version itself`)
    }
})

test("the READMEs name the same versions", () => {
    const env = upstreamEnv()
    const short = env.DEVICESCRIPT_ESP32_COMMIT.slice(0, 7)
    const top = read("README.md")
    const onEsp32 = top.slice(top.indexOf("## On an ESP32"), top.indexOf("\n## ", top.indexOf("## On an ESP32") + 3))
    const native = read("native/esp32/README.md")
    for (const [name, text] of [["README.md On an ESP32", onEsp32], ["native/esp32/README.md", native]]) {
        assert.ok(text.includes(`ESP-IDF ${env.ESP_IDF_VERSION}`), `${name} names ESP-IDF ${env.ESP_IDF_VERSION}`)
        assert.ok(text.includes(short), `${name} names devicescript-esp32 ${short}`)
        assert.doesNotMatch(text, /ESP-IDF v?5\.0(?!\.5)\b/, `${name} names another ESP-IDF release`)
    }
    assert.ok(native.includes(env.JACDAC_C_COMMIT.slice(0, 7)), "native README names the jacdac-c commit")
})
