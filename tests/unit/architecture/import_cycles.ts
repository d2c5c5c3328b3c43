// Import cycles: the strongly connected components of the import graph (Tarjan's algorithm), each
// shown as one closed chain of imports through it, which is the thing to break.
import type { ImportEdge } from './import_graph.ts';

/** Groups of files that import each other, directly or round about; a file importing itself counts. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of next.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    const importsItself = next.get(file)?.includes(file) ?? false;
    if (component.length > 1 || importsItself) components.push(component.sort());
  };
  for (const file of next.keys()) if (!index.has(file)) visit(file);
  return components;
}

/** One closed chain of imports through `component` (a result of importCycles), from its first file back to it. */
export function cyclePath(component: readonly string[], edges: readonly ImportEdge[]): string[] {
  const inside = new Set(component);
  const start = component[0]!;
  // Breadth-first from `start` inside the component: the shortest way back to it.
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const { from, to } of edges) {
      if (from !== file || !inside.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = file; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, file);
        queue.push(to);
      }
    }
  }
  throw new Error(`${start} is in no cycle`);
}
