// The outage queue in one preallocated buffer (src/outbox.ts).
import { describe, expect, test } from "@devicescript/test"
import { Outbox } from "../../src/firmware/outbox"
import { put, text } from "./outbox-text"

describe("outbox", () => {
    test("keeps order, topic, payload and retain", () => {
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
    })
    test("wraps around the ring without corrupting records", () => {
        const q = new Outbox(64)
        for (let i = 0; i < 50; i++) {
            put(q, "t" + i, "payload-" + i, i % 2 === 0)
            const m = q.peek()
            expect(m.topic).toBe("t" + i)
            expect(text(q)).toBe("payload-" + i)
            q.shift()
        }
        expect(q.dropped).toBe(0)
    })
    test("drops the oldest when full and counts it", () => {
        const q = new Outbox(100)
        for (let i = 0; i < 10; i++) put(q, "t" + i, "0123456789", true) // 19 bytes each
        expect(q.count).toBe(5)
        expect(q.dropped).toBe(5)
        expect(q.peek().topic).toBe("t5")
    })
    test("a payload written in pieces (begin/append/end) reads back whole, across the ring's end", () => {
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
    })
    test("a message in pieces drops the oldest to make room, and is dropped itself when larger than the queue", () => {
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
    })
    test("a message larger than the queue is dropped and counted", () => {
        const q = new Outbox(32)
        expect(put(q, "big", "0123456789012345678901234567890123456789", true)).toBe(false)
        expect(q.dropped).toBe(1)
        expect(q.count).toBe(0)
    })
    test("a long payload goes in as text of any length and comes out in pieces of at most 128 bytes (no large heap block)", () => {
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
    })
    test("a message that cannot fit even alone drops nothing that was queued", () => {
        const q = new Outbox(100)
        put(q, "a", "0123456789", true) // 18 bytes
        put(q, "b", "0123456789", true)
        let big = ""
        for (let i = 0; i < 15; i++) big += "0123456789"
        expect(put(q, "big", big, true)).toBe(false)
        expect(q.count).toBe(2)
        expect(q.dropped).toBe(1)
        expect(q.peek().topic).toBe("a")
    })
})
