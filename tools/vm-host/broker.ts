// An embedded MQTT broker (aedes) on a loopback port, for simulate and the
// end-to-end tests. `stop()`/`start()` take the listener down and up again on
// the same port (the broker keeps its retained messages, like a broker with
// persistence restarting), which is how the tests cut the firmware off.
import { Aedes } from "aedes"
import { createServer, Server, Socket } from "node:net"

export interface EmbeddedBroker {
    url: string
    port: number
    aedes: Aedes
    /** close the listener and every connection */
    stop(): Promise<void>
    /** listen again on the same port */
    start(): Promise<void>
    /** cut every connection, the listener stays (a network drop) */
    cut(): void
    close(): Promise<void>
}

export async function startBroker(port = 0): Promise<EmbeddedBroker> {
    const aedes = await Aedes.createBroker()
    const sockets = new Set<Socket>()
    let server: Server | null = null
    let bound = port
    async function listen() {
        server = createServer(s => {
            sockets.add(s)
            s.on("close", () => sockets.delete(s))
            aedes.handle(s)
        })
        await new Promise<void>((res, rej) => {
            server!.once("error", rej)
            server!.listen(bound, "127.0.0.1", () => res())
        })
        const a = server.address()
        if (a && typeof a === "object") bound = a.port
    }
    async function stop() {
        const s = server
        server = null
        for (const c of sockets) c.destroy()
        sockets.clear()
        if (s) await new Promise<void>(res => s.close(() => res()))
    }
    await listen()
    return {
        url: `mqtt://127.0.0.1:${bound}`,
        port: bound,
        aedes,
        stop,
        start: listen,
        cut() {
            for (const c of sockets) c.destroy()
        },
        async close() {
            await stop()
            await new Promise<void>(res => aedes.close(() => res()))
        },
    }
}
