// 3D model of the assembled head: the holder, the board in its back cavity, the LED and the
// phototransistor hanging from the board into the bores, and block bodies for the SMD parts.
// Everything is placed from the same parameters as the holder and the board (holder.ts,
// layout.ts), so a look at the model shows whether the optics meet the bores. Each body is a
// closed mesh; the STL holds them side by side (a viewer shows them together).
import jscad from "@jscad/modeling"
import { DEFAULT_HOLDER, holderGeometry, holderTriangles, type HolderParams } from "./holder.ts"
import { boardOutline, boardShape } from "./layout.ts"
import { closeTJunctions, toBinaryStl, type Triangle } from "./mesh.ts"

const { cylinder, cuboid, polygon } = jscad.primitives
const { extrudeLinear } = jscad.extrusions
const { translate } = jscad.transforms
const { union } = jscad.booleans
const generalize = jscad.modifiers.generalize as unknown as (options: object, geometry: unknown) => { polygons: { vertices: number[][] }[] }

type El = { type: string; [k: string]: any }

/** 3 mm (T-1) LED/phototransistor: body Ø3.0 × 5.3 mm with a Ø3.8 × 1 mm collar (datasheet class). */
export const OPTIC = { bodyDiameter: 3.0, bodyLength: 5.3, collarDiameter: 3.8 }

function triangles(geom: unknown): Triangle[] {
    const g = generalize({ snap: true, triangulate: true }, geom)
    return closeTJunctions(g.polygons.map(p => p.vertices.map(v => [v[0], v[1], v[2]]) as Triangle))
}

export function assemblyTriangles(cj: El[], p: HolderParams = DEFAULT_HOLDER): Triangle[] {
    const g = holderGeometry(p)
    const s = boardShape(p)
    const seg = p.segments
    const tris: Triangle[] = [...holderTriangles(p)]

    const outline = boardOutline(p).map(q => [q.x, q.y] as [number, number])
    tris.push(...triangles(translate([0, 0, s.bottomZ], extrudeLinear({ height: p.boardThickness }, polygon({ points: outline })))))

    // optics: collar on the cavity floor under the board, body down the bore towards the face
    for (const at of [g.led, g.sensor]) {
        const collarTop = s.bottomZ
        const collarBottom = collarTop - p.collarHeight
        const bodyBottom = Math.max(0.2, collarBottom - OPTIC.bodyLength + p.collarHeight)
        const collar = cylinder({ radius: OPTIC.collarDiameter / 2, height: p.collarHeight, center: [at.x, at.y, (collarTop + collarBottom) / 2], segments: seg })
        const body = cylinder({ radius: OPTIC.bodyDiameter / 2, height: collarBottom - bodyBottom, center: [at.x, at.y, (collarBottom + bodyBottom) / 2], segments: seg })
        tris.push(...triangles(union(collar, body)))
    }

    // SMD parts as blocks the size of their footprint, 1 mm tall, on the board's top face
    for (const c of cj.filter(e => e.type === "pcb_component")) {
        const name = cj.find(e => e.type === "source_component" && e.source_component_id === c.source_component_id)?.name
        if (name === "D1" || name === "Q1" || !c.width || !c.height) continue
        const h = name === "J1" ? 2.5 : 1
        tris.push(...triangles(cuboid({ size: [c.width * 0.8, c.height * 0.8, h], center: [c.center.x, c.center.y, s.topZ + h / 2] })))
    }
    return tris
}

export function assemblyStl(cj: El[], p: HolderParams = DEFAULT_HOLDER): Buffer {
    return toBinaryStl(assemblyTriangles(cj, p), "opto62056 optical head: holder + board")
}
