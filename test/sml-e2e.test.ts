// Firmware end to end for an SML meter: the device firmware in the DeviceScript
// simulator with a simulated head replaying the EMH eHZ profile's telegrams,
// PUSH_UART=auto, an embedded broker and mqtt.js.
import { afterEach, describe, test } from "node:test"
import assert from "node:assert/strict"
import { join } from "node:path"
import { Scenario, waitFor } from "./helpers/e2e-harness"
import { readSimProfile } from "../tools/vm-host/sim-profile"

const scenarios: Scenario[] = []
afterEach(async () => {
    for (const s of scenarios.splice(0)) await s.stop()
})

describe("firmware end to end, SML", { concurrency: false }, () => {
    test("EMH eHZ over PUSH_UART=auto: the server id names the meter, values and discovery as for D0", async () => {
        const s = new Scenario()
        scenarios.push(s)
        await s.start(readSimProfile(join(__dirname, "..", "profiles", "sml", "emh-ehz.json")), { PUSH_UART: "auto" })
        await waitFor("an SML readout", () => s.states().length >= 1, 60000, () => s.log())
        const state = JSON.parse(s.states()[0].payload)
        assert.equal(state.meter, "3032323830383137")
        assert.deepEqual(state.values["1-0:1.8.2*255"], { value: 2012.4, text: "2012.4", unit: "Wh" })
        assert.deepEqual(state.values["1-0:1.7.0*255"], { value: 13.8, text: "13.8", unit: "W" })
        assert.match(state.values["1-0:1.8.1*255"].text, /^147981(12\.9|13\.[0-3])$/)
        const msgs = s.msgs()
        const power = msgs.find(m => m.topic === "opto62056/3032323830383137/1-0_3A1.7.0_2A255")
        assert.equal(power?.payload, "13.8")
        const disco = msgs.find(m => m.topic === "homeassistant/sensor/opto62056_3032323830383137_1-0_3A1_2E7_2E0_2A255/config")
        assert.ok(disco, "discovery for the power value")
        const cfg = JSON.parse(disco!.payload)
        assert.equal(cfg.device_class, "power")
        assert.equal(cfg.state_class, "measurement")
        assert.equal(cfg.unit_of_measurement, "W")
        assert.equal(cfg.value_template, "{{ value_json['values']['1-0:1.7.0*255'].value }}")
        assert.equal(cfg.device.manufacturer, "EMH")
        // the server id's octet string is text; published as the D0 side publishes digits
        assert.deepEqual(state.values["1-0:0.0.0*255"], { value: 2280817, text: "02280817", unit: null })
    })
})
