// A push frame without a check character (a bare mode D frame: "/ident CR LF
// data ! CR LF") can lose or double a character unseen: at 8N1 nothing flags
// it, and "1-0:0.0.0*255" then reads "-0:0.0.0*255". Meters send the same
// registers with the same field widths in every frame, so a frame is taken only
// when its shape (addresses, each value's length, units) equals the frame's
// before it: a lost or doubled character changes a length or an address. It
// costs one frame of latency after a start or a fault, and meters whose values
// change width (no leading zeros) must wait until two frames agree.
import { DataSet } from "./types"

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

function mix(h: number, c: number): number {
    return Math.imul(h ^ c, FNV_PRIME) >>> 0
}

function mixText(h: number, s: string): number {
    for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i))
    return h
}

/** The shape of a frame, accumulated data set by data set; 0 is never a shape. */
export class FrameShape {
    private h = FNV_OFFSET

    reset(): void {
        this.h = FNV_OFFSET
    }

    add(d: DataSet): void {
        let h = mix(mixText(this.h, d.address), 0x28)
        for (let i = 0; i < d.values.length; i++) {
            const v = d.values[i]
            h = mix(mix(h, v.text.length), 0x2a)
            if (v.unit !== null) h = mixText(h, v.unit)
        }
        this.h = mix(h, 0x29)
    }

    value(): number {
        return this.h === 0 ? 1 : this.h
    }
}
