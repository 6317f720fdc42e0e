// The cmd topic's parser: three read-only words, everything else refused with a clear error.
import { test } from "node:test"
import assert from "node:assert/strict"
import { parseCommand } from "../src/core/commands"

test("read, selftest and trace are commands (case and spaces ignored)", () => {
    assert.deepEqual(parseCommand(" Read\n", 6), { command: "read", error: null })
    assert.deepEqual(parseCommand("selftest", 8), { command: "selftest", error: null })
    assert.deepEqual(parseCommand("TRACE", 5), { command: "trace", error: null })
})

test("anything else is refused, naming the commands; nothing writes", () => {
    assert.deepEqual(parseCommand("W1 1.8.0(0)", 11), { command: null, error: "cmd: 'w1 1.8.0(0)' is not a command; commands are read, selftest, trace (all read-only)" })
    assert.deepEqual(parseCommand("", 0), { command: null, error: "cmd: '' is not a command; commands are read, selftest, trace (all read-only)" })
    assert.deepEqual(parseCommand("a\u0001b", 3), { command: null, error: "cmd: 'a?b' is not a command; commands are read, selftest, trace (all read-only)" })
})

test("a payload over 64 bytes is refused unread", () => {
    assert.deepEqual(parseCommand("", 65), { command: null, error: "cmd: payload of 65 bytes refused (at most 64); commands are read, selftest, trace" })
})
