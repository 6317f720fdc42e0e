// Printable holder for the head (JSCAD → STL). Millimetres; z = 0 is the face that touches the
// meter, +z points away from it, -y is "down" when mounted (the cable exit).
//
//   face (z = 0):  outer skirt | ring-magnet pocket | centre boss with LED and sensor bores
//   back:          open cavity for the little board and the cable, closed with a drop of glue
import jscad from "@jscad/modeling"
import { closeTJunctions, toBinaryStl, type Triangle } from "./mesh.ts"

const { cylinder } = jscad.primitives
const { subtract, union } = jscad.booleans
const { rotateX } = jscad.transforms
const { translate } = jscad.transforms
// the package's typings describe generalize as a module, not a function
const generalize = jscad.modifiers.generalize as unknown as (options: object, geometry: unknown) => Mesh

interface Mesh {
    polygons: { vertices: number[][] }[]
}

export interface HolderParams {
    /** ring magnet outer diameter, inner diameter and height (default Ø27/21 × 3 mm) */
    magnetOuter: number
    magnetInner: number
    magnetHeight: number
    /** play around the magnet so it presses in (glue it) */
    magnetClearance: number
    /** centre distance of LED and sensor = the meter's two optical windows (see the README's
     *  "Optical port geometry" for the sources and why 6.75 mm) */
    opticalSpacing: number
    /** midpoint of LED and sensor relative to the magnet's centre (the meter's port is centred
     *  in its steel ring, so 0/0 unless a meter says otherwise) */
    opticalCentreX: number
    opticalCentreY: number
    /** bore for the 3 mm LED and phototransistor */
    boreDiameter: number
    /** outer skirt around the magnet, flush with the face: the ambient-light shield */
    wall: number
    /** material behind the magnet before the back cavity */
    floor: number
    /** total height of the holder */
    height: number
    /** cable exit, pointing down (-y) */
    cableDiameter: number
    /** facets per full circle (a multiple of 4 keeps the outline's extremes exact) */
    segments: number
    /** the head board: radial play between its edge and the back cavity's wall */
    boardClearance: number
    /** the board edge is cut flat this far in on the cable side (-y) to leave the cable room */
    boardFlat: number
    /** PCB thickness; the board rests on the LED's and sensor's collars on the cavity floor */
    boardThickness: number
    /** height of a 3 mm LED's collar: the board's bottom is this far above the cavity floor */
    collarHeight: number
}

export const DEFAULT_HOLDER: HolderParams = {
    magnetOuter: 27,
    magnetInner: 21,
    magnetHeight: 3,
    magnetClearance: 0.15,
    opticalSpacing: 6.75,
    opticalCentreX: 0,
    opticalCentreY: 0,
    boreDiameter: 3.1,
    wall: 2,
    floor: 2,
    height: 14,
    cableDiameter: 4.5,
    segments: 64,
    boardClearance: 0.35,
    boardFlat: 2.5,
    boardThickness: 1.6,
    collarHeight: 1,
}

/** Derived sizes, also used by the test to check the mesh against the parameters. */
export function holderGeometry(p: HolderParams) {
    const outerRadius = p.magnetOuter / 2 + p.magnetClearance + p.wall
    const pocketOuter = p.magnetOuter / 2 + p.magnetClearance
    const pocketInner = p.magnetInner / 2 - p.magnetClearance
    const faceThickness = p.magnetHeight + p.floor
    const cavityRadius = outerRadius - p.wall
    const cableZ = (faceThickness + p.height) / 2
    const septum = p.opticalSpacing - p.boreDiameter
    // LED (transmitter) at -x, phototransistor (receiver) at +x, seen from the back (+z)
    const led = { x: p.opticalCentreX - p.opticalSpacing / 2, y: p.opticalCentreY }
    const sensor = { x: p.opticalCentreX + p.opticalSpacing / 2, y: p.opticalCentreY }
    return { outerRadius, pocketOuter, pocketInner, faceThickness, cavityRadius, cableZ, septum, led, sensor }
}

export function validateHolder(p: HolderParams): string[] {
    const g = holderGeometry(p)
    const errors: string[] = []
    if (p.magnetInner >= p.magnetOuter) errors.push("magnet inner diameter must be below the outer one")
    if (g.septum < 1) errors.push(`LED and sensor bores leave only ${g.septum.toFixed(2)} mm between them (need >= 1 mm)`)
    if (Math.max(Math.hypot(g.led.x, g.led.y), Math.hypot(g.sensor.x, g.sensor.y)) + p.boreDiameter / 2 > g.pocketInner - 0.8)
        errors.push("bores do not fit inside the magnet's inner ring")
    if (p.cableDiameter / 2 + 1 > (p.height - g.faceThickness) / 2) errors.push("cable exit does not fit in the back cavity")
    if (p.segments % 4 !== 0) errors.push("segments must be a multiple of 4")
    return errors
}

export function makeHolder(p: HolderParams = DEFAULT_HOLDER): Mesh {
    const errors = validateHolder(p)
    if (errors.length) throw new Error(`holder parameters: ${errors.join("; ")}`)
    const g = holderGeometry(p)
    const seg = p.segments
    // cylinder() is centred on its height; place each from z0 to z1
    const cyl = (radius: number, z0: number, z1: number, x = 0, y = 0) =>
        cylinder({ radius, height: z1 - z0, center: [x, y, (z0 + z1) / 2], segments: seg })

    const body = cyl(g.outerRadius, 0, p.height)
    const pocket = subtract(cyl(g.pocketOuter, -1, p.magnetHeight), cyl(g.pocketInner, -2, p.magnetHeight + 1))
    const cavity = cyl(g.cavityRadius, g.faceThickness, p.height + 1)
    const bores = union(
        cyl(p.boreDiameter / 2, -1, g.faceThickness + 1, g.led.x, g.led.y),
        cyl(p.boreDiameter / 2, -1, g.faceThickness + 1, g.sensor.x, g.sensor.y),
    )
    // radial hole through the wall towards -y, in the middle of the back cavity
    const cable = translate(
        [0, -g.outerRadius, g.cableZ],
        rotateX(Math.PI / 2, cylinder({ radius: p.cableDiameter / 2, height: 4 * p.wall + 2, segments: 32 })),
    )
    const solid = subtract(body, pocket, cavity, bores, cable)
    // triangles only, with T-junctions split, so the STL is a closed mesh
    return generalize({ snap: true, triangulate: true }, solid)
}

/** The holder as closed triangle mesh (T-junctions left by the CSG split, see mesh.ts). */
export function holderTriangles(p: HolderParams = DEFAULT_HOLDER): Triangle[] {
    const tris = makeHolder(p).polygons.map(poly => poly.vertices.map(v => [v[0], v[1], v[2]]) as Triangle)
    return closeTJunctions(tris)
}

/** Binary STL of the holder. */
export function holderStl(p: HolderParams = DEFAULT_HOLDER): Buffer {
    return toBinaryStl(holderTriangles(p), "opto62056 optical head holder")
}
