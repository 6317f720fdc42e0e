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
// - DSMR P1 (medium 0, "abstract"): `0-n:24.2.x`/`24.3.0` is the reading of M-Bus
//   device n. Its type is announced in the same telegram by `0-n:24.1.0` (3 gas,
//   7 water; DSMR 5.0.2 P1 companion standard, table of M-Bus device types), which
//   the caller passes as mbusType; unknown means gas, what nearly every DSMR M-Bus
//   channel carries. A GJ/MJ/kWh unit there is a heat meter (district heating).
//   `96.14.0` is the tariff in force (1 low, 2 normal in NL); `96.7.21` counts power
//   failures.
// - Heat meter short codes (no medium, C=6): `6.8` energy, `6.26` volume, `6.6`
//   maximum power. `6.26` is "volume", not "water": the water circulates in the
//   heating loop and must not count as consumption in the energy dashboard.
// - A device class is only given when the unit is one Home Assistant accepts for
//   it (HA rejects an energy sensor in "m3"); quantity and state class stay.

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

/** The value of `key` in a table `|key=value|key=value|` (no key or value contains | or =), or null. */
export function lookup(table: string, key: string): string | null {
    const i = key.indexOf("|") < 0 ? table.indexOf("|" + key + "=") : -1
    return i < 0 ? null : table.slice(i + key.length + 2, table.indexOf("|", i + 1))
}

// The units Home Assistant accepts for each device class we set ("" = no unit).
const CLASS_UNITS = "|energy=Wh,kWh,MWh,GWh,MJ,GJ|reactive_energy=varh,kvarh|power=W,kW,MW|reactive_power=var,kvar|apparent_power=VA,kVA|voltage=V,kV,mV|current=A,mA|frequency=Hz,kHz|power_factor=,%|gas=m³,L|water=m³,L|volume=m³,L|"

// What each register is: quantity/name/device class/state class, keyed by
// m (m³ volume: m7 gas, m8 water), h (heat meter short code: hD), or D.C (D.base(C) for D 7 and 8;
// 7.p is the per-phase active power, 7.C with C > 13 has no per-phase form).
// Quantity and name get the phase and tariff suffixes.
const REGISTERS = "|d14=tariff/Tariff//|d7=power_failures/Power failures//total_increasing|m7=gas_volume/Gas volume/gas/total_increasing|m8=water_volume/Water volume/water/total_increasing|m=volume/Volume/volume/total_increasing|h8=heat_energy/Heat energy/energy/total_increasing|h26=volume/Volume/volume/total_increasing|h6=heat_power_max/Maximum heat power/power/|6.1=max_demand_import/Maximum demand import/power/|6.2=max_demand_export/Maximum demand export/power/|4.1=demand_import/Demand import/power/measurement|4.2=demand_export/Demand export/power/measurement|8.1=energy_import/Energy import/energy/total_increasing|8.2=energy_export/Energy export/energy/total_increasing|8.3=reactive_energy_import/Reactive energy import/reactive_energy/total_increasing|8.4=reactive_energy_export/Reactive energy export/reactive_energy/total_increasing|8.15=energy_absolute/Energy absolute/energy/total_increasing|8.16=energy_net/Energy net/energy/total|7.1=power_import/Power import/power/measurement|7.p=power/Power/power/measurement|7.2=power_export/Power export/power/measurement|7.3=reactive_power_import/Reactive power import/reactive_power/measurement|7.4=reactive_power_export/Reactive power export/reactive_power/measurement|7.9=apparent_power/Apparent power/apparent_power/measurement|7.11=current/Current/current/measurement|7.12=voltage/Voltage/voltage/measurement|7.13=power_factor/Power factor/power_factor/measurement|7.14=frequency/Frequency/frequency/measurement|7.15=power_absolute/Power absolute/power/measurement|7.16=power/Power/power/measurement|7.91=current_neutral/Current neutral/current/measurement|"
/** Metadata for an address as the meter sent it (reduced or full OBIS), given its unit; null when unknown. */
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
    let c = num(o.c)
    const d = num(o.d)
    let e = o.e.length ? num(o.e) : 0
    if (c < 0 || d < 0 || e < 0) return null
    // C of 21..39/41..59/61..79 is the quantity C-20/-40/-60 on phase L1/L2/L3
    let ph = ""
    let key: string
    if (a === 0 && c === 24 && (d === 2 || d === 3)) {
        // DSMR P1: the reading of M-Bus device n; gas unless its 0-n:24.1.0 said water, heat when in energy units
        key = u === "m³" ? (mbusType === MbusType.Water ? "m8" : "m7") : (lookup(CLASS_UNITS, "energy") as string).split(",").indexOf(u === null ? "" : u) >= 0 ? "h8" : "-"
        e = 0
    } else if (a === 0 && c === 96 && ((d === 14 && e === 0) || (d === 7 && e === 21))) {
        // DSMR P1: the tariff in force (1 low, 2 normal in NL), the count of power failures
        key = "d" + d
        e = 0
    } else if (u === "m³") {
        key = a === 7 ? "m7" : a === 8 || a === 9 ? "m8" : "m"
        e = 0
    } else if (!o.medium.length && c === 6) {
        // heat meter short codes (Landis+Gyr UH50 style), reduced form only
        key = "h" + d
        if (d !== 8) e = 0
    } else {
        if (o.medium.length && a !== 1) return null // not electricity
        if (d > 6) {
            if (c > 20 && c < 80) {
                ph = c < 40 ? "1" : c < 60 ? "2" : "3"
                c = c % 20
            }
            if (d === 7) {
                if (e) return null
                if (ph.length) {
                    if (c === 1) c = -1
                    else if (c > 13) return null
                }
            }
        } else if (d !== 6 && e) return null
        key = d + "." + (c < 0 ? "p" : c)
    }
    const r = lookup(REGISTERS, key)
    if (r === null) return null
    const v = r.split("/")
    const q = (ph.length ? "_l" + ph : "") + (e > 0 ? "_t" + e : "")
    const n = (ph.length ? " L" + ph : "") + (e > 0 ? " tariff " + e : "")
    // a device class only when Home Assistant accepts the unit for it
    const units = v[2].length ? (lookup(CLASS_UNITS, v[2]) as string).split(",") : []
    return {
        quantity: v[0] + q,
        name: v[1] + n,
        deviceClass: units.indexOf(u === null ? "" : u) >= 0 ? v[2] : null,
        stateClass: v[3].length ? v[3] : null,
    }
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
    const n = lookup(UNITS, unit.trim().toLowerCase())
    return n === null ? unit : n
}

const UNITS = "|wh=Wh|kwh=kWh|mwh=MWh|gwh=GWh|w=W|kw=kW|mw=MW|varh=varh|kvarh=kvarh|var=var|kvar=kvar|va=VA|kva=kVA|vah=VAh|kvah=kVAh|v=V|kv=kV|a=A|hz=Hz|m3=m³|m³=m³|m3/h=m³/h|m3ph=m³/h|m³/h=m³/h|l=L|l/h=L/h|gj=GJ|mj=MJ|c=°C|°c=°C|degc=°C|k=K|%=%|h=h|=|"
