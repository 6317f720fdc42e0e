// The DeviceScript VM's garbage-collected heap, read from outside. DeviceScript gives user code
// no heap API, and the VM (the WASM build inside @devicescript/cli) exports no GC statistics; it
// prints its heap only when it panics out of memory. But the heap is plain memory in the WASM
// instance: one chunk (devicescript runtime/devicescript/gc.c chunk_t {next, end, start[]}) of
// blocks, each with a header word (tag << 24 | size in words), ending in a FINAL block
// (tag 0x4f, size 1). HeapWatch finds the chunk and walks it after each VM turn (the program's
// code runs inside _jd_em_process) and keeps the figures: bytes in blocks not free, the live
// heap (what is in use right after a collection: the VM collects when an allocation finds no
// free block, so a turn whose in-use bytes fell saw a collection), the largest block in use
// per kind (the largest contiguous allocations the program needed) and the largest free block.
// Samples are taken between turns: a block that lives only inside one turn can be missed.

const TAG_POS = 24
const TAG_MASK = 0xf
const TAG_FREE = 0x1
const FINAL_HEADER = ((0xf | 0x40) << TAG_POS) | 1
const TAG_NAMES = ["null", "free", "bytes", "array", "map", "buffer", "string", "bound function", "activation", "half-static map", "short map", "packet", "string jmp"]

export interface HeapSample {
    /** heap size (bytes between the chunk's first block and its end) */
    size: number
    /** bytes in blocks not free (live + garbage not yet collected) */
    used: number
    /** bytes in use right after the last collection seen (-1: none seen yet) */
    live: number
    /** largest block in use, bytes (header included), and its kind */
    maxBlock: number
    maxBlockTag: string
    /** largest free block, bytes */
    maxFree: number
    blocks: number
}

export class HeapWatch {
    private u32: Uint32Array | null = null
    private chunk = -1 // word index of chunk_t
    private lastLive = -1
    private prevUsed = -1
    samples = 0
    /** collections seen (a sample's in-use bytes below the one before) */
    collections = 0
    /** largest block in use per kind ("buffer", "bytes", "string", ...) since reset() */
    maxByTag: Record<string, number> = {}
    /** the last sample */
    last: HeapSample | null = null
    /** high-water marks since reset() */
    maxUsed = 0
    maxLive = 0
    maxBlock = 0
    maxBlockTag = ""
    minMaxFree = Infinity
    /** a turn's sample failed (heap not found or not walkable): counted, never thrown */
    misses = 0
    private skip = 0

    constructor(private inst: any) {}

    /** Samples the heap after every VM turn. */
    attach(every = 1) {
        const inst = this.inst
        const orig = inst._jd_em_process
        let n = 0
        inst._jd_em_process = (...a: unknown[]) => {
            const r = orig(...a)
            if (++n % every === 0) this.sample()
            return r
        }
    }

    reset() {
        this.maxUsed = this.maxLive = this.maxBlock = 0
        this.maxBlockTag = ""
        this.minMaxFree = Infinity
        this.maxByTag = {}
        this.lastLive = this.prevUsed = -1
    }

    private words(): Uint32Array {
        const buf = this.inst.HEAPU32.buffer
        if (!this.u32 || this.u32.buffer !== buf) this.u32 = new Uint32Array(buf)
        return this.u32
    }

    /** Walks the chunk at word index c; null when it is not a well-formed heap chunk. */
    private walk(u: Uint32Array, c: number): HeapSample | null {
        const end = u[c + 1] >>> 2
        if (end <= c + 2 || end >= u.length || u[end] !== FINAL_HEADER) return null
        let p = c + 2
        const s: HeapSample = { size: (end - p) * 4, used: 0, live: -1, maxBlock: 0, maxBlockTag: "", maxFree: 0, blocks: 0 }
        const byTag = this.maxByTag
        while (p < end) {
            const h = u[p]
            const words = h & 0xffffff
            const tag = (h >>> TAG_POS) & TAG_MASK
            if (words === 0 || p + words > end || tag === 0 || tag > 0xc) return null
            const bytes = words * 4
            if (tag === TAG_FREE) {
                if (bytes > s.maxFree) s.maxFree = bytes
            } else {
                s.used += bytes
                s.blocks++
                const name = TAG_NAMES[tag]
                if (!(bytes <= byTag[name])) byTag[name] = bytes
                if (bytes > s.maxBlock) {
                    s.maxBlock = bytes
                    s.maxBlockTag = TAG_NAMES[tag]
                }
            }
            p += words
        }
        return p === end ? s : null
    }

    /** Finds the heap chunk anywhere in WASM memory. */
    private find(u: Uint32Array): boolean {
        this.chunk = -1
        for (let e = 0; e < u.length; e++) {
            if (u[e] !== FINAL_HEADER) continue
            const endAddr = e * 4
            // the chunk_t whose end field points here; the heap is 64 KB, so look up to 1 MB back
            for (let c = e - 2; c >= 0 && c > e - (1 << 18); c--) {
                if (u[c + 1] === endAddr && u[c] === 0 && this.walk(u, c)) {
                    this.chunk = c
                    return true
                }
            }
        }
        return false
    }

    sample(): HeapSample | null {
        const u = this.words()
        let s = this.chunk >= 0 ? this.walk(u, this.chunk) : null
        if (!s) {
            // before the program is deployed there is no heap: look again only every 100th turn
            if (this.skip > 0) {
                this.skip--
                return null
            }
            if (!this.find(u)) {
                this.misses++
                this.skip = 100
                return null
            }
            s = this.walk(u, this.chunk)!
        }
        if (this.prevUsed >= 0 && s.used < this.prevUsed) {
            this.collections++
            this.lastLive = s.used
        }
        this.prevUsed = s.used
        s.live = this.lastLive
        this.samples++
        this.last = s
        if (s.used > this.maxUsed) this.maxUsed = s.used
        if (s.live > this.maxLive) this.maxLive = s.live
        if (s.maxBlock > this.maxBlock) {
            this.maxBlock = s.maxBlock
            this.maxBlockTag = s.maxBlockTag
        }
        if (s.maxFree < this.minMaxFree) this.minMaxFree = s.maxFree
        return s
    }
}
