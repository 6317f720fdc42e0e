// Test helpers for the outage queue (src/firmware/outbox.ts): a whole message in, a payload's pieces as text.
import { Outbox } from "../../src/firmware/outbox"

/** Queues one message whose payload is `text` (begin/append/end, as the publisher does); false when it was dropped. */
export function put(q: Outbox, topic: string, text: string, retain: boolean, history?: boolean): boolean {
    q.begin(topic, retain, history)
    q.append(text)
    return q.end()
}

/** The payload pieces joined as text. */
export function text(pieces: Buffer[]): string {
    let s = ""
    for (let i = 0; i < pieces.length; i++) s += pieces[i].toString()
    return s
}
