// The DSMR P1 adapter's parts and the facts of the port it is designed to, in one table: the
// schematic (p1.tsx), the parts list and the SPICE check (p1-spice.ts) read them from here.
//
// The port, from the public companion standards of Netbeheer Nederland ("P1 Companion Standard,
// Dutch Smart Meter Requirements"; copies of v2.2, v4.2.2 and v5.0.2 are in the public repository
// lvzon/dsmr-p1-parser, doc/):
//  - v5.0.2 (2016) §5.1 table 5-1, RJ12: 1 +5V, 2 Data Request (input), 3 Data GND, 4 n.c.,
//    5 Data (output, open collector), 6 Power GND. v4.2.2 (2014) table 4-2: the same.
//    v2.2 (2008) §4.6: RJ11, pins 1 and 6 unassigned (no supply), 2 Request, 3 GND, 5 Data.
//  - +5V: v5.0.2 §5.3: 4.9-5.5 V, 250 mA continuous. v4.2.2 §4.2: 100 mA at 5 V. v2.2: none.
//  - Data Request: v5.0.2 §5.7.1 and §5.8: "activated by setting the Data Request line high
//    (to +5V)", HIGH 4.0-5.5 V, 4-10 mA (typ. 5 mA); to stop, the reader sets it to high
//    impedance; "no OSM is allowed to set Data Request line low" (v4.2.2 §4.3 and v2.2 §4.3 say
//    the same: several readers may share the port).
//  - Data: v5.0.2 §5.7.2 and §5.8: open collector (the meter's optocoupler), logically inverted;
//    LOW 0-1.0 V (typ. 0.2 V), HIGH typ. 5.0 V (pulled up by the reader); the reader may let at
//    most 5 mA flow into it. "SPACE 0 > 4 V, MARK 1 < 1 V": the idle line is low.
//  - Line settings: v5.0.2 §6.1 and v4.2.2 §5.1 115200 Bd 8N1; v2.2 §5.1 9600 Bd (the character
//    format is not in v2.2's text; meters send 7E1, as IEC 62056-21 mode D).
//
// Readers in the field that match this: schnef/dsmr-ha (ESP8266, UART RX inverted in the chip,
// no inverter; "a 1 kOhm pullup resistor to the 3.3V is required for the P1 DATA line" on a
// Landis+Gyr E350), psvanstrom/esphome-p1reader (BC547 inverter, 4.7 k/10 k).
import type { Part } from "./parts.ts"

/** Component values the SPICE check simulates (ohms, volts, farads). */
export const P1_VALUES = {
    /** Data pull-up to 3V3. 3.3 mA into the meter's output (the standard allows 5 mA); low
     *  enough that a slow optocoupler still lets the line rise within a 115200 Bd bit. */
    R1: 1_000,
    /** series resistor into the ESP32's RX pin: limits the clamp-diode current if the cable is
     *  plugged into something that drives the line (an M-Bus port carries ~30 V) */
    R6: 1_000,
    /** REQ_EN pull-up to 5 V and the NPN's base resistor: with REQ_EN open the NPN is on
     *  (0.13 mA base current) and REQ_EN sits at ~2 V, safe for a 3.3 V GPIO */
    R2: 22_000,
    R3: 10_000,
    /** PNP base resistor: ~85 µA base current, enough to saturate at the request line's 10 mA
     *  and limiting a short on pin 2 to hFE × 85 µA (≤ 51 mA with the BC807-40's hFE of 600) */
    R4: 47_000,
    /** PNP base-emitter resistor: turns it off (high impedance) when the NPN is off */
    R5: 100_000,
    /** the reader's 3.3 V and 5 V rails */
    VDD: 3.3,
    V5: 5.0,
} as const

/** The port's levels (DSMR P1 companion standard v5.0.2 §5.8, table "P1 signal levels"). */
export const P1_PORT = {
    /** Data Request HIGH level, volts */
    requestMin: 4.0,
    requestMax: 5.5,
    /** current the Data Request input draws, amperes */
    requestCurrentMin: 4e-3,
    requestCurrentMax: 10e-3,
    /** Data LOW level, volts (the meter's open collector) */
    dataLowMax: 1.0,
    dataLowTypical: 0.2,
    /** current the reader may let flow into the Data line */
    dataCurrentMax: 5e-3,
    /** +5V continuous current: DSMR 5 (v5.0.2 §5.3.2) and DSMR 4 (v4.2.2 §4.2) */
    supplyDsmr5: 0.25,
    supplyDsmr4: 0.1,
} as const

export const P1_PARTS: Part[] = [
    { ref: "J2", description: "to the meter: 6-wire flat cable with an RJ12 6P6C plug (straight), wires soldered here in pin order 1-6", value: "RJ12 6P6C", manufacturer: "Bel Stewart", mpn: "940-SP-3066", footprint: "Connector_PinHeader_2.54mm:PinHeader_1x06_P2.54mm_Vertical", alternative: "any 6P6C plug for flat cable; a DSMR 2.2 meter has an RJ11 (4P4C) socket: pins 2, 3, 5 only" },
    { ref: "JP1", description: "P1 power: fit the jumper to run the reader from the meter's +5V (DSMR 5 / e-MUCS only, 250 mA)", value: "1x2 2.54mm + jumper", manufacturer: "Wurth Elektronik", mpn: "61300211121", footprint: "Connector_PinHeader_2.54mm:PinHeader_1x02_P2.54mm_Vertical" },
    { ref: "D1", description: "Schottky: the meter's +5V into the reader's 5 V, never back into the meter", value: "MBR0520L", manufacturer: "onsemi", mpn: "MBR0520LT1G", footprint: "Diode_SMD:D_SOD-123" },
    { ref: "R1", description: "Data pull-up to 3V3 (3.3 mA)", value: "1k", manufacturer: "Yageo", mpn: "RC0805FR-071KL", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "R6", description: "series resistor into RX", value: "1k", manufacturer: "Yageo", mpn: "RC0805FR-071KL", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "R2", description: "REQ_EN pull-up to 5 V (request on by default)", value: "22k", manufacturer: "Yageo", mpn: "RC0805FR-0722KL", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "R3", description: "NPN base resistor", value: "10k", manufacturer: "Yageo", mpn: "RC0805FR-0710KL", lcsc: "C17414", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "Q1", description: "NPN: level shift for the request switch", value: "BC817-40", manufacturer: "Nexperia", mpn: "BC817-40,215", lcsc: "C52801", footprint: "Package_TO_SOT_SMD:SOT-23" },
    { ref: "R4", description: "PNP base resistor", value: "47k", manufacturer: "Yageo", mpn: "RC0805FR-0747KL", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "R5", description: "PNP base-emitter resistor (off = high impedance)", value: "100k", manufacturer: "Yageo", mpn: "RC0805FR-07100KL", footprint: "Resistor_SMD:R_0805_2012Metric" },
    { ref: "Q2", description: "PNP high-side switch: Data Request to 5 V, or open", value: "BC807-40", manufacturer: "Nexperia", mpn: "BC807-40,215", footprint: "Package_TO_SOT_SMD:SOT-23" },
    { ref: "C1", description: "5 V bulk decoupling", value: "10uF", manufacturer: "Samsung", mpn: "CL21A106KAYNNNE", footprint: "Capacitor_SMD:C_0805_2012Metric" },
    { ref: "C2", description: "3V3 decoupling", value: "100nF", manufacturer: "Yageo", mpn: "CC0805KRX7R9BB104", lcsc: "C49678", footprint: "Capacitor_SMD:C_0805_2012Metric" },
    { ref: "J1", description: "to the ESP32 board: 5V, REQ_EN, GND, RXD, 3V3", value: "1x5 2.54mm", manufacturer: "Wurth Elektronik", mpn: "61300511121", footprint: "Connector_PinHeader_2.54mm:PinHeader_1x05_P2.54mm_Vertical" },
]

export function p1Part(ref: string): Part {
    const p = P1_PARTS.find(p => p.ref === ref)
    if (!p) throw new Error(`no P1 part ${ref}`)
    return p
}
