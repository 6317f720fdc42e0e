// What an address means: quantity, Home Assistant classes, unit normalisation.

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

/** Metadata for an address as the meter sent it (reduced or full OBIS), given its unit; null when unknown. */
export function obisInfo(address: string, unit: string | null): ObisInfo | null {
    return null // TODO(data helper)
}

/** The unit as Home Assistant expects it ("m3" -> "m³", "KWH" -> "kWh"); unknown units unchanged. */
export function normaliseUnit(unit: string | null): string | null {
    return unit // TODO(data helper)
}
