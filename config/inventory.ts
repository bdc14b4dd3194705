/**
 * The managed inventory: `<config basename>.managed.json` beside the config, committed like a
 * lockfile. Synth has no state, so this file is how it knows what an earlier synth managed: each
 * repository and ECR repository name per stack, with the Terraform addresses synthesized for it.
 * A name that has left the config is kept as a tombstone (`removedFromConfig`), so that every
 * later synth still releases it (a `removed` block, destroy = false) until it comes back. A
 * repository that stays but no longer lists collaborators or teams keeps its access list's address
 * under `released` for the same reason: destroying the list would remove everyone on it.
 *
 * Reading and writing happen at the edge (main.ts); everything else here is pure.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { formatPath } from "./cross-references";
import { ConfigError, type LocatedIssue } from "./load";
import type { IntendedChange, IntendedChangeKind } from "./schema";

const INVENTORY_VERSION = 1;

/** What the inventory tracks per stack, and the intendedChanges kind that deletes it. */
export const INVENTORY_KINDS = {
  repositories: { change: "delete-repository-access", what: "repository" },
  ecrRepositories: { change: "delete-ecr-repository", what: "ECR repository" },
} as const satisfies Record<string, { change: IntendedChangeKind; what: string }>;
export type InventoryKind = keyof typeof INVENTORY_KINDS;

/** A root-module resource address, as cdktf writes them (`type.name`). */
const ADDRESS = /^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*$/;

const entrySchema = z.strictObject({
  addresses: z.array(
    z.string().regex(ADDRESS, { error: "must be a Terraform resource address such as aws_ecr_repository.EcrRepository-app_1A2B3C4D" }),
    { error: "must be a list of Terraform resource addresses" },
  ),
  removedFromConfig: z.literal(true, { error: "must be true (or left out)" }).optional(),
  // The name is still in the config, in this other stack: it imports what this one released.
  movedTo: z.string().min(1, { error: "must be a stack name" }).optional(),
  released: z
    .array(z.string().regex(ADDRESS, { error: "must be a Terraform resource address" }), { error: "must be a list of Terraform resource addresses" })
    .optional(),
});
const entriesSchema = z.record(z.string().min(1), entrySchema, { error: "must be a mapping of name to { addresses }" });
const stackSchema = z.strictObject({
  repositories: entriesSchema.optional(),
  ecrRepositories: entriesSchema.optional(),
});
const inventorySchema = z.strictObject({
  "//": z.string().optional(),
  version: z.literal(INVENTORY_VERSION, { error: `must be ${INVENTORY_VERSION}` }),
  stacks: z.record(z.string().min(1), stackSchema, { error: "must be a mapping of stack name to its entries" }),
});

export type InventoryEntry = z.infer<typeof entrySchema>;
export type StackInventory = z.infer<typeof stackSchema>;
/** The comment ("//") is written by renderInventory, not carried. */
export type Inventory = Omit<z.infer<typeof inventorySchema>, "//">;

export const EMPTY_INVENTORY: Inventory = { version: INVENTORY_VERSION, stacks: {} };

/** What one synth manages: stack -> kind -> name -> addresses. */
export type ManagedNow = Readonly<Record<string, Partial<Record<InventoryKind, Readonly<Record<string, readonly string[]>>>>>>;

/**
 * A name of the inventory that is no longer in the config, with the addresses last synthesized
 * for it; or (`accessOnly`) a repository still in the config whose access list is no longer managed.
 */
export interface LeftConfig {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly accessOnly?: true;
  /** The name moved to this stack (still in the config): released here, imported there. */
  readonly movedTo?: string;
}

/**
 * A name that came to this stack from another one (a repository moved between GitHub stacks): the
 * addresses the other stack synthesized for it, which it now releases and this one imports.
 */
export interface Arrival {
  readonly name: string;
  readonly from: string;
  readonly addresses: readonly string[];
}

/**
 * Whether `target` imports what `entry` (of another stack) recorded: the entry is live (the other
 * stack managed the name at the last synth) or it records a move to `target`. A name removed from
 * the config earlier is never imported again: whatever it left behind may be gone.
 */
function movesTo(entry: InventoryEntry, target: string): boolean {
  return entry.movedTo !== undefined ? entry.movedTo === target : entry.removedFromConfig !== true;
}

/** Resources released even while their name stays in the config, when the config stops managing them. */
const ACCESS_LIST = "github_repository_collaborators.";
const isAccessList = (address: string) => address.startsWith(ACCESS_LIST);

/** How synth treats the names that left the config: released (Terraform forgets) or deleted (named in intendedChanges). */
export interface Departures {
  readonly released: readonly LeftConfig[];
  readonly deleted: readonly LeftConfig[];
}

export const NO_DEPARTURES: Departures = { released: [], deleted: [] };

/** `platform.yaml` -> `platform.managed.json`, in the config's folder. */
export function inventoryPathFor(configFile: string): string {
  const base = basename(configFile, extname(configFile));
  return join(dirname(configFile), `${base}.managed.json`);
}

/** Thrown for an inventory file that cannot be read as one; printed like a config error. */
export class InventoryError extends ConfigError {
  constructor(file: string, issues: readonly LocatedIssue[]) {
    super(file, issues);
    this.name = "InventoryError";
    const lines = issues.map((i) => `  ${file}${i.line ? `:${i.line}` : ""} ${formatPath(i.path)}: ${i.message}`);
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    this.message = [
      `${count} in ${file}:`,
      ...lines,
      `Synth writes this file (the names it manages, so that removing one from the config releases it instead of deleting it).`,
      `Restore it from version control (git checkout -- ${file}) or fix it. Deleting it loses the record of removed names: a removal not deployed yet then plans a delete (which the deploy gate refuses).`,
      `Nothing was synthesized.`,
    ].join("\n");
  }
}

/** Parses inventory text; `file` only names the source in messages. */
export function parseInventory(text: string, file: string): Inventory {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const position = /position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split("\n").length : undefined;
    throw new InventoryError(file, [{ path: [], line, message: `not valid JSON (${message})` }]);
  }
  const parsed = inventorySchema.safeParse(raw);
  if (!parsed.success) {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter });
    throw new InventoryError(
      file,
      parsed.error.issues.map((i) => {
        const path = i.path.map((p) => (typeof p === "symbol" ? String(p) : p));
        const at = i.code === "unrecognized_keys" && i.keys.length > 0 ? [...path, i.keys[0]] : path;
        const message =
          i.code === "unrecognized_keys" ? `unknown key${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}` : i.message;
        return { path, message, line: lineOf(doc, counter, at) };
      }),
    );
  }
  const { "//": _comment, ...inventory } = parsed.data;
  return inventory;
}

/** Reads the inventory; a missing file is an empty inventory (the first synth). */
export function readInventory(file: string): Inventory {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return EMPTY_INVENTORY;
    throw new InventoryError(file, [{ path: [], message: `cannot read it (${code ?? String(e)})` }]);
  }
  return parseInventory(text, file);
}

/**
 * The names of one stack's inventory that are not in the config any more, split by whether
 * intendedChanges names them for deletion. Repository names compare ignoring case (GitHub does).
 * With `withAccessList` (the repositories that list collaborators or teams now), a repository
 * still in the config but not in that set departs with its recorded access list only. With
 * `elsewhere` (folded name -> the stack that holds it now), a name that moved to another stack is
 * always released (that stack imports it), never deleted.
 */
export function departures(
  inventory: Inventory,
  stackName: string,
  kind: InventoryKind,
  current: Iterable<string>,
  intendedChanges: readonly IntendedChange[],
  withAccessList?: ReadonlySet<string>,
  elsewhere?: ReadonlyMap<string, string>,
): Departures {
  const entries = inventory.stacks[stackName]?.[kind] ?? {};
  const present = new Set(current);
  const fold = (n: string) => (kind === "repositories" ? n.toLowerCase() : n);
  const named = new Set(intendedChanges.filter((c) => c.change === INVENTORY_KINDS[kind].change && c.name !== undefined).map((c) => fold(c.name!)));
  const released: LeftConfig[] = [];
  const deleted: LeftConfig[] = [];
  for (const name of Object.keys(entries).sort()) {
    const recorded = [...new Set([...entries[name].addresses, ...(entries[name].released ?? [])])].sort();
    const target = present.has(name) ? undefined : elsewhere?.get(fold(name));
    if (target !== undefined && target !== stackName) {
      // Still in the config, in another stack: a state move, whatever intendedChanges says.
      released.push(movesTo(entries[name], target) ? { name, addresses: recorded, movedTo: target } : { name, addresses: recorded });
      continue;
    }
    const left: LeftConfig | undefined = !present.has(name)
      ? { name, addresses: recorded }
      : withAccessList !== undefined && !withAccessList.has(name) && recorded.some(isAccessList)
        ? { name, addresses: recorded.filter(isAccessList), accessOnly: true }
        : undefined;
    if (left !== undefined) (named.has(fold(name)) ? deleted : released).push(left);
  }
  return { released, deleted };
}

/**
 * The names of `current` (managed by `stackName` now) that other stacks of the inventory managed
 * at the last synth, or recorded as moved here: this stack imports their addresses. Repository
 * names compare ignoring case.
 */
export function arrivals(inventory: Inventory, stackName: string, kind: InventoryKind, current: Iterable<string>): Arrival[] {
  const fold = (n: string) => (kind === "repositories" ? n.toLowerCase() : n);
  const here = new Map([...current].map((n) => [fold(n), n] as const));
  const found: Arrival[] = [];
  for (const from of Object.keys(inventory.stacks).sort()) {
    if (from === stackName) continue;
    const entries = inventory.stacks[from][kind] ?? {};
    for (const recorded of Object.keys(entries).sort()) {
      const name = here.get(fold(recorded));
      if (name === undefined || !movesTo(entries[recorded], stackName)) continue;
      // The stack's own entry for the name says it already managed it there: nothing arrives.
      const own = inventory.stacks[stackName]?.[kind]?.[name];
      if (own !== undefined && own.removedFromConfig !== true && own.movedTo === undefined && entries[recorded].movedTo === undefined) continue;
      found.push({ name, from, addresses: [...entries[recorded].addresses].sort() });
    }
  }
  return found;
}

/**
 * The inventory after a successful synth: every name managed now with its addresses, plus a
 * tombstone for each name recorded before that is not managed now (its last addresses kept).
 * Stacks this synth did not produce keep their entries as they were. A name that left one stack
 * for another one of this synth is recorded as moved (`movedTo`), not removed, so that the other
 * stack keeps importing what this one releases.
 */
export function nextInventory(previous: Inventory, now: ManagedNow): Inventory {
  const stacks: Record<string, StackInventory> = { ...previous.stacks };
  // kind -> folded name -> the stack managing it now.
  const holder = new Map<InventoryKind, Map<string, string>>();
  for (const [stackName, kinds] of Object.entries(now)) {
    for (const kind of Object.keys(INVENTORY_KINDS) as InventoryKind[]) {
      const fold = (n: string) => (kind === "repositories" ? n.toLowerCase() : n);
      if (!holder.has(kind)) holder.set(kind, new Map());
      for (const name of Object.keys(kinds[kind] ?? {})) holder.get(kind)!.set(fold(name), stackName);
    }
  }
  for (const [stackName, kinds] of Object.entries(now)) {
    const before = previous.stacks[stackName] ?? {};
    const stack: StackInventory = {};
    for (const kind of Object.keys(INVENTORY_KINDS) as InventoryKind[]) {
      const fold = (n: string) => (kind === "repositories" ? n.toLowerCase() : n);
      const entries: Record<string, InventoryEntry> = {};
      const recorded = (entry: InventoryEntry) => [...new Set([...entry.addresses, ...(entry.released ?? [])])].sort();
      for (const [name, entry] of Object.entries(before[kind] ?? {})) {
        const to = holder.get(kind)?.get(fold(name));
        // A removal stays a removal; a live or moved entry whose name another stack holds now is a move.
        entries[name] =
          to !== undefined && to !== stackName && entry.removedFromConfig !== true
            ? { addresses: recorded(entry), movedTo: entry.movedTo ?? to }
            : { addresses: recorded(entry), removedFromConfig: true };
      }
      for (const [name, addresses] of Object.entries(kinds[kind] ?? {})) {
        const was = before[kind]?.[name];
        const released = was ? recorded(was).filter((a) => isAccessList(a) && !addresses.includes(a)) : [];
        entries[name] = { addresses: [...addresses], ...(released.length > 0 ? { released } : {}) };
      }
      if (Object.keys(entries).length > 0) stack[kind] = entries;
    }
    stacks[stackName] = stack;
  }
  return { version: INVENTORY_VERSION, stacks };
}

const COMMENT =
  "Written by cdktf synth: what this config manages, per stack. Commit it. A name removed from the config stays listed (removedFromConfig) so that synth keeps releasing it instead of deleting it; see the README (Removing protected resources).";

/** Deterministic text: keys and addresses sorted, two-space indent, final newline. */
export function renderInventory(inventory: Inventory): string {
  const sortEntries = (entries: Record<string, InventoryEntry> | undefined) =>
    entries === undefined
      ? undefined
      : Object.fromEntries(
          Object.keys(entries)
            .sort()
            .map((name) => {
              const e = entries[name];
              return [
                name,
                {
                  addresses: [...new Set(e.addresses)].sort(),
                  ...(e.removedFromConfig ? { removedFromConfig: true } : {}),
                  ...(e.movedTo !== undefined ? { movedTo: e.movedTo } : {}),
                  ...(e.released?.length ? { released: [...new Set(e.released)].sort() } : {}),
                },
              ];
            }),
        );
  const stacks = Object.fromEntries(
    Object.keys(inventory.stacks)
      .sort()
      .map((name) => {
        const s = inventory.stacks[name];
        return [name, { repositories: sortEntries(s.repositories), ecrRepositories: sortEntries(s.ecrRepositories) }];
      }),
  );
  return `${JSON.stringify({ "//": COMMENT, version: INVENTORY_VERSION, stacks }, null, 2)}\n`;
}

/**
 * Writes the inventory atomically (a temporary file beside it, then a rename): an interrupted
 * synth leaves the old file or the new one, never half of one. An unchanged file is not touched.
 */
export function writeInventory(file: string, inventory: Inventory): boolean {
  const text = renderInventory(inventory);
  try {
    if (readFileSync(file, "utf8") === text) return false;
  } catch {
    // missing: written below
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, file);
  return true;
}

/** The line of the deepest existing node on `path` (a mapping key, or a list item). */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n >= 1; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    let node: unknown;
    if (isMap(parent)) node = parent.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(last))?.key;
    else if (isSeq(parent) && typeof last === "number") node = parent.items[last];
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** For entry points: a bad inventory is printed plainly (no stack trace) and ends the process. */
export function readInventoryOrExit(file: string): Inventory {
  try {
    return readInventory(file);
  } catch (e) {
    if (e instanceof InventoryError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/** For entry points: an inventory that cannot be written is reported plainly and fails the synth. */
export function writeInventoryOrExit(file: string, inventory: Inventory): void {
  try {
    writeInventory(file, inventory);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    process.stderr.write(
      `Cannot write ${file} (${code}). The Terraform in cdktf.out is complete, but the record of what this config manages is not updated: a name removed from the config later would be planned for deletion instead of released. Make the file writable and run synth again.\n`,
    );
    process.exit(1);
  }
}
