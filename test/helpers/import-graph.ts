// The import graph of src/ and the rules it must obey (DESIGN §2). Pure: the sources come in as
// text keyed by their path under src/, so unit tests can prove each rule fails on a hand-built graph.
import path from 'node:path';

export const AREAS = [
  'common',
  'topology',
  'runtime',
  'kernel',
  'lab',
  'switch',
  'probe',
  'daemons',
  'orchestrator',
  'api',
  'cli',
] as const;
export type Area = (typeof AREAS)[number];

/** What each area may import besides itself. */
export const ALLOWED: Record<Area, readonly Area[]> = {
  common: [],
  topology: ['common'],
  kernel: ['common'],
  runtime: ['common'],
  lab: ['common', 'topology', 'runtime', 'kernel'],
  // These ship into lab containers: never the host-side orchestration.
  switch: ['common', 'kernel'],
  probe: ['common', 'kernel'],
  daemons: ['common', 'kernel'],
  orchestrator: ['common', 'topology', 'runtime', 'kernel', 'lab', 'probe'],
  // The library surface beside the CLI, over the same lab and runner; neither uses the other.
  api: ['common', 'topology', 'runtime', 'kernel', 'lab', 'probe', 'orchestrator'],
  cli: ['common', 'topology', 'runtime', 'kernel', 'lab', 'probe', 'orchestrator', 'switch'],
};

/**
 * The package's entry module (package.json `exports`): the one file directly under src/. It only
 * re-exports, from `api` and the types and errors that api's functions hand out.
 */
export const PACKAGE_ENTRY = 'index.ts';
const ENTRY_ALLOWED: readonly Area[] = ['api', ...ALLOWED.api];

/** One relative import: both ends as posix paths under src/ (the target may start with `..` when it leaves src/). */
export interface ImportEdge {
  from: string;
  to: string;
}

// Static imports and re-exports (`from '…'`), side-effect imports (`import '…'`) and dynamic `import('…')`.
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.[^'"]+)['"]/g;

/** Every relative import of every source file; `.js` specifiers name the `.ts` file they compile from. */
export function importEdges(sources: ReadonlyMap<string, string>): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [file, text] of sources) {
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)).replace(/\.js$/, '.ts');
      edges.push({ from: file, to });
    }
  }
  return edges;
}

const areaOf = (file: string): string => file.split('/')[0]!;
const show = (e: ImportEdge): string => `src/${e.from} → src/${e.to}`;

/** Areas with no source file, and top-level folders of src/ that are no area: either means the rules check less than they claim. */
export function areaCoverage(files: readonly string[]): { missing: Area[]; unknown: string[] } {
  const present = new Set(files.filter((f) => f !== PACKAGE_ENTRY).map(areaOf));
  return {
    missing: AREAS.filter((a) => !present.has(a)),
    unknown: [...present].filter((a) => !(AREAS as readonly string[]).includes(a)).sort(),
  };
}

/** Imports from `area` into an area it may not use (DESIGN §2). */
export function areaViolations(edges: readonly ImportEdge[], area: Area): string[] {
  return edges
    .filter((e) => areaOf(e.from) === area)
    .filter((e) => areaOf(e.to) !== area && !(ALLOWED[area] as readonly string[]).includes(areaOf(e.to)))
    .map(show);
}

/** Imports of the package entry (src/index.ts) from outside what the library may hand out. */
export function entryViolations(edges: readonly ImportEdge[]): string[] {
  return edges.filter((e) => e.from === PACKAGE_ENTRY && !(ENTRY_ALLOWED as readonly string[]).includes(areaOf(e.to))).map(show);
}

/** A composition root: a process's entry module, which wires the modules below it and which nothing imports. */
const isEntry = (file: string): boolean => path.posix.basename(file) === 'main.ts';

/**
 * Cycles between the folders of one area: the strongly connected components (Tarjan) of the
 * graph whose nodes are folders and whose edges are imports. Each cycle is given as its folders
 * and the imports that close it, so the message says which file to change. Imports made by an
 * entry module (`main.ts`) are left out: it sits above everything it wires, wherever its file
 * lies (src/cli/main.ts imports src/cli/commands, whose commands import src/cli's helpers).
 */
export function folderCycles(edges: readonly ImportEdge[], area: string): { folders: string[]; imports: string[] }[] {
  const inside = edges.filter((e) => areaOf(e.from) === area && areaOf(e.to) === area && !isEntry(e.from));
  const folderOf = (file: string): string => path.posix.dirname(file);
  const next = new Map<string, Set<string>>();
  for (const e of inside) {
    const [a, b] = [folderOf(e.from), folderOf(e.to)];
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    if (a !== b) next.get(a)!.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) components.push(component.sort());
  };
  // Recursion depth is bounded by the number of folders in one area (tens).
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((folders) => ({
    folders,
    imports: inside
      .filter((e) => folderOf(e.from) !== folderOf(e.to) && folders.includes(folderOf(e.from)) && folders.includes(folderOf(e.to)))
      .map(show),
  }));
}

/**
 * Where a file of src/daemons sits: `shared` (daemons/shared, for every daemon), a daemon's own
 * shared modules (`daemons/<d>/x.ts`, e.g. nat-lb/protocol.ts), or one part of a daemon
 * (`daemons/<d>/<part>/…`, e.g. nat-lb/controller) that ships as its own process.
 */
function daemonUnit(file: string): { daemon?: string; part?: string } {
  const [, daemon, part, rest] = file.split('/');
  if (daemon === 'shared') return {};
  return rest === undefined ? { daemon: daemon! } : { daemon: daemon!, part: part! };
}

/**
 * Imports inside src/daemons that break the parts rule: a part imports its own files, its daemon's
 * shared modules and daemons/shared; a daemon's shared modules import only each other and
 * daemons/shared; daemons/shared imports no daemon. Never a sibling part or another daemon.
 */
export function daemonPartViolations(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => areaOf(e.from) === 'daemons' && areaOf(e.to) === 'daemons')
    .filter((e) => {
      const [from, to] = [daemonUnit(e.from), daemonUnit(e.to)];
      if (to.daemon === undefined) return false; // daemons/shared: open to all
      if (to.daemon !== from.daemon) return true;
      return to.part !== undefined && to.part !== from.part;
    })
    .map(show);
}
