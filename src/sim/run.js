// One reader session against a simulated meter on the virtual line, with what
// the tests and the bench read from it: the accepted data sets, the errors as
// text, the stats and the reader's memory afterwards.
import { Session } from "../core/session";
import { defaultSessionConfig } from "../core/session";
import { newMemory } from "../core/memory";
import { SimMeter } from "./meter";
import { expectedData } from "./expected";
import { VirtualLine, acceptedDataSets } from "./line";
/** The reader configuration a profile needs (push meters are listened to; addressed meters are addressed). */
export function configFor(p, over = {}) {
    const c = defaultSessionConfig();
    if (p.mode === "D")
        c.push = { uart: null };
    if (p.address !== null)
        c.address = p.address;
    return { ...c, ...over };
}
export function runSession(p, config, opts = {}, memory = newMemory(), meter, startMs = 0) {
    const m = meter ?? new SimMeter(p, 0);
    const line = new VirtualLine(m, opts);
    const r = line.run(new Session(config, memory), startMs);
    let stats = null;
    const errors = [];
    for (const e of r.events) {
        if (e.event.type === "finished")
            stats = e.event.stats;
        if (e.event.type === "error")
            errors.push(`${e.event.error.kind}: ${e.event.error.message}`);
    }
    return { ...r, stats, accepted: acceptedDataSets(r.events), errors, memory };
}
/** The data sets a profile should yield, in the form acceptedDataSets uses. */
export function expectedSets(p, requestChar) {
    return expectedData(p, requestChar).dataSets.map(d => ({ address: d.address, values: d.values.map(v => v.raw) }));
}
export function eventsOf(r, type) {
    return r.events.filter(e => e.event.type === type);
}
