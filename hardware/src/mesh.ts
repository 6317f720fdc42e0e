// Minimal reader and checks for binary STL meshes (used by the holder test and the build report).

export type Vec = [number, number, number]
export type Triangle = [Vec, Vec, Vec]

export function parseBinaryStl(buf: Buffer): Triangle[] {
    const n = buf.readUInt32LE(80)
    if (buf.length !== 84 + 50 * n) throw new Error(`STL size ${buf.length} does not match ${n} triangles`)
    const tris: Triangle[] = []
    for (let i = 0; i < n; i++) {
        const o = 84 + 50 * i + 12
        const v = (k: number): Vec => [buf.readFloatLE(o + 12 * k), buf.readFloatLE(o + 12 * k + 4), buf.readFloatLE(o + 12 * k + 8)]
        tris.push([v(0), v(1), v(2)])
    }
    return tris
}

const key = (v: Vec) => v.map(c => Math.round(c * 1e4)).join(",")

/** Edges not shared by exactly two triangles, and directed edges used twice (flipped faces). */
export function openEdges(tris: Triangle[]) {
    const undirected = new Map<string, number>()
    const directed = new Map<string, number>()
    let degenerate = 0
    for (const t of tris) {
        const k = t.map(key)
        if (k[0] === k[1] || k[1] === k[2] || k[0] === k[2]) {
            degenerate++
            continue
        }
        for (let i = 0; i < 3; i++) {
            const a = k[i], b = k[(i + 1) % 3]
            const u = a < b ? `${a}|${b}` : `${b}|${a}`
            undirected.set(u, (undirected.get(u) ?? 0) + 1)
            directed.set(`${a}|${b}`, (directed.get(`${a}|${b}`) ?? 0) + 1)
        }
    }
    const notTwo = [...undirected.entries()].filter(([, c]) => c !== 2).length
    const flipped = [...directed.values()].filter(c => c !== 1).length
    return { edges: undirected.size, notTwo, flipped, degenerate }
}

export function bounds(tris: Triangle[]) {
    const min: Vec = [Infinity, Infinity, Infinity], max: Vec = [-Infinity, -Infinity, -Infinity]
    for (const t of tris) for (const v of t) for (let i = 0; i < 3; i++) {
        min[i] = Math.min(min[i], v[i])
        max[i] = Math.max(max[i], v[i])
    }
    return { min, max, size: [max[0] - min[0], max[1] - min[1], max[2] - min[2]] as Vec }
}

/** Enclosed volume (divergence theorem); positive for outward-facing triangles. */
export function volume(tris: Triangle[]): number {
    let v = 0
    for (const [a, b, c] of tris)
        v += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])) / 6
    return v
}

/** Point inside the closed mesh? Ray cast along a slightly skewed direction, count crossings. */
export function inside(tris: Triangle[], p: Vec): boolean {
    const d: Vec = [0.5773, 0.5774, 0.5775]
    let hits = 0
    for (const [a, b, c] of tris) {
        const e1 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]], e2 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]]
        const h = [d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2], d[0] * e2[1] - d[1] * e2[0]]
        const det = e1[0] * h[0] + e1[1] * h[1] + e1[2] * h[2]
        if (Math.abs(det) < 1e-12) continue
        const s = [p[0] - a[0], p[1] - a[1], p[2] - a[2]]
        const u = (s[0] * h[0] + s[1] * h[1] + s[2] * h[2]) / det
        if (u < 0 || u > 1) continue
        const q = [s[1] * e1[2] - s[2] * e1[1], s[2] * e1[0] - s[0] * e1[2], s[0] * e1[1] - s[1] * e1[0]]
        const v = (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]) / det
        if (v < 0 || u + v > 1) continue
        const t = (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]) / det
        if (t > 1e-9) hits++
    }
    return hits % 2 === 1
}

/**
 * Splits triangles at T-junctions: where a vertex of one face lies on the edge of another (CSG
 * leaves these where a cut ends on a neighbouring face), the edge is cut at that vertex, so every
 * edge ends up shared by exactly two triangles. Vertices closer than `tol` are welded first.
 */
export function closeTJunctions(input: Triangle[], tol = 1e-3): Triangle[] {
    const q = (c: number) => Math.round(c / tol)
    const ids = new Map<string, number>()
    const verts: Vec[] = []
    const id = (v: Vec) => {
        const k = `${q(v[0])},${q(v[1])},${q(v[2])}`
        let i = ids.get(k)
        if (i === undefined) {
            i = verts.length
            ids.set(k, i)
            verts.push(v)
        }
        return i
    }
    let tris = input.map(t => t.map(id) as [number, number, number]).filter(([a, b, c]) => a !== b && b !== c && a !== c)
    for (let pass = 0; pass < 20; pass++) {
        const count = new Map<string, number>()
        const ek = (a: number, b: number) => (a < b ? `${a}|${b}` : `${b}|${a}`)
        for (const t of tris) for (let i = 0; i < 3; i++) {
            const k = ek(t[i], t[(i + 1) % 3])
            count.set(k, (count.get(k) ?? 0) + 1)
        }
        const open = new Set([...count.entries()].filter(([, c]) => c === 1).map(([k]) => k))
        if (open.size === 0) break
        const candidates = new Set<number>()
        for (const k of open) for (const s of k.split("|")) candidates.add(+s)
        const out: [number, number, number][] = []
        let changed = false
        for (const t of tris) {
            let split = false
            for (let i = 0; i < 3 && !split; i++) {
                const a = t[i], b = t[(i + 1) % 3], c = t[(i + 2) % 3]
                if (!open.has(ek(a, b))) continue
                const A = verts[a], B = verts[b]
                const ab = [B[0] - A[0], B[1] - A[1], B[2] - A[2]]
                const len2 = ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2
                let best = -1, bestT = 2
                for (const v of candidates) {
                    if (v === a || v === b) continue
                    const V = verts[v]
                    const av = [V[0] - A[0], V[1] - A[1], V[2] - A[2]]
                    const t_ = (av[0] * ab[0] + av[1] * ab[1] + av[2] * ab[2]) / len2
                    if (t_ <= 1e-6 || t_ >= 1 - 1e-6) continue
                    const d2 = (av[0] - t_ * ab[0]) ** 2 + (av[1] - t_ * ab[1]) ** 2 + (av[2] - t_ * ab[2]) ** 2
                    if (d2 < tol * tol && t_ < bestT) {
                        best = v
                        bestT = t_
                    }
                }
                if (best >= 0) {
                    out.push([a, best, c], [best, b, c])
                    split = changed = true
                }
            }
            if (!split) out.push(t)
        }
        tris = out
        if (!changed) break
    }
    return tris.map(t => t.map(i => verts[i]) as Triangle)
}

/** Binary STL from triangles (normals left zero: slicers recompute them from the winding). */
export function toBinaryStl(tris: Triangle[], header = "opto62056"): Buffer {
    const buf = Buffer.alloc(84 + 50 * tris.length)
    buf.write(header.slice(0, 79), 0, "ascii")
    buf.writeUInt32LE(tris.length, 80)
    tris.forEach((t, i) => {
        const o = 84 + 50 * i
        const [a, b, c] = t
        const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]], w = [c[0] - a[0], c[1] - a[1], c[2] - a[2]]
        const n = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]]
        const l = Math.hypot(n[0], n[1], n[2]) || 1
        n.forEach((c, k) => buf.writeFloatLE(c / l, o + 4 * k))
        t.forEach((v, j) => v.forEach((c, k) => buf.writeFloatLE(c, o + 12 + 12 * j + 4 * k)))
    })
    return buf
}
