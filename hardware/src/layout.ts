// Where the head board and its parts sit, in the holder's frame: millimetres, origin on the ring
// magnet's centre, seen from the back of the head (+z, away from the meter), -y = cable side.
// The board outline and the LED/phototransistor positions are computed from the holder's
// parameters, so the PCB, the printed holder and the 3D model cannot drift apart; the other parts
// are placed by hand around the optics and the design-rule check in drc.ts holds them on the board.
import { DEFAULT_HOLDER, holderGeometry, type HolderParams } from "./holder.ts"

export interface Point {
    x: number
    y: number
}

export interface Placement extends Point {
    /** degrees, counter-clockwise, seen from the back */
    rotation: number
    /** side of the board the part's body is on: the optics point through the bottom into the bores */
    side: "top" | "bottom"
}

/** The board: the back cavity's circle less the clearance, cut flat on the cable side. */
export function boardShape(p: HolderParams = DEFAULT_HOLDER) {
    const g = holderGeometry(p)
    const radius = g.cavityRadius - p.boardClearance
    const flatY = -(radius - p.boardFlat)
    // the board's bottom face rests on the optics' collars, which stand on the cavity floor
    const bottomZ = g.faceThickness + p.collarHeight
    return { radius, flatY, bottomZ, topZ: bottomZ + p.boardThickness }
}

/** Outline polygon (counter-clockwise): the circle's facets above the flat, then the flat chord. */
export function boardOutline(p: HolderParams = DEFAULT_HOLDER): Point[] {
    const { radius, flatY } = boardShape(p)
    const a0 = Math.asin(flatY / radius) // angle where the flat meets the circle, right-hand side
    const a1 = Math.PI - a0
    const n = p.segments
    const pts: Point[] = []
    for (let i = 0; i <= n; i++) {
        const a = a0 + ((a1 - a0) * i) / n
        pts.push({ x: round(radius * Math.cos(a)), y: round(radius * Math.sin(a)) })
    }
    return pts // the closing edge back to the first point is the flat
}

const round = (v: number) => Math.round(v * 1e4) / 1e4

/** Every part's position. D1 and Q1 come from the holder's bores; the rest is hand-placed:
 *  receive chain on the sensor's side (+x), transmit chain on the LED's side (-x), the Schmitt
 *  triggers and their decoupling at the top, the cable pads on the flat side where the cable exits. */
export function placements(p: HolderParams = DEFAULT_HOLDER): Record<string, Placement> {
    const g = holderGeometry(p)
    const top = (x: number, y: number, rotation = 0): Placement => ({ x, y, rotation, side: "top" })
    return {
        // leads along y so the 2.54 mm pads stay clear of the septum between the bores
        D1: { ...g.led, rotation: 90, side: "bottom" },
        Q1: { ...g.sensor, rotation: 90, side: "bottom" },
        J1: top(0, -8.2),
        R1: top(7.4, -3.8, 90),
        // turned so that with the BC817's pinning (1 base, 2 emitter, 3 collector) the single-layer
        // autorouter finds a clean route (at 0° it crosses RXD with PE and GND)
        Q2: top(7.4, 1.6, 270),
        R2: top(10.6, 1.2, 90),
        U1: top(6.4, 6.6, 180),
        U2: top(-6.4, 6.6, 180),
        R3: top(-10.6, 1.2, 90),
        Q3: top(-7.4, 1.6),
        R4: top(-7.4, -3.8, 90),
        C1: top(-1.9, 7.4, 90),
        C2: top(1.9, 7.4, 90),
    }
}
