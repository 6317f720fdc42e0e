// A whole capture through the framer: what the decode tool and the conformance
// vectors report. Data sets of a block are kept only when the block is intact.
import { BlockEnd, Framer, FrameSink } from "./framer"
import { coreError, CoreError, DataSet, Identification } from "./types"

export interface Decoded {
    identification: (Identification & { push: boolean }) | null
    dataSets: DataSet[]
    errors: CoreError[]
    /** data blocks seen (intact or not) */
    blocks: number
    /** data blocks rejected (BCC, parity, syntax of the frame) or cut off before their end */
    rejected: number
    /** true when the input ended inside a readout: a partial block (EOT) without its rest */
    incomplete: boolean
}

class Collector implements FrameSink {
    result: Decoded = { identification: null, dataSets: [], errors: [], blocks: 0, rejected: 0, incomplete: false }
    pending: DataSet[] = []
    identification(id: Identification): void {
        if (this.result.identification === null)
            this.result.identification = {
                manufacturer: id.manufacturer,
                fastReaction: id.fastReaction,
                baudChar: id.baudChar,
                mode: id.mode,
                baud: id.baud,
                capability: id.capability,
                ident: id.ident,
                push: false,
            }
    }
    dataSet(d: DataSet): void {
        // `(ER11)` alone, with no address, is the meter's error answer, not a reading
        if (d.address === "" && d.values.length === 1 && d.values[0].number === null && d.values[0].text.slice(0, 2) === "ER")
            this.error(coreError("meter", `the meter answered with error "${d.values[0].text}"`))
        else this.pending.push(d)
    }
    blockEnd(end: BlockEnd, ok: boolean): void {
        this.result.blocks++
        if (!ok) this.result.rejected++
        // an intact partial block promises more: only the block after it completes the readout
        this.result.incomplete = ok && end === "eot"
        if (end === "bare" && this.result.identification !== null) {
            this.result.identification.push = true
            this.result.identification.mode = "D"
        }
        if (ok) for (let i = 0; i < this.pending.length; i++) this.result.dataSets.push(this.pending[i])
        this.pending = []
    }
    command(c: string, d: string, data: string | null, ok: boolean): void {}
    control(c: number): void {}
    error(e: CoreError): void {
        this.result.errors.push(e)
    }
}

/** A capture fed in slices (the DeviceScript VM must await between them: ~128K steps). */
export class Decoder {
    private col = new Collector()
    private f = new Framer(this.col)
    push(c: number): void {
        this.f.push(c)
    }
    /** the input is over: what it held */
    end(): Decoded {
        this.f.end()
        return this.col.result
    }
}

export function decodeChars(chars: number[]): Decoded {
    const d = new Decoder()
    for (let i = 0; i < chars.length; i++) d.push(chars[i])
    return d.end()
}
