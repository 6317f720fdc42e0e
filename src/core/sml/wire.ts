// Wire constants of SML 1.04 (BSI TR-03109-1 Anlage IV "SML", FNN SML spec v1.04):
// transport v1 escapes, TL type nibbles, message tags and the DLMS unit codes
// (IEC 62056-62 / DLMS Blue Book unit table) that GetList entries carry.

/** Transport v1 (SML 1.04 §8): every escape is four of these, then four command bytes. */
export const enum Esc {
    Byte = 0x1b,
    /** 1b1b1b1b 01010101 opens a telegram (version 1) */
    Start = 0x01,
    /** 1b1b1b1b 1a NN C1 C2 closes it: NN padding bytes, CRC low byte first */
    End = 0x1a,
}

/** TL byte (SML 1.04 §6.3.1): bit 7 "another TL byte follows", bits 6..4 type, bits 3..0 length. */
export const enum Tl {
    More = 0x80,
    TypeMask = 0x70,
    LenMask = 0x0f,
    OctetString = 0x00,
    Boolean = 0x40,
    Integer = 0x50,
    Unsigned = 0x60,
    List = 0x70,
    /** a lone 00 ends a message */
    EndOfMessage = 0x00,
    /** a lone 01 is an optional field that is absent */
    Absent = 0x01,
}

/** SML_MessageBody choice tags (SML 1.04 §7.1). */
export const enum Tag {
    OpenResponse = 0x0101,
    CloseResponse = 0x0201,
    GetListResponse = 0x0701,
}

/** Element counts of the sequences read (SML 1.04 §7). */
export const enum Count {
    Message = 6,
    Body = 2,
    OpenResponse = 6,
    GetListResponse = 7,
    ListEntry = 7,
}

/** DLMS unit codes that electricity, gas and water meters send (DLMS Blue Book, "enum unit"). */
export const enum Unit {
    Degree = 8,
    Celsius = 9,
    CubicMetre = 13,
    CubicMetreCorrected = 14,
    CubicMetrePerHour = 15,
    Litre = 19,
    Watt = 27,
    VoltAmpere = 28,
    Var = 29,
    WattHour = 30,
    VoltAmpereHour = 31,
    VarHour = 32,
    Ampere = 33,
    Volt = 35,
    Hertz = 44,
    Kelvin = 52,
    Percent = 56,
    AmpereHour = 57,
}

/** The unit text the D0 side uses for a DLMS unit code (`normaliseUnit` spelling); null when unknown. */
export function unitText(code: number): string | null {
    switch (code) {
        case Unit.Degree:
            return "°"
        case Unit.Celsius:
            return "°C"
        case Unit.CubicMetre:
        case Unit.CubicMetreCorrected:
            return "m³"
        case Unit.CubicMetrePerHour:
            return "m³/h"
        case Unit.Litre:
            return "L"
        case Unit.Watt:
            return "W"
        case Unit.VoltAmpere:
            return "VA"
        case Unit.Var:
            return "var"
        case Unit.WattHour:
            return "Wh"
        case Unit.VoltAmpereHour:
            return "VAh"
        case Unit.VarHour:
            return "varh"
        case Unit.Ampere:
            return "A"
        case Unit.Volt:
            return "V"
        case Unit.Hertz:
            return "Hz"
        case Unit.Kelvin:
            return "K"
        case Unit.Percent:
            return "%"
        case Unit.AmpereHour:
            return "Ah"
    }
    return null
}
