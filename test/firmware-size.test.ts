// The device image must load: DeviceScript's verifier refuses an image whose
// function code ends at or past 64 KB (check 1051), and then the ESP32 runs
// nothing. Every feature that adds firmware code spends this budget.
import { test } from "node:test"
import assert from "node:assert/strict"
import { buildSimFirmware } from "../tools/vm-host/sim-profile"
import { FUNCTION_CODE_LIMIT, imageSize } from "../tools/vm-host/image-size"

test("the device firmware's function code ends below DeviceScript's 64 KB limit", t => {
    const s = imageSize(buildSimFirmware())
    t.diagnostic(`image ${s.bytes} B, ${s.functions} functions, function code ends at ${s.functionCodeEnd} B, headroom ${s.headroom} B`)
    assert.ok(s.functionCodeEnd < FUNCTION_CODE_LIMIT, `function code ends at ${s.functionCodeEnd} B`)
})

test("the size reader finds the function code in a known header", () => {
    // a hand-made header: functions at 96 (2 descriptors), their code at 128..65600
    const h = Buffer.alloc(64)
    h.writeUInt32LE(96, 32)
    h.writeUInt32LE(32, 36)
    h.writeUInt32LE(128, 40)
    h.writeUInt32LE(65472, 44)
    assert.deepEqual(imageSize(h), { bytes: 64, functions: 2, functionCodeEnd: 65600, headroom: -64 })
})
