// MQTT over TLS (MQTT_URL=mqtts://...): the firmware in the simulator connects to
// an aedes broker behind a TLS listener with a throwaway self-signed certificate,
// trusted through NODE_EXTRA_CA_CERTS (the sim's sockets are Node's).
import { test } from "node:test"
import assert from "node:assert/strict"
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { createServer } from "node:tls"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Aedes } from "aedes"
import { Scenario, simProfile, waitFor } from "./helpers/e2e-harness"
import { startBroker } from "../tools/vm-host/broker"

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0

test("mqtts: the firmware publishes through a TLS broker", { skip: hasOpenssl ? false : "needs openssl" }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "opto-tls-"))
    const key = join(dir, "key.pem"), cert = join(dir, "cert.pem")
    const g = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
    assert.equal(g.status, 0, String(g.stderr))
    const aedes = await Aedes.createBroker()
    const got: string[] = []
    aedes.on("publish", (p, c) => { if (c) got.push(p.topic) })
    const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, s => aedes.handle(s))
    await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()))
    const port = (server.address() as { port: number }).port
    try {
        const child = spawn("npx", ["tsx", "tools/simulate.ts", "--broker", `mqtts://localhost:${port}`, "--count", "1", "--json", "--timeout", "60"], {
            env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
        })
        let out = "", err = ""
        child.stdout.on("data", d => (out += d))
        child.stderr.on("data", d => (err += d))
        const code = await new Promise<number | null>(r => child.on("close", r))
        assert.equal(code, 0, err)
        assert.ok(out.trim().split("\n").some(l => JSON.parse(l).topic === "opto62056/METER1/state"), out)
        assert.ok(got.includes("opto62056/METER1/state"))
        assert.match(err, /mqtts:\/\/localhost/)
    } finally {
        server.close()
        await new Promise<void>(r => aedes.close(() => r()))
    }
})

test("mqtts:// to a plain-TCP broker: the TLS handshake fails with a clear error, and nothing goes out in plain text", async () => {
    const plain = await startBroker()
    let clients = 0, publishes = 0
    plain.aedes.on("client", () => clients++)
    plain.aedes.on("publish", (_p: unknown, c: unknown) => { if (c) publishes++ })
    const s = new Scenario()
    try {
        await s.start(simProfile({}), { POLL_MS: "2000", MQTT_URL: JSON.stringify(`mqtts://127.0.0.1:${plain.port}`) })
        const failed = () => s.lines.filter(l => l.startsWith("> mqtt: ") && /retry in/.test(l))
        await waitFor("two failed TLS connects", () => failed().length >= 2, 30000, () => s.log())
        assert.ok(s.lines.includes(`> mqtt: mqtts://127.0.0.1:${plain.port} as ${s.deviceName}`), s.log())
        // Node's TLS in the simulator says why (the ESP32's mbedTLS words it differently): the handshake never completed
        for (const l of failed()) assert.match(l, /tls:\/\/127\.0\.0\.1:\d+: .*secure TLS connection was established; retry in \d+ ms$/, l)
        // no fallback to plain MQTT: the broker never saw an MQTT CONNECT, let alone a message
        assert.equal(clients, 0)
        assert.equal(publishes, 0)
    } finally {
        await s.stop()
        await plain.close()
    }
})
