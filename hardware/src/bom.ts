// Parts list (CSV) from the rendered circuit: one row per component in the circuit JSON, with the
// manufacturer part number the schematic carries and the footprint and notes from parts.ts.
// (circuit-json-to-bom-csv only writes designator/value; this keeps MPN and footprint.)
import { PARTS, type Part } from "./parts.ts"

type Element = { type: string; [k: string]: unknown }

export interface BomRow {
    ref: string
    value: string
    description: string
    manufacturer: string
    mpn: string
    footprint: string
    alternative: string
}

export function bomRows(circuitJson: Element[], parts: Part[] = PARTS): BomRow[] {
    const comps = circuitJson.filter(e => e.type === "source_component")
    return comps
        .map(c => {
            const ref = String(c.name)
            const p = parts.find(p => p.ref === ref)
            if (!p) throw new Error(`component ${ref} is in the schematic but not in its parts table`)
            const mpn = String(c.manufacturer_part_number ?? "")
            if (mpn !== p.mpn) throw new Error(`${ref}: schematic MPN '${mpn}' differs from parts.ts '${p.mpn}'`)
            return { ref, value: p.value, description: p.description, manufacturer: p.manufacturer, mpn, footprint: p.footprint, alternative: p.alternative ?? "" }
        })
        .sort((a, b) => a.ref.localeCompare(b.ref, "en", { numeric: true }))
}

const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

export function bomCsv(rows: BomRow[]): string {
    const head = ["Ref", "Value", "Description", "Manufacturer", "MPN", "Footprint", "Alternative"]
    const lines = rows.map(r => [r.ref, r.value, r.description, r.manufacturer, r.mpn, r.footprint, r.alternative].map(cell).join(","))
    return [head.join(","), ...lines].join("\n") + "\n"
}
