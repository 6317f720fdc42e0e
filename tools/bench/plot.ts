// One SVG timeline per profile from the virtual-time trace of a session
// (src/sim/line.ts TraceEntry): who sends what and when (a lane each for the
// reader and the meter, one tick per character, each message labelled), the
// baud in force on the reader's UART (a band with its value), the engine's events
// (identification, readout, finished) as markers, and beneath it the real session
// beside its line minimum, so one sees at a glance where the time goes.
import { TraceEntry } from "../../src/sim/line"

interface Msg {
    dir: "reader" | "meter"
    start: number
    end: number
    baud: number
    text: string
    bad: boolean
}

function printable(c: number): string {
    const names: Record<number, string> = { 0: "NUL", 1: "SOH", 2: "STX", 3: "ETX", 4: "EOT", 6: "ACK", 0x15: "NAK", 0x0d: "", 0x0a: "" }
    if (names[c] !== undefined) return names[c] ? `<${names[c]}>` : ""
    return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "."
}

function esc(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
}

/** Characters grouped into messages: same sender, same baud, gaps shorter than 3 character times. */
export function messages(trace: TraceEntry[]): Msg[] {
    const out: Msg[] = []
    for (const e of trace) {
        if (e.kind !== "char") continue
        const last = out.length > 0 ? out[out.length - 1] : null
        const gap = 30000 / e.baud
        if (last && last.dir === e.dir && last.baud === e.baud && e.start - last.end < gap) {
            last.end = e.at
            last.text += printable(e.char)
            last.bad = last.bad || e.fault !== null
        } else out.push({ dir: e.dir, start: e.start, end: e.at, baud: e.baud, text: printable(e.char), bad: e.fault !== null })
    }
    return out
}

export function timelineSvg(title: string, trace: TraceEntry[], startMs: number, endMs: number, lineMinimumMs: number): string {
    const W = 1200, left = 90, right = 180
    const span = Math.max(endMs - startMs, lineMinimumMs, 1)
    const x = (t: number) => left + ((t - startMs) / span) * (W - left - right)
    const rows = { reader: 60, meter: 110 }
    const parts: string[] = []
    parts.push(`<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`)
    parts.push(`<text x="10" y="${rows.reader + 4}" font-size="12">reader</text><text x="10" y="${rows.meter + 4}" font-size="12">meter</text>`)
    // baud in force on the reader's UART
    const bauds: { at: number; baud: number }[] = [{ at: startMs, baud: 300 }]
    for (const e of trace) if (e.kind === "uart") bauds.push({ at: e.at, baud: e.baud })
    for (let i = 0; i < bauds.length; i++) {
        const a = bauds[i].at, b = i + 1 < bauds.length ? bauds[i + 1].at : endMs
        const shade = bauds[i].baud >= 9600 ? "#d9ecd9" : bauds[i].baud >= 2400 ? "#e8f0d8" : "#f3ecd9"
        parts.push(`<rect x="${x(a).toFixed(1)}" y="135" width="${Math.max(0.5, x(b) - x(a)).toFixed(1)}" height="16" fill="${shade}" stroke="#aaa" stroke-width="0.5"/>`)
        if (x(b) - x(a) > 40) parts.push(`<text x="${(x(a) + 3).toFixed(1)}" y="147" font-size="10">${bauds[i].baud} Bd</text>`)
    }
    parts.push(`<text x="10" y="147" font-size="12">reader baud</text>`)
    // characters and messages
    for (const e of trace) {
        if (e.kind !== "char") continue
        const y = rows[e.dir]
        const col = e.fault ? "#c0392b" : e.dir === "reader" ? "#2c6fbb" : "#2e8b57"
        parts.push(`<rect x="${x(e.start).toFixed(2)}" y="${y - 8}" width="${Math.max(0.4, x(e.at) - x(e.start)).toFixed(2)}" height="10" fill="${col}" opacity="0.8"/>`)
    }
    let flip = 0
    for (const m of messages(trace)) {
        const y = rows[m.dir] + (m.dir === "reader" ? -12 : 16) + (flip++ % 2) * (m.dir === "reader" ? -10 : 10)
        const t = m.text.length > 40 ? m.text.slice(0, 37) + "..." : m.text
        parts.push(`<text x="${x(m.start).toFixed(1)}" y="${y}" font-size="9" font-family="monospace" fill="${m.bad ? "#c0392b" : "#333"}"><title>${esc(m.text)}</title>${esc(t)} (${m.baud} Bd, ${(m.end - m.start).toFixed(0)} ms)</text>`)
    }
    // engine events
    for (const e of trace) {
        if (e.kind !== "event") continue
        const ty = e.event.type
        if (ty !== "identification" && ty !== "readout" && ty !== "finished" && ty !== "error") continue
        const col = ty === "error" ? "#c0392b" : "#555"
        parts.push(`<line x1="${x(e.at).toFixed(1)}" y1="35" x2="${x(e.at).toFixed(1)}" y2="155" stroke="${col}" stroke-dasharray="3,3"/>`)
        const label = ty === "error" ? `error: ${e.event.type === "error" ? e.event.error.kind : ""}` : ty
        parts.push(`<text x="${(x(e.at) + 2).toFixed(1)}" y="170" font-size="9" fill="${col}">${esc(label)}</text>`)
    }
    // session vs line minimum
    const sess = endMs - startMs
    parts.push(`<text x="10" y="198" font-size="12">session</text><rect x="${left}" y="188" width="${(x(endMs) - left).toFixed(1)}" height="12" fill="#7a7aa8"/>`)
    parts.push(`<text x="${(x(endMs) + 4).toFixed(1)}" y="198" font-size="11">${sess.toFixed(0)} ms</text>`)
    parts.push(`<text x="10" y="218" font-size="12">line min</text><rect x="${left}" y="208" width="${(x(startMs + lineMinimumMs) - left).toFixed(1)}" height="12" fill="#b0b0b0"/>`)
    parts.push(`<text x="${(x(startMs + lineMinimumMs) + 4).toFixed(1)}" y="218" font-size="11">${lineMinimumMs.toFixed(0)} ms (ratio ${(sess / lineMinimumMs).toFixed(3)})</text>`)
    // time axis
    const step = niceStep(span / 10)
    for (let t = 0; t <= span; t += step) parts.push(`<line x1="${x(startMs + t).toFixed(1)}" y1="228" x2="${x(startMs + t).toFixed(1)}" y2="232" stroke="#000"/><text x="${x(startMs + t).toFixed(1)}" y="244" font-size="9" text-anchor="middle">${t >= 1000 ? (t / 1000).toFixed(step < 1000 ? 1 : 0) + " s" : t.toFixed(0) + " ms"}</text>`)
    parts.push(`<line x1="${left}" y1="228" x2="${W - right}" y2="228" stroke="#000"/>`)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="255" viewBox="0 0 ${W} 255" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>\n${parts.join("\n")}\n</svg>\n`
}

function niceStep(raw: number): number {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))))
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p
    return 10 * p
}
