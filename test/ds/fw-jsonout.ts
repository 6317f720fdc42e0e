// JSON text and topic names built by hand (src/jsonout.ts).
import { describe, expect, test } from "@devicescript/test"
import { haId, intText, jsonString, topicSegment, valueJson, valueText } from "../../src/firmware/jsonout"
import { canonicalNumber } from "../../src/core/numbers"

describe("jsonout", () => {
    test("jsonString escapes quotes, backslashes and control characters", () => {
        expect(jsonString("a\"b\\c\nd\re\tf" + String.fromCharCode(1))).toBe("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\"")
        expect(jsonString("")).toBe("\"\"")
        expect(jsonString("1-0:1.8.0*255")).toBe("\"1-0:1.8.0*255\"")
    })
    test("intText is exact past 7 digits and never uses the 7-digit formatter", () => {
        expect(intText(0)).toBe("0")
        expect(intText(1234567891)).toBe("1234567891")
        expect(intText(86400000123)).toBe("86400000123")
        expect(intText(-1000000001)).toBe("-1000000001")
        expect(intText(1000000000)).toBe("1000000000")
    })
    test("topicSegment escapes / + # * : _ and space, keeps dots and dashes, is reversible", () => {
        expect(topicSegment("1.8.0")).toBe("1.8.0")
        expect(topicSegment("1-0:1.8.0*255")).toBe("1-0_3A1.8.0_2A255")
        expect(topicSegment("a/b+c#d")).toBe("a_2Fb_2Bc_23d")
        expect(topicSegment("x_y z")).toBe("x_5Fy_20z")
        expect(topicSegment("")).toBe("_")
    })
    test("haId has only [A-Za-z0-9_-]", () => {
        expect(haId("1.8.0")).toBe("1_2E8_2E0")
        expect(haId("C.1.0")).toBe("C_2E1_2E0")
    })
    test("values: the canonical number when there is one, else the text", () => {
        const n = canonicalNumber("00132.149")
        expect(valueJson("00132.149")).toBe(n !== null ? n : "\"00132.149\"")
        expect(valueText("00132.149")).toBe(n !== null ? n : "00132.149")
        expect(valueJson("22:48 18-11-13")).toBe("\"22:48 18-11-13\"")
        expect(valueText("ER11")).toBe("ER11")
    })
})
