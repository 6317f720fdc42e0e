// The firmware soak, short: 100 sessions of the device image in the VM against a counting push
// meter and the embedded broker, the broker restarted and the network dropped at seeded random
// moments, the settings changed halfway (QUEUE_BYTES 8192 -> 4096, a redeploy). `npm run soak`
// runs the same for 2,000 sessions (tools/soak/soak-core.ts). Its own step in npm test
// (tools/test.ts): it waits on real time far more than it computes.
import { test } from "node:test"
import assert from "node:assert/strict"
import { checkSoak, formatSoak, runSoak } from "../tools/soak/soak-core"

test("soak: 100 sessions with broker restarts, network drops and a settings change", async t => {
    // two values per telegram keep a session short (each message waits for its PUBACK)
    const r = await runSoak({ sessions: 100, seed: 14, values: 2, outage1: [300, 1500], outage2: [2000, 5000] })
    for (const l of formatSoak(r).split("\n")) t.diagnostic(l)
    assert.deepEqual(checkSoak(r), [])
    assert.equal(r.phases.length, 2)
    const [one, two] = r.phases
    assert.ok(one.sessions >= 50 && two.sessions >= 50, "both boots ran their sessions")
    // the default queue holds through these outages: every reading arrived, nothing dropped
    assert.equal(one.dropped, 0)
    assert.equal(one.statesLost, 0)
    assert.ok(one.statesReceived >= 45, `${one.statesReceived} states`)
    // the smaller queue drops, superseded messages first: what is lost is exactly what it counted
    assert.equal(two.statesLost + two.valuesLost + two.diagnosticsLost, two.dropped)
    for (const p of r.phases) {
        assert.equal(p.outOfOrder, 0)
        assert.ok(p.restarts + p.drops >= 2, `${p.name}: ${p.restarts} restarts, ${p.drops} drops`)
        // the heap was watched all along, and stayed inside the VM's 64 KB with room for the largest block
        assert.ok(p.heap.samples > 500)
        assert.ok(p.heap.maxBlock > 0 && p.heap.minMaxFree >= p.heap.maxBlock, `largest block ${p.heap.maxBlock}, smallest largest-free ${p.heap.minMaxFree}`)
    }
    assert.deepEqual(r.passwordLeaks, [])
})
