/**
 * Reading `terraform show -json` plans (https://developer.hashicorp.com/terraform/internals/json-format)
 * into one flat list of changes per stack. Everything downstream reads values through the helpers
 * here, which know about after_unknown and the configuration's references, so a value that is only
 * known after apply is reported as such instead of being mistaken for null.
 */

/** What happens to one resource instance, with Terraform's two replace orders folded into one. */
export type Action = "create" | "update" | "replace" | "delete" | "no-op" | "read" | "forget" | "other";

export interface Change {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: string;
  readonly action: Action;
  /** change.actions as Terraform wrote them. */
  readonly actions: readonly string[];
  readonly before: any;
  readonly after: any;
  readonly afterUnknown: any;
  readonly actionReason?: string;
  readonly replacePaths?: readonly (readonly (string | number)[])[];
  /** The instance is being imported (change.importing, Terraform 1.5+). */
  readonly importing: boolean;
  /** The configuration block of the resource (expressions with references), when the plan has it. */
  readonly expressions?: Record<string, any>;
}

export interface StackPlan {
  readonly stack: string;
  readonly terraformVersion?: string;
  readonly changes: readonly Change[];
  /** Resources changed outside Terraform since the last run (resource_drift). */
  readonly drift: number;
  /** Changes Terraform deferred to a later plan (deferred_changes). */
  readonly deferred: number;
  /** The plan stopped with an error (errored: true): what it lists is incomplete. */
  readonly errored: boolean;
  /** Owner the github provider is configured with, when the plan says. */
  readonly githubOwner?: string;
}

/** An input the user must fix (missing file, not JSON, not a plan); the CLI exits 2 with its message. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

export function actionOf(actions: readonly string[]): Action {
  const key = actions.join(",");
  switch (key) {
    case "create":
    case "update":
    case "delete":
    case "no-op":
    case "read":
    case "forget":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      // Terraform documents that new combinations may appear; one that deletes counts as a replace
      // when it also creates, else as a delete, so it is never under-reported.
      if (actions.includes("delete")) return actions.includes("create") ? "replace" : "delete";
      return "other";
  }
}

/** Parses one plan; `source` names it in error messages. */
export function parsePlan(text: string, stack: string, source: string): StackPlan {
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PlanInputError(`${source}: not valid JSON (${(e as Error).message}); pass the output of terraform show -json <planfile>`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new PlanInputError(`${source}: not a Terraform plan (expected a JSON object from terraform show -json <planfile>)`);
  }
  if (typeof json.format_version !== "string") {
    throw new PlanInputError(`${source}: not a Terraform plan (no format_version); pass the output of terraform show -json <planfile>`);
  }
  const major = json.format_version.split(".")[0];
  if (major !== "1" && major !== "0") {
    throw new PlanInputError(`${source}: plan JSON format ${json.format_version} is not supported (this tool reads format 1.x)`);
  }
  if (!Array.isArray(json.resource_changes) && (typeof json.planned_values !== "object" || json.planned_values === null)) {
    const hint = json.values !== undefined ? " (this looks like a state; run terraform show -json on a plan file)" : "";
    throw new PlanInputError(`${source}: not a Terraform plan: no resource_changes or planned_values${hint}`);
  }
  const expressions = configurationExpressions(json.configuration);
  const changes: Change[] = [];
  for (const rc of Array.isArray(json.resource_changes) ? json.resource_changes : []) {
    if (typeof rc !== "object" || rc === null || typeof rc.change !== "object" || rc.change === null) continue;
    const actions: string[] = Array.isArray(rc.change.actions) ? rc.change.actions.map(String) : [];
    const address = String(rc.address ?? `${rc.type}.${rc.name}`);
    changes.push({
      stack,
      address,
      type: String(rc.type ?? "unknown"),
      name: String(rc.name ?? ""),
      mode: String(rc.mode ?? "managed"),
      action: actionOf(actions),
      actions,
      before: rc.change.before ?? null,
      after: rc.change.after ?? null,
      afterUnknown: rc.change.after_unknown ?? {},
      actionReason: typeof rc.action_reason === "string" ? rc.action_reason : undefined,
      replacePaths: Array.isArray(rc.change.replace_paths) ? rc.change.replace_paths : undefined,
      importing: rc.change.importing !== undefined && rc.change.importing !== null,
      expressions: expressions.get(configAddress(address)),
    });
  }
  return {
    stack,
    terraformVersion: typeof json.terraform_version === "string" ? json.terraform_version : undefined,
    changes,
    drift: Array.isArray(json.resource_drift) ? json.resource_drift.length : 0,
    deferred: Array.isArray(json.deferred_changes) ? json.deferred_changes.length : 0,
    errored: json.errored === true,
    githubOwner: stringOrUndefined(json.configuration?.provider_config?.github?.expressions?.owner?.constant_value),
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && !value.includes("${") ? value : undefined;
}

/** `module.a[0].aws_x.y["k"]` -> `module.a.aws_x.y`: the configuration has one block per resource. */
export function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "");
}

/** Resource address -> the expressions of its configuration block, across nested modules. */
function configurationExpressions(configuration: any): Map<string, Record<string, any>> {
  const map = new Map<string, Record<string, any>>();
  const walk = (module: any, prefix: string) => {
    if (typeof module !== "object" || module === null) return;
    for (const r of Array.isArray(module.resources) ? module.resources : []) {
      if (typeof r?.address === "string" && typeof r.expressions === "object") map.set(prefix + r.address, r.expressions);
    }
    for (const [name, call] of Object.entries<any>(module.module_calls ?? {})) walk(call?.module, `${prefix}module.${name}.`);
  };
  walk(configuration?.root_module, "");
  return map;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** A value from the plan: known, or only known after apply. */
export type Value<T = unknown> = { readonly known: true; readonly value: T } | { readonly known: false };

const UNKNOWN: Value<never> = { known: false };

type Path = readonly (string | number)[];

function at(root: any, path: Path): any {
  let v = root;
  for (const step of path) {
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    v = v[step as any];
  }
  return v;
}

/** The planned value at `path`; unknown when after_unknown marks it or any parent of it. */
export function afterValue(change: Change, path: Path): Value {
  if (change.after === null && change.action !== "delete") return UNKNOWN;
  let marks = change.afterUnknown;
  for (const step of path) {
    if (marks === true) return UNKNOWN;
    marks = marks === null || typeof marks !== "object" ? undefined : marks[step as any];
  }
  if (marks === true) return UNKNOWN;
  return { known: true, value: at(change.after, path) };
}

/**
 * The resource address an attribute refers to in the configuration (e.g. `role = aws_iam_role.x.name`
 * -> `aws_iam_role.x`), so links between resources survive values that are unknown until apply.
 */
export function referenceOf(change: Change, path: Path): string | undefined {
  const expr = at(change.expressions, path);
  const refs: unknown = expr?.references;
  if (!Array.isArray(refs)) return undefined;
  const prefix = change.address.startsWith("module.") ? change.address.slice(0, change.address.lastIndexOf(change.type + ".")) : "";
  // references lists `aws_x.y.attr` and `aws_x.y`; the one with two parts is the resource.
  const resource = refs.find((r) => typeof r === "string" && /^[a-z0-9_]+\.[^.]+$/i.test(r) && !r.startsWith("var.") && !r.startsWith("local."));
  return typeof resource === "string" ? prefix + resource : undefined;
}

/** The configuration's expression text (cdktf writes `${...}` strings), for values unknown in the plan. */
export function configText(change: Change, path: Path): string | undefined {
  const value = at(change.expressions, path)?.constant_value;
  return typeof value === "string" ? value : undefined;
}
