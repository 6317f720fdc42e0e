// Read-only commands from <base>/<device>/cmd, served between sessions: `read`
// ends the wait for the next session, `selftest` runs the head self-test,
// `trace` publishes the line trace. A command that arrives during a session
// waits for its end (the line belongs to the session). Anything else is
// answered on the diagnostics topic; nothing here can send to the meter but
// the self-test's probe.
import * as ds from "@devicescript/core"
import { Command, parseCommand } from "../core/commands"
import { MqttConnection } from "./mqtt"
import { Publisher, commandTopic } from "./publisher"
import { Doctor } from "./doctor"
import { SerialLink } from "./link"
import { runSession } from "./app"

/** commands waiting; more are refused (a flood must not grow the heap) */
const MAX_WAITING = 4

export class CommandQueue {
    private waiting: Command[] = []
    private arrived = ds.emitter<number>()

    constructor(public conn: MqttConnection, public pub: Publisher) {
        const self = this
        conn.subscriptions.push(commandTopic(pub.topics))
        conn.onMessage = (topic, payload) => self.onMessage(topic, payload)
    }

    private onMessage(topic: string, payload: Buffer) {
        if (topic !== commandTopic(this.pub.topics)) return
        const small = payload.length <= 64
        const r = parseCommand(small ? payload.toString() : "", payload.length)
        if (r.command === null) {
            this.refuse(r.error)
            return
        }
        if (this.waiting.length >= MAX_WAITING) {
            this.refuse("cmd: " + MAX_WAITING + " commands are already waiting; '" + r.command + "' dropped")
            return
        }
        this.pub.commandError = ""
        this.waiting.push(r.command)
        this.arrived.emit(1)
    }

    private refuse(why: string) {
        console.log(why)
        this.pub.commandError = why
        this.pub.diagnostics(null)
    }

    /** Serves commands until `until` (ms) or a `read`. */
    async serveUntil(until: number, doctor: Doctor, link: SerialLink) {
        while (true) {
            while (this.waiting.length) {
                const c = this.waiting.shift()
                console.log("cmd: " + c)
                if (c === "read") return
                if (c === "selftest") await this.selfTest(doctor, link)
                else if (c === "trace") this.pub.publishTrace(await doctor.traceNow())
            }
            const now = ds.millis()
            if (now >= until) return
            await ds.wait(this.arrived, until - now)
        }
    }

    async selfTest(doctor: Doctor, link: SerialLink) {
        const st = doctor.newSelfTest()
        await runSession(st, link, { onEvent: async ev => {} })
        doctor.selfTestEnded(st)
        this.pub.diagnostics(null)
    }
}
