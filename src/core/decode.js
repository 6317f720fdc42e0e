// A whole capture through the framer: what the decode tool and the conformance
// vectors report. Data sets of a block are kept only when the block is intact.
import { Framer } from "./framer";
import { coreError } from "./types";
class Collector {
    result = { identification: null, dataSets: [], errors: [], blocks: 0 };
    pending = [];
    identification(id) {
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
            };
    }
    dataSet(d) {
        // `(ER11)` alone, with no address, is the meter's error answer, not a reading
        if (d.address === "" && d.values.length === 1 && d.values[0].number === null && d.values[0].text.slice(0, 2) === "ER")
            this.error(coreError("meter", `the meter answered with error "${d.values[0].text}"`));
        else
            this.pending.push(d);
    }
    blockEnd(end, ok) {
        this.result.blocks++;
        if (end === "bare" && this.result.identification !== null) {
            this.result.identification.push = true;
            this.result.identification.mode = "D";
        }
        if (ok)
            for (let i = 0; i < this.pending.length; i++)
                this.result.dataSets.push(this.pending[i]);
        this.pending = [];
    }
    command(c, d, data, ok) { }
    control(c) { }
    error(e) {
        this.result.errors.push(e);
    }
}
export function decodeChars(chars) {
    const col = new Collector();
    const f = new Framer(col);
    f.pushAll(chars);
    f.end();
    return col.result;
}
