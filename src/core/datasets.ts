// Streaming data-set parser: characters in, data sets out, bounded memory.
import { CoreError, DataSet } from "./types"

export interface DataSetSink {
    dataSet(d: DataSet): void
    error(e: CoreError): void
}

export interface DataSetLimits {
    address: number // 16
    value: number // 128
    unit: number // 16
    line: number // whole line cap
}

export class DataSetParser {
    constructor(public sink: DataSetSink, limits?: DataSetLimits) {}
    /** one 7-bit character of the data block (CR, LF included; STX/ETX/BCC and the final "!" line are not passed) */
    push(c: number): void {}
    /** end of block: a pending complete data set is emitted, a partial one reported as an error */
    end(): void {}
    /** drop everything pending (block rejected or new block) */
    reset(): void {}
}
