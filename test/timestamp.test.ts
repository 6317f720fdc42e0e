// Meter timestamps as ISO 8601 for the published "at" (issue 12 item 6).
import { test } from "node:test"
import assert from "node:assert/strict"
import { isoTimestamp } from "../src/core/timestamp"

test("DSMR YYMMDDhhmmss with W (winter, +01:00) or S (summer, +02:00)", () => {
    // 0-1:24.2.1(161129200000W) from dsmr_parser TELEGRAM_V4_2; (200426223001S) from TELEGRAM_V5_TWO_MBUS
    assert.equal(isoTimestamp("161129200000W"), "2016-11-29T20:00:00+01:00")
    assert.equal(isoTimestamp("200426223001S"), "2020-04-26T22:30:01+02:00")
})

test("IEC 62056-21 YY-MM-DD hh:mm, local time", () => {
    assert.equal(isoTimestamp("18-11-13 22:48"), "2018-11-13T22:48")
})

test("anything else is no timestamp", () => {
    for (const t of ["161129200000X", "16112920000W", "00981.443", "", "22:48 18-11-13", "1611292000000W"]) assert.equal(isoTimestamp(t), null, t)
})
