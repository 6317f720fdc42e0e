import * as ds from "@devicescript/core"
const N = 2048
const REP = 32
class K {
    v = 0
    f(c: number): void {
        this.v ^= c
    }
}
async function stage(label: string, f: (b: Buffer) => void, b: Buffer) {
    console.log("probe: begin " + label)
    for (let r = 0; r < REP; r++) {
        f(b)
        await ds.sleep(0)
    }
    console.log("probe: end " + label)
}
async function main() {
    const b = Buffer.alloc(N)
    for (let i = 0; i < N; i++) b[i] = 0x30 + (i % 40)
    console.log("probe: bytes " + N * REP)
    await stage("empty", () => {}, b)
    let x = 0
    await stage("byteloop", b => {
        for (let i = 0; i < b.length; i++) x ^= b[i]
    }, b)
    await stage("byteloopN", b => {
        const n = b.length
        for (let i = 0; i < n; i++) x ^= b[i]
    }, b)
    await stage("u32LE", b => {
        for (let i = 0; i < N - 3; i += 4) x ^= b.readUInt32LE(i)
    }, b)
    await stage("getAt", b => {
        for (let i = 0; i < N - 3; i += 4) x ^= b.getAt(i, "u32")
    }, b)
    const k = new K()
    await stage("method", b => {
        for (let i = 0; i < N; i++) k.f(b[i])
    }, b)
    await stage("field", b => {
        for (let i = 0; i < N; i++) k.v ^= b[i]
    }, b)
    await stage("arrpush", b => {
        const a: number[] = []
        for (let i = 0; i < 300; i++) a.push(b[i])
        const c: number[] = []
        for (let i = 0; i < 300; i++) c.push(b[i])
        const d: number[] = []
        for (let i = 0; i < 300; i++) d.push(b[i])
    }, b)
    await stage("obj", b => {
        for (let i = 0; i < N; i++) {
            const o = { a: i, b: 1, c: null as any }
            x ^= o.a
        }
    }, b)
    await stage("strcat", b => {
        let s = ""
        for (let i = 0; i < 300; i++) s += String.fromCharCode(b[i])
        s = ""
        for (let i = 0; i < 300; i++) s += String.fromCharCode(b[i])
    }, b)
    await stage("slicestr", b => {
        for (let i = 0; i < N - 20; i += 20) x ^= b.slice(i, i + 20).toString().length
    }, b)
    await stage("indexOf", b => {
        for (let i = 0; i < N - 20; i += 20) x ^= b.indexOf(0x4f, i)
    }, b)
    console.log("probe: done " + x + k.v)
}
await main()
