function value(raw) {
    const star = raw.indexOf("*");
    if (star < 0)
        return { raw: raw, text: raw, unit: null };
    return { raw: raw, text: raw.slice(0, star), unit: raw.slice(star + 1) };
}
/** The data sets of one line, or null when the line is not well formed. */
export function splitLine(line) {
    const out = [];
    let i = 0;
    const n = line.length;
    while (i < n) {
        const open = line.indexOf("(", i);
        if (open < 0)
            return null;
        const address = line.slice(i, open);
        if (address.indexOf(")") >= 0)
            return null;
        const values = [];
        i = open;
        while (i < n && line.charAt(i) === "(") {
            const close = line.indexOf(")", i + 1);
            if (close < 0)
                return null;
            const raw = line.slice(i + 1, close);
            if (raw.indexOf("(") >= 0)
                return null;
            values.push(value(raw));
            i = close + 1;
        }
        out.push({ address: address, values: values });
    }
    return out;
}
/** Data sets of a block of lines (CR LF or LF separated). */
export function expectedFromBlock(block) {
    const lines = block.split("\n");
    const dataSets = [];
    const skipped = [];
    for (let k = 0; k < lines.length; k++) {
        let line = lines[k];
        if (line.length > 0 && line.charCodeAt(line.length - 1) === 13)
            line = line.slice(0, line.length - 1);
        if (line.length === 0)
            continue;
        const ds = splitLine(line);
        if (ds === null)
            skipped.push(line);
        else
            for (let j = 0; j < ds.length; j++)
                dataSets.push(ds[j]);
    }
    return { dataSets: dataSets, skipped: skipped };
}
/** The data sets a readout of this profile yields (for request character `requestChar`, default "?"). */
export function expectedData(p, requestChar) {
    const rc = requestChar === undefined ? "?" : requestChar;
    const block = p.altDataBlocks[rc] !== undefined ? p.altDataBlocks[rc] : p.dataBlock;
    return expectedFromBlock(block);
}
/** A received value as the meter wrote it: text, then "*unit" when there is a unit. */
export function valueAsSent(text, unit) {
    return unit === null || unit === "" ? text : text + "*" + unit;
}
function rawNoEmptyUnit(raw) {
    return raw.length > 0 && raw.charAt(raw.length - 1) === "*" ? raw.slice(0, raw.length - 1) : raw;
}
/**
 * Differences between the expected data sets and what a reader produced (empty = exactly equal).
 * Values compare as sent (text + "*" + unit); an empty unit ("013925.5*") equals no unit.
 */
export function diffDataSets(expected, got) {
    const out = [];
    const n = expected.length > got.length ? expected.length : got.length;
    for (let i = 0; i < n; i++) {
        if (i >= got.length) {
            out.push(`#${i}: missing ${expected[i].address}`);
            continue;
        }
        if (i >= expected.length) {
            out.push(`#${i}: unexpected ${got[i].address}`);
            continue;
        }
        const e = expected[i];
        const g = got[i];
        if (e.address !== g.address)
            out.push(`#${i}: address ${g.address}, expected ${e.address}`);
        if (e.values.length !== g.values.length)
            out.push(`#${i} ${e.address}: ${g.values.length} values, expected ${e.values.length}`);
        const m = e.values.length < g.values.length ? e.values.length : g.values.length;
        for (let k = 0; k < m; k++) {
            const want = rawNoEmptyUnit(e.values[k].raw);
            const have = valueAsSent(g.values[k].text, g.values[k].unit);
            if (want !== have)
                out.push(`#${i} ${e.address} value ${k}: "${have}", expected "${want}"`);
        }
    }
    return out;
}
