// Header maps are case-insensitive: a later layer replaces an earlier one whatever the case of the name.

export function mergeHeaders(...layers: Record<string, string>[]): Record<string, string> {
  let out: [string, string][] = [];
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      out = out.filter(([existing]) => existing.toLowerCase() !== k.toLowerCase());
      out.push([k, v]);
    }
  }
  return Object.fromEntries(out);
}
