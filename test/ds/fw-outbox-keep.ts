// The outage queue keeps what matters when space runs short (src/firmware/outbox.ts):
// a retained message superseded by a newer one for its topic goes first, state
// messages (history) are never superseded, and the bytes of the records that
// stay are intact after one is cut out of the middle of the ring.
import * as ds from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { Outbox } from "../../src/firmware/outbox"
import { put, text } from "./outbox-text"

function topics(q: Outbox): string {
    // reads every record by cycling it to the back (peek, shift, push again)
    const out: string[] = []
    const n = q.count
    const dropped = q.dropped
    for (let i = 0; i < n; i++) {
        const m = q.peek()
        const payload = text(q)
        out.push(m.topic + "=" + payload)
        q.shift()
        put(q, m.topic, payload, m.retain, m.topic.endsWith("/s"))
    }
    expect(q.dropped).toBe(dropped)
    return out.join(" ")
}

describe("outbox keeps what matters", () => {
    test("a superseded value goes before any state; then the oldest", async () => {
        // record size = 7 + topic + payload
        const q = new Outbox(120)
        put(q, "m/s", "state-one-state-one-", true, true) // 30
        put(q, "m/v", "1", true) // 11
        put(q, "d/g", "diag-one--", true) // 20
        put(q, "m/s", "state-two-state-two-", true, true) // 30
        put(q, "m/v", "2", true) // 11, 102 in use
        expect(q.dropped).toBe(0)
        put(q, "d/g", "diag-two--", true) // 122 > 120: the first m/v goes
        expect(q.dropped).toBe(1)
        expect(topics(q)).toBe("m/s=state-one-state-one- d/g=diag-one-- m/s=state-two-state-two- m/v=2 d/g=diag-two--")
        // the VM's step budget runs across synchronous tests: give the suites after this one a fresh one
        await ds.sleep(0)
    })

    test("states are never superseded: with nothing superseded left, the oldest goes", async () => {
        const q = new Outbox(100)
        put(q, "m/s", "s1-------------------", true, true) // 31
        put(q, "m/s", "s2-------------------", true, true) // 62
        put(q, "m/s", "s3-------------------", true, true) // 93
        put(q, "m/v", "9", true) // 11: 104 > 100, nothing superseded: s1 goes
        expect(q.dropped).toBe(1)
        expect(q.count).toBe(3)
        expect(text(q)).toBe("s2-------------------")
        await ds.sleep(0)
    })

    test("cutting a record out across the ring's end keeps the others byte for byte", async () => {
        const q = new Outbox(90)
        put(q, "x", "0123456789012345678901234567890123456789012345678901234567", false) // 66
        q.shift() // head and tail now at 66: the next records wrap
        put(q, "m/v", "old-value", true) // 19
        put(q, "m/s", "state-across-the-end", true, true) // 30, wraps
        put(q, "m/v", "new-value", true) // 19: 68 in use
        q.begin("m/s", true, true) // 7 + 3 + 20 = 30: 98 > 90, the old value goes
        q.append("state-two-")
        q.append("in-pieces-")
        expect(q.end()).toBe(true)
        expect(q.dropped).toBe(1)
        expect(topics(q)).toBe("m/s=state-across-the-end m/v=new-value m/s=state-two-in-pieces-")
        await ds.sleep(0)
    })
})
