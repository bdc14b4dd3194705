/**
 * The stacks' side of the managed inventory (config/inventory.ts): which addresses each name
 * synthesized, and what a stack emits for the names that left the config.
 */
import { Annotations, TerraformResource, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { INVENTORY_KINDS, type Arrival, type Departures, type InventoryKind, type LeftConfig } from "../config/inventory";
import { ImportExisting, RemovedResources } from "../modules/terraform-blocks";

/** `type.name` of every resource under the given constructs, sorted. */
function addressesOf(scopes: readonly Construct[]): string[] {
  const addresses = scopes.flatMap((scope) =>
    scope.node
      .findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
      .map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`),
  );
  return [...new Set(addresses)].sort();
}

/** name -> addresses for every name a stack manages. */
export function addressMap(scopes: ReadonlyMap<string, readonly Construct[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, constructs] of scopes) out[name] = addressesOf(constructs);
  return out;
}

const EFFECTS: Record<InventoryKind, { kept: string; deleted: string; deleteNote: string }> = {
  repositories: {
    kept: "its collaborators and teams, workflow files, Actions variables and environments stay in GitHub as they are",
    deleted: "its access list (every collaborator and team on it loses access), workflow files, Actions variables and environments",
    deleteNote: "",
  },
  ecrRepositories: {
    kept: "the repository, its images and its policies stay in AWS as they are (a rename is this plus a new, empty repository)",
    deleted: "the repository and its lifecycle and repository policies",
    deleteNote: "; the apply fails while it still holds images (force_delete is off), after its lifecycle policy is gone: empty it first",
  },
};

/**
 * For names that left the config: a `removed` block (destroy = false) for each released name's
 * recorded addresses, and one warning line per name saying what happens to it. Call it last in a
 * stack's constructor: an address the stack still synthesizes (the same name under another
 * section) is never put in a removed block, which Terraform would refuse.
 */
export function emitDepartures(stack: TerraformStack, kind: InventoryKind, departures: Departures): void {
  const { what, change } = INVENTORY_KINDS[kind];
  const effects = EFFECTS[kind];
  const synthesized = new Set(addressesOf([stack]));
  const forget: string[] = [];
  // An entry whose addresses this stack synthesizes again (the name is managed here after all) is no departure.
  const open = (entries: readonly LeftConfig[]) =>
    entries.map((e) => ({ ...e, addresses: e.addresses.filter((a) => !synthesized.has(a)) })).filter((e) => e.addresses.length > 0);
  const howToDelete = (name: string) => `To delete it instead, add to intendedChanges: { change: ${change}, name: ${name}, reason: ... }.`;
  for (const { name, addresses, accessOnly, movedTo } of open(departures.released)) {
    forget.push(...addresses);
    Annotations.of(stack).addWarning(
      movedTo !== undefined
        ? `${what} "${name}" moved to stack ${movedTo}: released here (removed blocks, destroy = false), imported there; nothing is deleted.`
        : accessOnly
        ? `${what} "${name}" no longer lists collaborators or teams: its access list is released, not deleted. Terraform forgets it (a removed block, destroy = false); everyone on it keeps their access. ${howToDelete(name)}`
        : `${what} "${name}" is no longer in the config: released, not deleted. Terraform forgets it (removed blocks, destroy = false); ${effects.kept}. ${howToDelete(name)}`,
    );
  }
  for (const { name, accessOnly } of open(departures.deleted)) {
    Annotations.of(stack).addWarning(
      accessOnly
        ? `${what} "${name}" no longer lists collaborators or teams and intendedChanges names it (${change}): the plan deletes its access list (every collaborator and team on it loses access).`
        : `${what} "${name}" is no longer in the config and intendedChanges names it (${change}): the plan deletes ${effects.deleted}${effects.deleteNote}.`,
    );
  }
  if (forget.length > 0) new RemovedResources(stack, `Released-${kind}`, [...new Set(forget)].sort());
}

/**
 * For names that moved here from another stack: an `import` block for each recorded address this
 * stack synthesizes again whose import id is known (`importIds`), so the plan adopts the object
 * the other stack releases instead of creating a second one. Addresses that already carry an
 * import block (access lists are always adopted) get none; addresses without an import id are
 * created again, and the warning says which. One warning line per moved name.
 */
export function emitArrivals(stack: TerraformStack, arrivals: readonly Arrival[], importIds: ReadonlyMap<TerraformResource, string>): void {
  const resources = new Map<string, TerraformResource>(
    stack.node
      .findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
      .map((r) => [`${r.terraformResourceType}.${r.friendlyUniqueId}`, r] as const),
  );
  const adopted = new Set(stack.node.findAll().flatMap((c) => (c instanceof ImportExisting ? [c.target] : [])));
  const done = new Set<string>();
  for (const { name, from, addresses } of arrivals) {
    const imported: string[] = [];
    const recreated: string[] = [];
    for (const address of addresses) {
      const resource = resources.get(address);
      if (resource === undefined || done.has(address)) continue;
      done.add(address);
      const id = importIds.get(resource);
      if (adopted.has(resource)) imported.push(address);
      else if (id !== undefined) {
        new ImportExisting(stack, `Moved-${address.replace(/\./g, "_")}`, resource, id);
        imported.push(address);
      } else recreated.push(address);
    }
    if (imported.length + recreated.length === 0) continue;
    const again =
      recreated.length === 0
        ? ""
        : ` Created again here (the github provider imports them only by an id that holds GitHub's numeric policy id, which only the old state has): ${recreated.join(", ")}; if the apply says such a pattern already exists, import it by hand (terraform import '<address>' <repository>:<environment>:<policy id>, the id from gh api repos/<owner>/<repository>/environments/<environment>/deployment-branch-policies).`;
    Annotations.of(stack).addWarning(
      `repository "${name}" moved here from stack ${from}: ${imported.length} resource(s) imported (import blocks), released there (removed blocks, destroy = false); a state move, nothing is deleted.${again}`,
    );
  }
}
