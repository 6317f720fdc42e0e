// Read-only commands from <base>/<device>/cmd, served between sessions: `read`
// ends the wait for the next session, `selftest` runs the head self-test,
// `trace` publishes the line trace. A command that arrives during a session
// waits for its end (the line belongs to the session). Anything else is
// answered on the diagnostics topic; nothing here can send to the meter but
// the self-test's probe.
import * as ds from "@devicescript/core"
import { Command, parseCommand } from "../core/commands"
import { MqttConnection } from "./mqtt"
import { Publisher, deviceTopic } from "./publisher"
import { Doctor } from "./doctor"
import { SerialLink } from "./link"
import { runSession } from "./app"
import { SelfTest } from "../core/selftest"

/** commands waiting; more are refused (a flood must not grow the heap) */
const MAX_WAITING = 4

export class CommandQueue {
    private waiting: Command[] = []
    private arrived = ds.emitter<number>()

    constructor(public conn: MqttConnection, public pub: Publisher) {
        conn.subscriptions.push(deviceTopic(pub.topics, "cmd"))
        // a method is bound to its object in DeviceScript: no closure (a function of its own) needed
        conn.onMessage = this.onMessage
    }

    /** A command: queued, else refused on the diagnostics topic (one place, so one piece of code). */
    private onMessage(topic: string, payload: Buffer) {
        if (topic !== deviceTopic(this.pub.topics, "cmd")) return
        const small = payload.length <= 64
        const r = parseCommand(small ? payload.toString() : "", payload.length)
        const why = r.command === null ? r.error : this.waiting.length >= MAX_WAITING ? "cmd: " + MAX_WAITING + " commands are already waiting; '" + r.command + "' dropped" : ""
        this.pub.commandError = why
        if (why.length) {
            console.log(why)
            this.pub.diagnostics(null)
            return
        }
        this.waiting.push(r.command as Command)
        this.arrived.emit(1)
    }

    /** Serves commands until `until` (ms) or a `read`. */
    async serveUntil(until: number, doctor: Doctor, link: SerialLink) {
        while (true) {
            while (this.waiting.length) {
                const c = this.waiting.shift()
                console.log("cmd: " + c)
                if (c === "read") return
                if (c === "selftest") await this.selfTest(doctor, link)
                else if (c === "trace") await this.pub.publishTrace(doctor.writeTrace)
            }
            const now = ds.millis()
            if (now >= until) return
            await ds.wait(this.arrived, until - now)
        }
    }

    async selfTest(doctor: Doctor, link: SerialLink) {
        const st = new SelfTest()
        await runSession(st, link, { onEvent: async ev => {} })
        const dg = doctor.diagnoser
        const d = st.verdict(dg.headEchoes)
        if (d.code === "HEAD_OK") dg.headEchoes = true
        doctor.selfTest = d
        console.log("selftest: " + d.code + ": " + d.text)
        this.pub.diagnostics(null)
    }
}
