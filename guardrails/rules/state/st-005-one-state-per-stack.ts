import type { AppView, Rule } from "../../types";
import { STACK_RESOURCE_TYPES } from "./st-001-state-backend";

/** Where a stack's state lives, comparable across stacks; undefined for a backend of another kind. */
function stateLocation(app: AppView, stack: string): string | undefined {
  const backend = app.backend(stack);
  if (backend?.s3 !== undefined) return `s3://${String(backend.s3.bucket)}/${String(backend.s3.key)}`;
  if (backend?.local !== undefined && typeof backend.local.path === "string") return `local file ${backend.local.path}`;
  return undefined; // no backend: terraform.tfstate in the stack's own folder
}

export const ST_005: Rule = {
  id: "ST-005",
  title: "No two stacks of the app keep their state in the same place (S3 bucket and key, or local file)",
  why:
    "Two stacks writing one state each read the other's resources as their own: the first plan after the other's apply deletes everything the other created (a destroy of roles, repositories and access lists), and the lock makes them wait on each other. Stacks of several accounts, or a stack added by hand, are where this happens.",
  fix: "Give every stack its own key: the template's stacks build it from the stack name (<keyPrefix>[/<owner>]/<stack>.tfstate); a stack added in main.ts needs a key of its own, and two configs sharing a bucket need distinct aws.stateBackend.keyPrefix values (or ownerInKey).",
  source: "Terraform docs: backends (one state per configuration), s3 backend key; GUARDRAILS state and lifecycle",
  resourceTypes: STACK_RESOURCE_TYPES,
  check(resource, app) {
    if (app.memo(`ST-005:${resource.stack}`, () => resource) !== resource) return undefined;
    const owners = app.memo("ST-005:locations", () => {
      const first = new Map<string, string>();
      for (const block of app.blocks) {
        if (block.type !== "terraform") continue;
        const where = stateLocation(app, block.stack);
        if (where !== undefined && !first.has(where)) first.set(where, block.stack);
      }
      return first;
    });
    const where = stateLocation(app, resource.stack);
    const owner = where === undefined ? undefined : owners.get(where);
    if (owner === undefined || owner === resource.stack) return undefined;
    return `stack "${resource.stack}" keeps its state in ${where}, where stack "${owner}" keeps its own`;
  },
};
