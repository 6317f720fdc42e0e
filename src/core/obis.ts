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

// Energy registers (D=8) by C (or C-20/-40/-60 per phase), per tariff E:
// "quantity|Name|device class|state class" (a table: see INSTANT below).
const REGISTER: string[] = [
    "", "energy_import|Energy import|energy|total_increasing", "energy_export|Energy export|energy|total_increasing",
    "reactive_energy_import|Reactive energy import|reactive_energy|total_increasing",
    "reactive_energy_export|Reactive energy export|reactive_energy|total_increasing",
    "", "", "", "", "", "", "", "", "", "", "energy_absolute|Energy absolute|energy|total_increasing",
    // 16: import minus export, it can go down
    "energy_net|Energy net|energy|total",
]

function register(c: number, t: string, tn: string, u: string | null): ObisInfo | null {
    const ph = phase(c)
    const b = base(c)
    const e = b < REGISTER.length ? REGISTER[b] : ""
    if (!e.length) return null
    const f = e.split("|")
    return info(f[0] + (ph.length ? "_l" + ph : "") + t, f[1] + (ph.length ? " L" + ph : "") + tn, classFor(f[2], u), f[3])
}

// Instantaneous values (D=7, E=0) by C (or C-20/-40/-60 for phases L1/L2/L3):
// "quantity|Name|device class"; a table, because the switch it replaced cost 0.7 KB of
// the firmware image's 64 KB of function code. 14-16 exist only as totals.
const INSTANT: string[] = [
    "", "power_import|Power import|power", "power_export|Power export|power",
    "reactive_power_import|Reactive power import|reactive_power", "reactive_power_export|Reactive power export|reactive_power",
    "", "", "", "", "apparent_power|Apparent power|apparent_power", "", "current|Current|current", "voltage|Voltage|voltage",
    "power_factor|Power factor|power_factor", "frequency|Frequency|frequency", "power_absolute|Power absolute|power",
    // 16: signed sum, import positive, export negative
    "power|Power|power",
]

function instantaneous(c: number, u: string | null): ObisInfo | null {
    if (c === 91) return info("current_neutral", "Current neutral", classFor("current", u), "measurement")
    const ph = phase(c)
    const b = base(c)
    const e = b < INSTANT.length ? INSTANT[b] : ""
    if (!e.length || (ph.length && b > 13)) return null
    const f = e.split("|")
    // 21/41/61 are the phases' active power, not an import total
    if (ph.length && b === 1) return info("power_l" + ph, "Power L" + ph, classFor("power", u), "measurement")
    return info(ph.length ? f[0] + "_l" + ph : f[0], ph.length ? f[1] + " L" + ph : f[1], classFor(f[2], u), "measurement")
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

// Lower-case spellings and the unit Home Assistant expects for each, as pairs in one
// string: a switch over these cost the firmware image 0.5 KB of its 64 KB of function code.
// Case-insensitive, so "MW"/"mW" both mean mega: meters write mega, never milli.
const UNIT_PAIRS = ("wh Wh kwh kWh mwh MWh gwh GWh w W kw kW mw MW varh varh kvarh kvarh var var kvar kvar " +
    "va VA kva kVA vah VAh kvah kVAh v V kv kV a A hz Hz m3 m³ m³ m³ m3/h m³/h m3ph m³/h m³/h m³/h l L l/h L/h " +
    "gj GJ mj MJ c °C °c °C degc °C k K % % h h").split(" ")

/** The unit as Home Assistant expects it ("m3" -> "m³", "KWH" -> "kWh"); unknown units unchanged. */
export function normaliseUnit(unit: string | null): string | null {
    if (unit === null) return null
    const u = unit.trim().toLowerCase()
    if (!u.length) return ""
    const i = UNIT_PAIRS.indexOf(u)
    return i >= 0 && (i & 1) === 0 ? UNIT_PAIRS[i + 1] : unit
}
