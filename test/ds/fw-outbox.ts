// The outage queue in one preallocated buffer (src/outbox.ts).
import * as ds from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { Outbox } from "../../src/firmware/outbox"
import { put, text } from "./outbox-text"

describe("outbox", () => {
    test("keeps order, topic, payload and retain", async () => {
        const q = new Outbox(256)
        put(q, "a/b", "one", true)
        put(q, "a/c", "two", false)
        expect(q.count).toBe(2)
        let m = q.peek()
        expect(m.topic).toBe("a/b")
        expect(text(q)).toBe("one")
        expect(m.retain).toBe(true)
        q.shift()
        m = q.peek()
        expect(m.topic).toBe("a/c")
        expect(m.retain).toBe(false)
        q.shift()
        expect(q.peek()).toBe(null)
        expect(q.used).toBe(0)
        await ds.sleep(0) // the VM's step budget runs across synchronous tests
    })
    test("wraps around the ring without corrupting records", async () => {
        const q = new Outbox(64)
        for (let i = 0; i < 50; i++) {
            put(q, "t" + i, "payload-" + i, i % 2 === 0)
            const m = q.peek()
            expect(m.topic).toBe("t" + i)
            expect(text(q)).toBe("payload-" + i)
            q.shift()
        }
        expect(q.dropped).toBe(0)
        await ds.sleep(0) // the VM's step budget runs across synchronous tests
    })
    test("drops the oldest when full and counts it", async () => {
        const q = new Outbox(100)
        for (let i = 0; i < 10; i++) put(q, "t" + i, "0123456789", true) // 19 bytes each
        expect(q.count).toBe(5)
        expect(q.dropped).toBe(5)
        expect(q.peek().topic).toBe("t5")
        await ds.sleep(0) // the VM's step budget runs across synchronous tests
    })
    test("a payload written in pieces (begin/append/end) reads back whole, across the ring's end", async () => {
        const q = new Outbox(64)
        put(q, "x", "0123456789012345678901234567890123456789", false) // 48 bytes
        q.shift() // the write position is now near the end of the ring
        q.begin("s/t", true)
        q.append("{\"a\":")
        q.append("1,\"b\":\"text\"")
        q.append("}")
        expect(q.end()).toBe(true)
        const m = q.peek()
        expect(m.topic).toBe("s/t")
        expect(text(q)).toBe("{\"a\":1,\"b\":\"text\"}")
        expect(m.retain).toBe(true)
        await ds.sleep(0) // the VM's step budget runs across synchronous tests
    })
    test("a message in pieces drops the oldest to make room, and is dropped itself when larger than the queue", async () => {
        const q = new Outbox(48)
        put(q, "old", "0123456789", true) // 20 bytes
        q.begin("new", false)
        for (let i = 0; i < 3; i++) q.append("abcdefghij")
        expect(q.end()).toBe(true)
        expect(q.count).toBe(1)
        expect(q.dropped).toBe(1)
        expect(text(q)).toBe("abcdefghijabcdefghijabcdefghij")
        q.begin("big", false)
        for (let i = 0; i < 10; i++) q.append("abcdefghij")
        expect(q.end()).toBe(false)
        expect(q.count).toBe(0)
        await ds.sleep(0) // the VM's step budget runs across synchronous tests
    })
    test("a message larger than the queue is dropped and counted", async () => {
        const q = new Outbox(32)
        expect(put(q, "big", "0123456789012345678901234567890123456789", true)).toBe(false)
        expect(q.dropped).toBe(1)
        expect(q.count).toBe(0)
        await ds.sleep(0) // the VM's step budget runs across synchronous tests
    })
    test("a long payload goes in as text of any length and comes out in pieces of at most 128 bytes (no large heap block)", async () => {
        const q = new Outbox(1024)
        let long = ""
        for (let i = 0; i < 30; i++) long += "0123456789"
        expect(put(q, "s/t", long, true)).toBe(true)
        const m = q.peek()
        expect(m.size).toBe(300)
        expect(q.piece(0).length).toBe(128)
        expect(q.piece(1).length).toBe(128)
        expect(q.piece(2).length).toBe(44)
        expect(text(q)).toBe(long)
        await ds.sleep(0) // the VM's step budget runs across synchronous tests
    })
    test("a message that cannot fit even alone drops nothing that was queued", async () => {
        const q = new Outbox(100)
        put(q, "a", "0123456789", true) // 18 bytes
        put(q, "b", "0123456789", true)
        let big = ""
        for (let i = 0; i < 15; i++) big += "0123456789"
        expect(put(q, "big", big, true)).toBe(false)
        expect(q.count).toBe(2)
        expect(q.dropped).toBe(1)
        expect(q.peek().topic).toBe("a")
        await ds.sleep(0) // the VM's step budget runs across synchronous tests
    })
})
