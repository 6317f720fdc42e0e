// Settings validation (src/settings.ts): bad values name the key and what is
// accepted, fall back to the default, and never show a password.
import { describe, expect, test } from "@devicescript/test"
import { parseBrokerUrl, parseConfig } from "../../src/firmware/settings"

function cfg(values: Record<string, any>) {
    return parseConfig(k => values[k])
}

describe("settings", () => {
    test("defaults", () => {
        const { config, errors } = cfg({})
        expect(errors.length).toBe(0)
        expect(config.mqttUrl).toBe("mqtt://127.0.0.1:1883")
        expect(config.baseTopic).toBe("opto62056")
        expect(config.pollMs).toBe(60000)
        expect(config.framing).toBe("auto")
        expect(config.session.requestChar).toBe("?")
        expect(config.session.address).toBe("")
        expect(config.session.maxBaud).toBe(9600)
        expect(config.session.wakeup).toBe("auto")
        expect(config.session.push).toBe(null)
        expect(config.session.programming).toBe(null)
    })
    test("values map onto the session configuration", () => {
        const { config, errors } = cfg({
            METER_ADDRESS: "12345678", MAX_BAUD: 4800, FORCE_MODE: "B", WAKEUP: "always", REQUEST_CHAR: "2",
            PUSH_UART: "9600/8N1", PROG_REGS: "1.8.0, 0.0.0", PROG_PASS: "00000000", PROG_CMD: "R5", FORCE_BAUD: "2400",
        })
        expect(errors.length).toBe(0)
        expect(config.session.address).toBe("12345678")
        expect(config.session.maxBaud).toBe(4800)
        expect(config.session.forceMode).toBe("B")
        expect(config.session.forceBaud).toBe(2400)
        expect(config.session.wakeup).toBe("always")
        expect(config.session.requestChar).toBe("2")
        expect(config.session.push.uart.baud).toBe(9600)
        expect(config.session.push.uart.format).toBe("8N1")
        expect(config.session.programming.registers.join("|")).toBe("1.8.0|0.0.0")
        expect(config.session.programming.password).toBe("00000000")
        expect(config.session.programming.command).toBe("R5")
    })
    test("an invalid value names the key and what is accepted, and the default is used", () => {
        const { config, errors } = cfg({ POLL_MS: "soon", MAX_BAUD: 1234, WAKEUP: "sometimes" })
        expect(errors.length).toBe(3)
        expect(config.pollMs).toBe(60000)
        expect(config.session.maxBaud).toBe(9600)
        expect(errors[0].key).toBe("MAX_BAUD")
        expect(errors[0].message.indexOf("MAX_BAUD: '1234' is not accepted (one of 300,")).toBe(0)
        const poll = errors.find(e => e.key === "POLL_MS")
        expect(poll.message).toBe("POLL_MS: 'soon' is not accepted (a whole number from 1000 to 86400000); using 60000")
    })
    test("values and a queue the 64 KB heap cannot hold are refused, naming the range", () => {
        const { config, errors } = cfg({ MAX_VALUES: 100, QUEUE_BYTES: 16384 })
        expect(errors.length).toBe(2)
        expect(config.maxValues).toBe(64)
        expect(config.queueBytes).toBe(8192)
        expect(errors.find(e => e.key === "MAX_VALUES").message).toBe("MAX_VALUES: '100' is not accepted (a whole number from 1 to 64); using 64")
        expect(errors.find(e => e.key === "QUEUE_BYTES").message).toBe("QUEUE_BYTES: '16384' is not accepted (a whole number from 4096 to 12288); using 8192")
    })
    test("a bad password is reported without its value", () => {
        const secret = "pa(ss)word-that-is-far-too-long-for-a-meter"
        const { errors } = cfg({ PROG_PASS: secret, MQTT_PASS: "x" + String.fromCharCode(7) })
        expect(errors.length).toBe(2)
        for (let i = 0; i < errors.length; i++) {
            expect(errors[i].message.indexOf(secret)).toBe(-1)
            expect(errors[i].message.indexOf("not shown")).not().toBe(-1)
        }
    })
    test("HA_PREFIX=off disables discovery", () => {
        expect(cfg({ HA_PREFIX: "off" }).config.haPrefix).toBe("")
        expect(cfg({}).config.haPrefix).toBe("homeassistant")
    })
    test("broker URLs", () => {
        expect(parseBrokerUrl("mqtt://10.0.0.2").port).toBe(1883)
        expect(parseBrokerUrl("mqtts://broker.example").port).toBe(8883)
        expect(parseBrokerUrl("mqtts://broker.example").tls).toBe(true)
        expect(parseBrokerUrl("mqtt://h:18830/").port).toBe(18830)
        expect(parseBrokerUrl("http://h")).toBe(null)
        expect(parseBrokerUrl("mqtt://h:99999")).toBe(null)
        const { config, errors } = cfg({ MQTT_URL: "tcp://h" })
        expect(errors[0].key).toBe("MQTT_URL")
        expect(config.mqttUrl).toBe("mqtt://127.0.0.1:1883")
    })
})
