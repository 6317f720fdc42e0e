// OBIS metadata and unit normalisation for the codes real meters send.
import { test } from "node:test"
import assert from "node:assert/strict"
import fc from "fast-check"
import { isSerialNumberAddress, normaliseUnit, obisInfo, splitObis } from "../src/core/obis"

const classes = (address: string, unit: string | null) => {
    const i = obisInfo(address, unit)
    return i && [i.quantity, i.deviceClass, i.stateClass]
}

test("splitObis reads reduced and full forms", () => {
    assert.deepEqual(splitObis("1-0:1.8.0*255"), { medium: "1", channel: "0", c: "1", d: "8", e: "0", f: "255" })
    assert.deepEqual(splitObis("1-0:1.8.0&255"), { medium: "1", channel: "0", c: "1", d: "8", e: "0", f: "255" })
    assert.deepEqual(splitObis("1.8.0*01"), { medium: "", channel: "", c: "1", d: "8", e: "0", f: "01" })
    assert.deepEqual(splitObis("F.F"), { medium: "", channel: "", c: "F", d: "F", e: "", f: "" })
    assert.deepEqual(splitObis("0-1:24.2.1"), { medium: "0", channel: "1", c: "24", d: "2", e: "1", f: "" })
    for (const bad of ["", "1", "1..0", "1.8.0.0", "1-:1.8.0", ":1.8.0", "1.8.0*", "(", "P.01.", "ER11"])
        assert.equal(splitObis(bad), null, bad)
})

test("energy registers, import/export, totals and tariffs, both forms", () => {
    assert.deepEqual(classes("1.8.0", "kWh"), ["energy_import", "energy", "total_increasing"])
    assert.deepEqual(classes("1.8.1", "kWh"), ["energy_import_t1", "energy", "total_increasing"])
    assert.deepEqual(classes("2.8.2", "Wh"), ["energy_export_t2", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:1.8.0*255", "kWh"), ["energy_import", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:1.8.0&255", "KWH"), ["energy_import", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:2.8.0", "MWh"), ["energy_export", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:21.8.0*255", "kWh"), ["energy_import_l1", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:16.8.0*255", "kWh"), ["energy_net", "energy", "total"])
    assert.deepEqual(classes("15.8.0", "kWh"), ["energy_absolute", "energy", "total_increasing"])
    assert.equal(obisInfo("1.8.1", "kWh")!.name, "Energy import tariff 1")
})

test("reactive energy uses HA's reactive_energy class", () => {
    assert.deepEqual(classes("3.8.0", "kvarh"), ["reactive_energy_import", "reactive_energy", "total_increasing"])
    assert.deepEqual(classes("1-0:4.8.1*255", "KVARH"), ["reactive_energy_export_t1", "reactive_energy", "total_increasing"])
})

test("instantaneous values", () => {
    assert.deepEqual(classes("1.7.0", "kW"), ["power_import", "power", "measurement"])
    assert.deepEqual(classes("2.7.0", "kW"), ["power_export", "power", "measurement"])
    assert.deepEqual(classes("1-0:16.7.0*255", "W"), ["power", "power", "measurement"])
    assert.deepEqual(classes("15.7.0", "W"), ["power_absolute", "power", "measurement"])
    assert.deepEqual(classes("1-0:21.7.0*255", "W"), ["power_l1", "power", "measurement"])
    assert.deepEqual(classes("41.7.0", "W"), ["power_l2", "power", "measurement"])
    assert.deepEqual(classes("61.7.0", "kW"), ["power_l3", "power", "measurement"])
    assert.deepEqual(classes("32.7.0", "V"), ["voltage_l1", "voltage", "measurement"])
    assert.deepEqual(classes("1-0:52.7.0*255", "V"), ["voltage_l2", "voltage", "measurement"])
    assert.deepEqual(classes("72.7", "V"), ["voltage_l3", "voltage", "measurement"])
    assert.deepEqual(classes("31.7.0", "A"), ["current_l1", "current", "measurement"])
    assert.deepEqual(classes("51.7.0", "A"), ["current_l2", "current", "measurement"])
    assert.deepEqual(classes("71.7.0", "A"), ["current_l3", "current", "measurement"])
    assert.deepEqual(classes("1-0:91.7.0*255", "A"), ["current_neutral", "current", "measurement"])
    assert.deepEqual(classes("13.7.0", null), ["power_factor", "power_factor", "measurement"])
    assert.deepEqual(classes("33.7.0", ""), ["power_factor_l1", "power_factor", "measurement"])
    assert.deepEqual(classes("73.7.0", null), ["power_factor_l3", "power_factor", "measurement"])
    assert.deepEqual(classes("14.7.0", "HZ"), ["frequency", "frequency", "measurement"])
    assert.deepEqual(classes("3.7.0", "kvar"), ["reactive_power_import", "reactive_power", "measurement"])
})

test("maximum demand is power without a state class", () => {
    assert.deepEqual(classes("1.6.0", "kW"), ["max_demand_import", "power", null])
    assert.deepEqual(classes("1-0:2.6.1*255", "kW"), ["max_demand_export_t1", "power", null])
})

test("volumes: medium decides gas or water, reduced form is plain volume", () => {
    assert.deepEqual(classes("7-0:3.0.0*255", "m3"), ["gas_volume", "gas", "total_increasing"])
    assert.deepEqual(classes("8-0:1.0.0*255", "m3"), ["water_volume", "water", "total_increasing"])
    assert.deepEqual(classes("9-0:1.0.0*255", "m³"), ["water_volume", "water", "total_increasing"])
    assert.deepEqual(classes("3.0.0", "m3"), ["volume", "volume", "total_increasing"])
})

test("DSMR P1 codes: tariff registers, power, per phase, M-Bus gas and water, tariff indicator", () => {
    // names as in a DSMR 5 telegram (dsmr_parser TELEGRAM_V5)
    assert.deepEqual(classes("1-0:1.8.1", "kWh"), ["energy_import_t1", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:1.8.2", "kWh"), ["energy_import_t2", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:2.8.1", "kWh"), ["energy_export_t1", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:2.8.2", "kWh"), ["energy_export_t2", "energy", "total_increasing"])
    assert.deepEqual(classes("1-0:1.7.0", "kW"), ["power_import", "power", "measurement"])
    assert.deepEqual(classes("1-0:2.7.0", "kW"), ["power_export", "power", "measurement"])
    assert.deepEqual(classes("1-0:32.7.0", "V"), ["voltage_l1", "voltage", "measurement"])
    assert.deepEqual(classes("1-0:71.7.0", "A"), ["current_l3", "current", "measurement"])
    assert.deepEqual(classes("1-0:41.7.0", "kW"), ["power_l2", "power", "measurement"])
    assert.deepEqual(classes("1-0:62.7.0", "kW"), ["power_export_l3", "power", "measurement"])
    // the M-Bus channel: gas unless its 0-n:24.1.0 said 007 (Fluvius water, TELEGRAM_FLUVIUS_V171)
    assert.deepEqual(classes("0-1:24.2.1", "m3"), ["gas_volume", "gas", "total_increasing"])
    assert.deepEqual(classes("0-1:24.3.0", "m3"), ["gas_volume", "gas", "total_increasing"])
    assert.deepEqual(obisInfo("0-2:24.2.1", "m3", 7)!.deviceClass, "water")
    assert.deepEqual(obisInfo("0-1:24.2.3", "m3", 3)!.deviceClass, "gas")
    assert.deepEqual(classes("0-1:24.2.1", "GJ"), ["heat_energy", "energy", "total_increasing"])
    assert.deepEqual(classes("0-0:96.14.0", null), ["tariff", null, null])
    assert.deepEqual(classes("0-0:96.7.21", null), ["power_failures", null, "total_increasing"])
    assert.deepEqual(classes("0-0:96.7.9", null), null) // long power failures: a count without a class of its own
    assert.equal(obisInfo("0-0:96.13.0", null), null) // the text message is no sensor
})

test("heat meter short codes", () => {
    assert.deepEqual(classes("6.8", "MWh"), ["heat_energy", "energy", "total_increasing"])
    assert.deepEqual(classes("6.8", "GJ"), ["heat_energy", "energy", "total_increasing"])
    assert.deepEqual(classes("6.8.1", "kWh"), ["heat_energy_t1", "energy", "total_increasing"])
    assert.deepEqual(classes("6.26", "m3"), ["volume", "volume", "total_increasing"])
    assert.deepEqual(classes("6.6", "kW"), ["heat_power_max", "power", null])
})

test("a unit HA does not accept for the class keeps quantity and state class, drops the device class", () => {
    assert.deepEqual(classes("1.8.0", null), ["energy_import", null, "total_increasing"])
    assert.deepEqual(classes("1.8.0", "kvarh"), ["energy_import", null, "total_increasing"])
    assert.deepEqual(classes("32.7.0", "kV"), ["voltage_l1", "voltage", "measurement"])
    assert.deepEqual(classes("13.7.0", "W"), ["power_factor", null, "measurement"])
})

test("unknown codes, stored billing-period values and other media are null", () => {
    for (const [a, u] of [["F.F", null], ["C.1.0", null], ["0.9.1", null], ["0.0.0", null], ["P.01", null], ["1.8.0*01", "kWh"],
        ["1-0:1.8.0*101", "kWh"], ["7-0:1.8.0*255", "kWh"], ["0-0:1.0.0*255", null], ["99.7.0", "W"], ["1.9.0", "kWh"],
        ["1.7.1", "kW"], ["", "kWh"], ["9.4", "C"], ["20.7.0", "W"], ["x-0:1.8.0", "kWh"]] as const)
        assert.equal(obisInfo(a, u), null, a)
})

test("serial number addresses", () => {
    for (const a of ["0.0.0", "C.1.0", "C.1", "96.1.0", "0-0:96.1.0*255", "1-0:0.0.0*255", "1-0:96.1.0&255"])
        assert.ok(isSerialNumberAddress(a), a)
    for (const a of ["1.8.0", "0.0.1", "C.1.1", "96.1.1", "0-0:96.1.0*01", "F.F", "", "0.9.1"])
        assert.ok(!isSerialNumberAddress(a), a)
})

test("normaliseUnit", () => {
    const cases: [string | null, string | null][] = [
        ["m3", "m³"], ["M3", "m³"], ["KWH", "kWh"], ["kwh", "kWh"], ["kWh", "kWh"], ["WH", "Wh"], ["MWH", "MWh"],
        ["v", "V"], ["a", "A"], ["HZ", "Hz"], ["KVARH", "kvarh"], ["kvar", "kvar"], ["C", "°C"], ["°C", "°C"],
        ["gj", "GJ"], ["KW", "kW"], ["w", "W"], [" kWh ", "kWh"], ["m3ph", "m³/h"], ["", ""], [null, null],
        ["furlong", "furlong"], ["m3/min", "m3/min"],
    ]
    for (const [u, want] of cases) assert.equal(normaliseUnit(u), want, String(u))
})

test("obisInfo and normaliseUnit never throw, and normalising is idempotent", () => {
    const s = fc.string({ maxLength: 20 })
    fc.assert(fc.property(s, fc.option(s), (a, u) => {
        obisInfo(a, u)
        isSerialNumberAddress(a)
        assert.equal(normaliseUnit(normaliseUnit(u)), normaliseUnit(u))
    }), { numRuns: 2000 })
})
