// Test helpers for the outage queue (src/firmware/outbox.ts): a whole message in, a payload's pieces as text.
import { Outbox } from "../../src/firmware/outbox"

/** Queues one message whose payload is `text` (begin/append/end, as the publisher does); false when it was dropped. */
export function put(q: Outbox, topic: string, text: string, retain: boolean, history?: boolean): boolean {
    q.begin(topic, retain, history)
    q.append(text)
    return q.end()
}

/** The oldest message's payload as text, read piece by piece as the publisher sends it. */
export function text(q: Outbox): string {
    const size = q.peek().size
    let s = ""
    for (let i = 0, n = 0; n < size; i++) {
        const b = q.piece(i)
        s += b.toString()
        n += b.length
    }
    return s
}
