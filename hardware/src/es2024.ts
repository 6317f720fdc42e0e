// tscircuit's two-layer autorouter calls Map.groupBy (ES2024, Node >= 21); this project runs on
// Node 20, so provide it when it is missing. Same contract as the standard: key → array of items
// in input order.
if (typeof (Map as any).groupBy !== "function") {
    Object.defineProperty(Map, "groupBy", {
        configurable: true,
        writable: true,
        value<T, K>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
            const groups = new Map<K, T[]>()
            let i = 0
            for (const item of items) {
                const k = key(item, i++)
                const group = groups.get(k)
                if (group) group.push(item)
                else groups.set(k, [item])
            }
            return groups
        },
    })
}
export {}
