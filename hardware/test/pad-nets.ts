// Pads and their nets, read from a board's circuit JSON (the head's and the P1 adapter's tests).
export type El = { type: string; [k: string]: any }

/** "REF.padNumber" of every source port id. */
export function padNames(cj: El[]): Map<string, string> {
    const comp = new Map(cj.filter(e => e.type === "source_component").map(c => [c.source_component_id, c.name]))
    const out = new Map<string, string>()
    for (const p of cj.filter(e => e.type === "source_port")) {
        const num = (p.port_hints as string[]).find(h => /^\d+$/.test(h)) ?? String(p.pin_number)
        out.set(p.source_port_id, `${comp.get(p.source_component_id)}.${num}`)
    }
    return out
}

/** Net name of every pad "REF.padNumber", from the schematic's connectivity. */
export function padNets(cj: El[]): Map<string, string> {
    const parent = new Map<string, string>()
    const find = (x: string): string => ((parent.get(x) ?? x) === x ? x : find(parent.get(x)!))
    for (const t of cj.filter(e => e.type === "source_trace")) {
        const ids = [...t.connected_source_port_ids, ...t.connected_source_net_ids]
        for (const id of ids.slice(1)) parent.set(find(id), find(ids[0]))
    }
    const netName = new Map(cj.filter(e => e.type === "source_net").map(n => [find(n.source_net_id), n.name]))
    return new Map([...padNames(cj)].map(([id, pad]) => [pad, netName.get(find(id)) ?? "(unconnected)"]))
}
