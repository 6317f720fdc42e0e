// What an address means: quantity, Home Assistant classes, unit normalisation.
//
// Addresses come as the meter sent them: reduced (`1.8.0`, `32.7`, `C.1.0`,
// `6.8`) or full (`1-0:1.8.0*255`, `1-0:1.8.0&255`). Decisions:
// - A medium A other than 1 (electricity) or absent is not electricity: only the
//   volume rule applies there (7 gas, 8/9 water, anything else plain volume).
// - A unit of m3 makes any register a volume, total_increasing (a reduced address
//   cannot tell gas from water, so it gets device class "volume").
// - F other than 255 (`1.8.0*01`, billing period values such as an MT174's 15
//   months of history) is a stored snapshot, not the live register: null.
// - Maximum demand (D=6, heat meter `6.6`) is a power, but with no state class:
//   it is a peak kept until the billing reset, not a sample to build statistics on.
// - Heat meter short codes (no medium, C=6): `6.8` energy, `6.26` volume, `6.6`
//   maximum power. `6.26` is "volume", not "water": the water circulates in the
//   heating loop and must not count as consumption in the energy dashboard.
// - A device class is only given when the unit is one Home Assistant accepts for
//   it (HA rejects an energy sensor in "m3"); quantity and state class stay.
// - DSMR P1 (medium 0, "abstract"): `0-n:24.2.x`/`24.3.0` is the reading of M-Bus
//   device n. Its type is announced in the same telegram by `0-n:24.1.0` (3 gas,
//   7 water; DSMR 5.0.2 P1 companion standard, table of M-Bus device types), which
//   the caller passes as mbusType; unknown means gas, what nearly every DSMR M-Bus
//   channel carries. A GJ/MJ/kWh unit there is a heat meter (district heating).
//   `96.14.0` is the tariff in force (1 low, 2 normal in NL); `96.7.21` counts power
//   failures.

export interface ObisInfo {
    /** e.g. "energy_import", "power", "voltage_l1", "gas_volume" */
    quantity: string
    /** a human name, e.g. "Energy import" */
    name: string
    /** Home Assistant device_class, e.g. "energy", or null */
    deviceClass: string | null
    /** "total_increasing" | "total" | "measurement" | null */
    stateClass: string | null
}

/** The parts of an OBIS address; absent parts are "" (medium/channel only in the full form). */
export interface ObisCode {
    medium: string
    channel: string
    c: string
    d: string
    e: string
    f: string
}

/** Splits `A-B:C.D.E*F` (also `&F`, and the reduced `C.D`, `C.D.E`, `C.D.E*F`); null when it is no OBIS address. */
export function splitObis(address: string): ObisCode | null {
    let medium = ""
    let channel = ""
    let rest = address
    const colon = rest.indexOf(":")
    if (colon >= 0) {
        const ab = rest.slice(0, colon)
        const dash = ab.indexOf("-")
        medium = dash >= 0 ? ab.slice(0, dash) : ab
        channel = dash >= 0 ? ab.slice(dash + 1) : ""
        rest = rest.slice(colon + 1)
        if (!medium.length || (dash >= 0 && !channel.length)) return null
    }
    let f = ""
    let star = rest.indexOf("*")
    const amp = rest.indexOf("&")
    if (star < 0 || (amp >= 0 && amp < star)) star = amp
    if (star >= 0) {
        f = rest.slice(star + 1)
        rest = rest.slice(0, star)
        if (!f.length) return null
    }
    const p = rest.split(".")
    if (p.length < 2 || p.length > 3) return null
    for (let i = 0; i < p.length; i++) if (!p[i].length) return null
    return { medium: medium, channel: channel, c: p[0], d: p[1], e: p.length > 2 ? p[2] : "", f: f }
}

// A decimal field as a number, -1 when it is not all digits (letters such as C, F, P).
function num(s: string): number {
    if (!s.length || s.length > 6) return -1
    let n = 0
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c < 48 || c > 57) return -1
        n = n * 10 + c - 48
    }
    return n
}

function info(quantity: string, name: string, deviceClass: string | null, stateClass: string | null): ObisInfo {
    return { quantity: quantity, name: name, deviceClass: deviceClass, stateClass: stateClass }
}

// The units Home Assistant accepts for each device class we set ("" = no unit).
const CLASS_UNITS: Record<string, string[]> = {
    energy: ["Wh", "kWh", "MWh", "GWh", "MJ", "GJ"],
    reactive_energy: ["varh", "kvarh"],
    power: ["W", "kW", "MW"],
    reactive_power: ["var", "kvar"],
    apparent_power: ["VA", "kVA"],
    voltage: ["V", "kV", "mV"],
    current: ["A", "mA"],
    frequency: ["Hz", "kHz"],
    power_factor: ["", "%"],
    gas: ["m³", "L"],
    water: ["m³", "L"],
    volume: ["m³", "L"],
}

// The device class if Home Assistant accepts the unit for it, else null.
function classFor(deviceClass: string, unit: string | null): string | null {
    const units = CLASS_UNITS[deviceClass]
    return units !== undefined && units.indexOf(unit === null ? "" : unit) >= 0 ? deviceClass : null
}

// C of 21..39/41..59/61..79 is the quantity C-20/-40/-60 on phase L1/L2/L3.
function phase(c: number): string {
    return c > 20 && c < 80 ? (c < 40 ? "1" : c < 60 ? "2" : "3") : ""
}

function base(c: number): number {
    return c > 20 && c < 80 ? c % 20 : c
}

/** M-Bus device types of DSMR `0-n:24.1.0` that decide gas or water. */
export const enum MbusType {
    Gas = 3,
    Water = 7,
}

/** Metadata for an address as the meter sent it (reduced or full OBIS), given its unit (and, for a DSMR M-Bus channel, the type its `0-n:24.1.0` announced); null when unknown. */
export function obisInfo(address: string, unit: string | null, mbusType?: number): ObisInfo | null {
    const o = splitObis(address)
    if (!o) return null
    if (o.f.length && num(o.f) !== 255) return null // billing-period snapshot
    const u = normaliseUnit(unit)
    const a = o.medium.length ? num(o.medium) : -1
    const c = num(o.c)
    const d = num(o.d)
    const e = o.e.length ? num(o.e) : 0
    if (c < 0 || d < 0 || e < 0) return null
    if (a === 0 && o.medium.length) {
        const r = dsmrAbstract(c, d, e, u, mbusType)
        if (r !== null) return r
    }
    if (u === "m³") {
        if (a === 7) return info("gas_volume", "Gas volume", "gas", "total_increasing")
        if (a === 8 || a === 9) return info("water_volume", "Water volume", "water", "total_increasing")
        return info("volume", "Volume", "volume", "total_increasing")
    }
    if (!o.medium.length && c === 6) return heat(d, e, u)
    if (o.medium.length && a !== 1) return null // not electricity
    const t = e > 0 ? "_t" + e : ""
    const tn = e > 0 ? " tariff " + e : ""
    if (d === 8) return register(c, t, tn, u)
    if (d === 6 && (c === 1 || c === 2)) {
        const dir = c === 1 ? "import" : "export"
        return info("max_demand_" + dir + t, "Maximum demand " + dir + tn, classFor("power", u), null)
    }
    if (d === 4 && e === 0 && (c === 1 || c === 2)) {
        const dir = c === 1 ? "import" : "export"
        return info("demand_" + dir, "Demand " + dir, classFor("power", u), "measurement")
    }
    if (d === 7 && e === 0) return instantaneous(c, u)
    return null
}

// Energy registers (D=8), per tariff E.
function register(c: number, t: string, tn: string, u: string | null): ObisInfo | null {
    const ph = phase(c)
    const q = (ph.length ? "_l" + ph : "") + t
    const n = (ph.length ? " L" + ph : "") + tn
    switch (base(c)) {
        case 1:
            return info("energy_import" + q, "Energy import" + n, classFor("energy", u), "total_increasing")
        case 2:
            return info("energy_export" + q, "Energy export" + n, classFor("energy", u), "total_increasing")
        case 3:
            return info("reactive_energy_import" + q, "Reactive energy import" + n, classFor("reactive_energy", u), "total_increasing")
        case 4:
            return info("reactive_energy_export" + q, "Reactive energy export" + n, classFor("reactive_energy", u), "total_increasing")
        case 15:
            return info("energy_absolute" + q, "Energy absolute" + n, classFor("energy", u), "total_increasing")
        case 16:
            // import minus export: it can go down
            return info("energy_net" + q, "Energy net" + n, classFor("energy", u), "total")
    }
    return null
}

// Instantaneous values (D=7, E=0).
function instantaneous(c: number, u: string | null): ObisInfo | null {
    const ph = phase(c)
    const q = ph.length ? "_l" + ph : ""
    const n = ph.length ? " L" + ph : ""
    switch (base(c)) {
        case 1:
            // 1 is the import total; 21/41/61 the per-phase active power
            return ph.length
                ? info("power" + q, "Power" + n, classFor("power", u), "measurement")
                : info("power_import", "Power import", classFor("power", u), "measurement")
        case 2:
            return info("power_export" + q, "Power export" + n, classFor("power", u), "measurement")
        case 3:
            return info("reactive_power_import" + q, "Reactive power import" + n, classFor("reactive_power", u), "measurement")
        case 4:
            return info("reactive_power_export" + q, "Reactive power export" + n, classFor("reactive_power", u), "measurement")
        case 9:
            return info("apparent_power" + q, "Apparent power" + n, classFor("apparent_power", u), "measurement")
        case 11:
            return info("current" + q, "Current" + n, classFor("current", u), "measurement")
        case 12:
            return info("voltage" + q, "Voltage" + n, classFor("voltage", u), "measurement")
        case 13:
            return info("power_factor" + q, "Power factor" + n, classFor("power_factor", u), "measurement")
        case 14:
            return ph.length ? null : info("frequency", "Frequency", classFor("frequency", u), "measurement")
        case 15:
            return ph.length ? null : info("power_absolute", "Power absolute", classFor("power", u), "measurement")
        case 16:
            // signed sum: import positive, export negative
            return ph.length ? null : info("power", "Power", classFor("power", u), "measurement")
    }
    if (c === 91) return info("current_neutral", "Current neutral", classFor("current", u), "measurement")
    return null
}

// DSMR P1 abstract codes (medium 0).
function dsmrAbstract(c: number, d: number, e: number, u: string | null, mbusType?: number): ObisInfo | null {
    if (c === 24 && (d === 2 || d === 3)) {
        if (u === "m³") return mbusType === MbusType.Water ? info("water_volume", "Water volume", "water", "total_increasing") : info("gas_volume", "Gas volume", "gas", "total_increasing")
        const heat = classFor("energy", u)
        return heat !== null ? info("heat_energy", "Heat energy", heat, "total_increasing") : null
    }
    if (c !== 96 || e !== (d === 14 ? 0 : 21)) return null
    return d === 14 ? info("tariff", "Tariff", null, null) : d === 7 ? info("power_failures", "Power failures", null, "total_increasing") : null
}

// Heat meter short codes (Landis+Gyr UH50 style), reduced form only.
function heat(d: number, e: number, u: string | null): ObisInfo | null {
    const t = e > 0 ? "_t" + e : ""
    const tn = e > 0 ? " tariff " + e : ""
    if (d === 8) return info("heat_energy" + t, "Heat energy" + tn, classFor("energy", u), "total_increasing")
    if (d === 26) return info("volume", "Volume", classFor("volume", u), "total_increasing")
    if (d === 6) return info("heat_power_max", "Maximum heat power", classFor("power", u), null)
    return null
}

/** Serial number / device id addresses (`0.0.0`, `C.1.0`, `96.1.0`, `0-0:96.1.0*255`), for Home Assistant device blocks. */
export function isSerialNumberAddress(address: string): boolean {
    const o = splitObis(address)
    if (!o) return false
    if (o.f.length && num(o.f) !== 255) return false
    if (o.e.length && num(o.e) !== 0) return false
    return (o.c === "0" && o.d === "0") || ((o.c === "C" || o.c === "96") && o.d === "1")
}

/** The unit as Home Assistant expects it ("m3" -> "m³", "KWH" -> "kWh"); unknown units unchanged. */
export function normaliseUnit(unit: string | null): string | null {
    if (unit === null) return null
    // Case-insensitive, so "MW"/"mW" both mean mega: meters write mega, never milli.
    switch (unit.trim().toLowerCase()) {
        case "wh":
            return "Wh"
        case "kwh":
            return "kWh"
        case "mwh":
            return "MWh"
        case "gwh":
            return "GWh"
        case "w":
            return "W"
        case "kw":
            return "kW"
        case "mw":
            return "MW"
        case "varh":
            return "varh"
        case "kvarh":
            return "kvarh"
        case "var":
            return "var"
        case "kvar":
            return "kvar"
        case "va":
            return "VA"
        case "kva":
            return "kVA"
        case "vah":
            return "VAh"
        case "kvah":
            return "kVAh"
        case "v":
            return "V"
        case "kv":
            return "kV"
        case "a":
            return "A"
        case "hz":
            return "Hz"
        case "m3":
        case "m³":
            return "m³"
        case "m3/h":
        case "m3ph":
        case "m³/h":
            return "m³/h"
        case "l":
            return "L"
        case "l/h":
            return "L/h"
        case "gj":
            return "GJ"
        case "mj":
            return "MJ"
        case "c":
        case "°c":
        case "degc":
            return "°C"
        case "k":
            return "K"
        case "%":
            return "%"
        case "h":
            return "h"
        case "":
            return ""
    }
    return unit
}
