// The head's parts in one table: the schematic (head.tsx), the parts list (bom.ts) and the SPICE
// check (spice.ts) all read their values from here, so a value changed here changes all three.

export interface Part {
    ref: string
    /** what it is, as written in the parts list */
    description: string
    value: string
    manufacturer: string
    mpn: string
    footprint: string
    /** a second source or the variant for red-light meters */
    alternative?: string
    /** LCSC number for JLCPCB assembly (SMD parts only; the optics and the cable pads are
     *  soldered by hand). Each was seen next to this MPN in public JLCPCB BOMs; see the README. */
    lcsc?: string
}

/** BC817/BC807 in SOT-23: 1 base, 2 emitter, 3 collector (Nexperia BC817 series datasheet Rev. 8,
 *  Table 3 "Pinning"; the BC807 datasheet's pinning table and onsemi's BC817-xxLT1, SOT-23 case 318
 *  style 6, say the same). tscircuit's default transistor numbering is 1 collector, 2 base,
 *  3 emitter, so every SOT-23 transistor sets this; test/board.test.ts checks each pad's net. */
export const SOT23_BJT = { pin1: "base", pin2: "emitter", pin3: "collector" } as const

/** Resistor values in ohms, the ones the SPICE check simulates. */
export const VALUES = {
    /** phototransistor emitter resistor: the sensitivity/speed knob. The BC817 turns on at
     *  0.6 V / R1 = ~110 µA; the light-off edge ends when the phototransistor has decayed to that
     *  current, so a smaller R1 is faster. 5.6 k keeps both edges within 20 % of a 19200 Bd bit
     *  from 0.5 to 2 mA (10 k, the Volkszaehler value, is slower: ~12.7 µs at 2 mA). */
    R1: 5_600,
    /** BC817 collector pull-up: with R1 sets the speed of the light-off edge */
    R2: 10_000,
    /** BC807 base resistor: 0.26 mA base current, enough to saturate at the LED current */
    R3: 10_000,
    /** IR LED series resistor: ~17 mA at 3.3 V */
    R4: 100,
    /** supply rail */
    VDD: 3.3,
} as const

export const PARTS: Part[] = [
    {
        ref: "Q1",
        description: "IR phototransistor, 3 mm, daylight filter, emitter follower",
        value: "SFH309FA-4",
        manufacturer: "ams OSRAM",
        mpn: "SFH 309 FA-4",
        footprint: "LED_THT:LED_D3.0mm",
        alternative: "red-light (650 nm) meters: SFH 309-4 (no filter) or Vishay BPW96C",
    },
    { ref: "R1", description: "emitter resistor (sensitivity/speed)", value: "5.6k", manufacturer: "Yageo", mpn: "RC0805FR-075K6L", lcsc: "C4382", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "Q2", description: "NPN gain stage", value: "BC817-40", manufacturer: "Nexperia", mpn: "BC817-40,215", lcsc: "C52801", footprint: "Package_TO_SOT_SMD:SOT-23" },
    { ref: "R2", description: "collector pull-up", value: "10k", manufacturer: "Yageo", mpn: "RC0805FR-0710KL", lcsc: "C17414", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "U1", description: "Schmitt-trigger buffer, receive", value: "74LVC1G17", manufacturer: "Nexperia", mpn: "74LVC1G17GV,125", lcsc: "C6076", footprint: "Package_TO_SOT_SMD:SOT-23-5", alternative: "TI SN74LVC1G17DBVR" },
    { ref: "U2", description: "Schmitt-trigger buffer, transmit (keeps the ESP32 pin unloaded)", value: "74LVC1G17", manufacturer: "Nexperia", mpn: "74LVC1G17GV,125", lcsc: "C6076", footprint: "Package_TO_SOT_SMD:SOT-23-5" },
    { ref: "R3", description: "PNP base resistor", value: "10k", manufacturer: "Yageo", mpn: "RC0805FR-0710KL", lcsc: "C17414", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "Q3", description: "PNP high-side LED driver", value: "BC807-40", manufacturer: "Nexperia", mpn: "BC807-40,215", footprint: "Package_TO_SOT_SMD:SOT-23" },
    {
        ref: "D1",
        description: "IR LED 880 nm, 3 mm (anode = SHORT lead)",
        value: "SFH487-2",
        manufacturer: "ams OSRAM",
        mpn: "SFH 487-2",
        footprint: "LED_THT:LED_D3.0mm",
        alternative: "any 850-940 nm 3 mm IR LED rated >= 50 mA, e.g. Vishay TSAL4400",
    },
    { ref: "R4", description: "LED series resistor", value: "100", manufacturer: "Yageo", mpn: "RC0805FR-07100RL", lcsc: "C17408", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "C1", description: "bulk decoupling", value: "1uF", manufacturer: "Samsung", mpn: "CL21B105KBFNNNE", lcsc: "C28323", footprint: "Capacitor_SMD:C_0805_2012Metric" },
    { ref: "C2", description: "decoupling", value: "100nF", manufacturer: "Yageo", mpn: "CC0805KRX7R9BB104", lcsc: "C49678", footprint: "Capacitor_SMD:C_0805_2012Metric" },
    { ref: "J1", description: "4-pin connector 3V3/GND/TXD/RXD", value: "1x4 2.54mm", manufacturer: "Wurth Elektronik", mpn: "61300411121", footprint: "Connector_PinHeader_2.54mm:PinHeader_1x04_P2.54mm_Vertical" },
]

export function part(ref: string): Part {
    const p = PARTS.find(p => p.ref === ref)
    if (!p) throw new Error(`no part ${ref}`)
    return p
}

/** Ratings the checks compare against (datasheet maximum ratings). */
export const RATINGS = {
    /** SFH 487: forward current IF, continuous, TA = 25 °C */
    ledMaxCurrent: 0.1,
    /** BC807-40: collector current, continuous */
    pnpMaxCurrent: 0.5,
}

/** ESP32 digital input thresholds (datasheet: VIL <= 0.25 VDD, VIH >= 0.75 VDD). */
export const ESP32 = { VIL: 0.25 * VALUES.VDD, VIH: 0.75 * VALUES.VDD }
