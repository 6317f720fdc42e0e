// The printable holder: the exported STL is a closed mesh and its dimensions follow the parameters.
import { test } from "node:test"
import assert from "node:assert/strict"
import { DEFAULT_HOLDER, holderGeometry, holderStl, validateHolder, type HolderParams } from "../src/holder.ts"
import { bounds, inside, openEdges, parseBinaryStl, volume, type Triangle } from "../src/mesh.ts"

const near = (a: number, b: number, tol = 1e-3) => Math.abs(a - b) <= tol

function check(p: HolderParams, tris: Triangle[]) {
    const g = holderGeometry(p)
    const e = openEdges(tris)
    assert.equal(e.degenerate, 0)
    assert.equal(e.notTwo, 0, `edges not shared by exactly two triangles: ${e.notTwo} of ${e.edges}`)
    assert.equal(e.flipped, 0, "every edge is used once in each direction (consistent winding)")
    assert.ok(volume(tris) > 0, "outward-facing triangles")

    const b = bounds(tris)
    assert.ok(near(b.size[0], 2 * g.outerRadius) && near(b.size[1], 2 * g.outerRadius), `diameter ${b.size}`)
    assert.ok(near(b.min[2], 0) && near(b.max[2], p.height), `height ${b.min[2]}..${b.max[2]}`)

    // probe the features: solid where there must be material, empty where the parts go
    const rMagnet = (g.pocketOuter + g.pocketInner) / 2
    const mid = p.magnetHeight / 2
    assert.equal(inside(tris, [rMagnet, 0.01, mid]), false, "magnet pocket is open")
    assert.equal(inside(tris, [0.01, -rMagnet, mid]), false, "magnet pocket is a full ring")
    assert.equal(inside(tris, [rMagnet, 0.01, p.magnetHeight + p.floor / 2]), true, "floor behind the magnet")
    assert.equal(inside(tris, [g.pocketOuter + p.wall / 2, 0.01, mid]), true, "light-shield skirt around the magnet")
    assert.equal(inside(tris, [g.pocketOuter - 0.05, 0.01, mid]), false, "pocket outer diameter")
    assert.equal(inside(tris, [g.pocketOuter + 0.05, 0.01, mid]), true, "pocket outer diameter")
    assert.equal(inside(tris, [g.pocketInner + 0.05, 0.01, mid]), false, "pocket inner diameter")
    assert.equal(inside(tris, [g.pocketInner - 0.05, 0.01, mid]), true, "pocket inner diameter")
    for (const x of [-p.opticalSpacing / 2, p.opticalSpacing / 2]) {
        assert.equal(inside(tris, [x + 0.01, 0.01, 1]), false, `bore at x=${x}`)
        assert.equal(inside(tris, [x + p.boreDiameter / 2 - 0.05, 0.01, 1]), false, `bore diameter at x=${x}`)
        assert.equal(inside(tris, [x + p.boreDiameter / 2 + 0.05, 0.01, 1]), true, `bore diameter at x=${x}`)
    }
    assert.equal(inside(tris, [0.01, 0.01, 1]), true, "septum between LED and sensor")
    // cable exit through the wall at -y (down), none at +y
    assert.equal(inside(tris, [0.01, -(g.outerRadius - p.wall / 2), g.cableZ]), false, "cable exit at -y")
    assert.equal(inside(tris, [0.01, g.outerRadius - p.wall / 2, g.cableZ]), true, "no hole at +y")
    assert.equal(inside(tris, [0.01, 0.01, (g.faceThickness + p.height) / 2]), false, "back cavity")
}

test("default holder (Ø27/21 × 3 mm magnet) is closed and matches its parameters", () => {
    const p = DEFAULT_HOLDER
    assert.deepEqual([p.magnetOuter, p.magnetInner, p.magnetHeight], [27, 21, 3])
    check(p, parseBinaryStl(holderStl(p)))
})

test("a holder for a Ø30/15 × 4 mm magnet with 7.5 mm window spacing follows its parameters", () => {
    const p: HolderParams = { ...DEFAULT_HOLDER, magnetOuter: 30, magnetInner: 15, magnetHeight: 4, opticalSpacing: 7.5, height: 16, segments: 48 }
    check(p, parseBinaryStl(holderStl(p)))
})

test("parameters that cannot be printed are rejected", () => {
    assert.match(validateHolder({ ...DEFAULT_HOLDER, opticalSpacing: 3.5 }).join(), /bores leave only/)
    assert.match(validateHolder({ ...DEFAULT_HOLDER, opticalSpacing: 18 }).join(), /inner ring/)
    assert.match(validateHolder({ ...DEFAULT_HOLDER, magnetInner: 28 }).join(), /inner diameter/)
})
