/**
 * The AWS resources the summary reasons about besides IAM: protected resources (ECR repositories,
 * the OIDC provider, the GitHub connection) and the CodeBuild runner projects with the identity
 * they use on GitHub.
 */
import { roleNameOfArn } from "../domain/arn";
import { ORGANIZATION_WEBHOOK_LOCATION, TOKEN_OWNER_TAG } from "../domain/codebuild";
import { afterValue, referenceOf, type Change } from "./plan";

const PROTECTED: Record<string, string> = {
  aws_ecr_repository: "ECR repository",
  aws_iam_openid_connect_provider: "OIDC provider",
  aws_codeconnections_connection: "GitHub connection",
  aws_codestarconnections_connection: "GitHub connection",
};

const PROTECTED_CONSEQUENCE: Record<string, string> = {
  aws_iam_openid_connect_provider: "every role that trusts GitHub Actions stops working until it exists again",
  aws_codeconnections_connection: "the new connection is PENDING until someone completes the GitHub App handshake in the console; runners cannot register until then",
  aws_codestarconnections_connection: "the new connection is PENDING until someone completes the GitHub App handshake in the console; runners cannot register until then",
};

export interface ProtectedChange {
  readonly stack: string;
  readonly address: string;
  readonly kind: string;
  readonly name: string;
  readonly action: "replace" | "delete";
  readonly consequence: string;
  /** Why Terraform plans it (action_reason, replace_paths), in words. */
  readonly reason?: string;
}

function nameOf(c: Change): string {
  const s = c.before ?? c.after ?? {};
  return String(s.name ?? s.url ?? s.arn ?? c.address);
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function reasonOf(c: Change): string | undefined {
  switch (c.actionReason) {
    case "replace_because_cannot_update":
      return c.replacePaths && c.replacePaths.length > 0
        ? `${c.replacePaths.map((p) => `\`${pathText(p)}\``).join(", ")} cannot be changed in place`
        : "a change cannot be made in place";
    case "replace_because_tainted":
      return "it is tainted";
    case "replace_by_request":
      return "replace was requested (-replace)";
    case "delete_because_no_resource_config":
      return "it is no longer in the configuration (prevent_destroy does not protect a resource whose block is gone)";
    case "delete_because_no_module":
      return "its module is no longer in the configuration";
    case undefined:
      return c.replacePaths && c.replacePaths.length > 0 ? `${c.replacePaths.map((p) => `\`${pathText(p)}\``).join(", ")} changed` : undefined;
    default:
      return c.actionReason.replace(/_/g, " ");
  }
}

function consequenceOf(c: Change): string {
  if (c.type !== "aws_ecr_repository") return PROTECTED_CONSEQUENCE[c.type];
  return c.before?.force_delete === true
    ? "every image in it is deleted with it (force_delete is on)"
    : "the apply fails while it still holds images (force_delete is off), and emptying it to get past that deletes every image";
}

export function protectedChanges(changes: readonly Change[]): ProtectedChange[] {
  return changes
    .filter((c) => c.mode === "managed" && PROTECTED[c.type] !== undefined && (c.action === "replace" || c.action === "delete"))
    .map((c) => ({
      stack: c.stack,
      address: c.address,
      kind: PROTECTED[c.type],
      name: nameOf(c),
      action: c.action as "replace" | "delete",
      consequence: consequenceOf(c),
      reason: reasonOf(c),
    }));
}

// ---------------------------------------------------------------------------------------------
// Runner projects and connections
// ---------------------------------------------------------------------------------------------

export interface Connection {
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly arn?: string;
  readonly action: Change["action"];
}

const CONNECTION_TYPES = new Set(["aws_codeconnections_connection", "aws_codestarconnections_connection"]);

export function connections(changes: readonly Change[], side: "before" | "after"): Connection[] {
  const out: Connection[] = [];
  for (const c of changes) {
    if (!CONNECTION_TYPES.has(c.type) || c.mode !== "managed" || !exists(c, side)) continue;
    const values = side === "before" ? c.before : c.after;
    const arn = side === "before" ? values?.arn : afterValue(c, ["arn"]).known ? values?.arn : undefined;
    out.push({ stack: c.stack, address: c.address, name: String(values?.name ?? c.address), arn: typeof arn === "string" ? arn : undefined, action: c.action });
  }
  return out;
}

/** The object exists on that side of the plan. */
export function exists(c: Change, side: "before" | "after"): boolean {
  if (side === "before") return c.before !== null && c.action !== "create";
  return c.after !== null && c.action !== "delete" && c.action !== "forget";
}

export type RunnerIdentity =
  | { readonly kind: "connection"; readonly arn?: string; readonly address?: string }
  | { readonly kind: "token"; readonly authType: string; readonly owner?: string }
  | { readonly kind: "default-credential" }
  | { readonly kind: "unknown" };

export interface RunnerProject {
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly action: Change["action"];
  readonly identity: RunnerIdentity;
  /** Login from the GitHubTokenOwner tag. */
  readonly tokenOwner?: string;
  /** The repository a runner serves, or only the owner for an organisation runner; undefined if unknown. */
  readonly scope?: { readonly owner?: string; readonly repository?: string };
  /** Service role name (its policies carry the runner's ECR push grant). */
  readonly serviceRole?: string;
}

export function runnerProjects(changes: readonly Change[], side: "before" | "after"): RunnerProject[] {
  const out: RunnerProject[] = [];
  for (const c of changes) {
    if (c.type !== "aws_codebuild_project" || c.mode !== "managed" || !exists(c, side)) continue;
    const values = side === "before" ? c.before : c.after;
    const source = Array.isArray(values?.source) ? values.source[0] : undefined;
    if (source?.type !== undefined && source.type !== "GITHUB" && source.type !== "GITHUB_ENTERPRISE") continue;
    const auth = Array.isArray(source?.auth) ? source.auth[0] : undefined;
    let identity: RunnerIdentity;
    const tags = { ...(values?.tags_all ?? {}), ...(values?.tags ?? {}) };
    const tokenOwner = typeof tags[TOKEN_OWNER_TAG] === "string" ? tags[TOKEN_OWNER_TAG] : undefined;
    if (auth === undefined) identity = { kind: "default-credential" };
    else if (auth.type === "CODECONNECTIONS" || auth.type === "CODESTAR_CONNECTIONS") {
      const resourcePath = ["source", 0, "auth", 0, "resource"];
      const known = side === "before" || afterValue(c, resourcePath).known;
      const arn = known && typeof auth.resource === "string" ? auth.resource : undefined;
      identity = { kind: "connection", arn, address: arn === undefined ? referenceOf(c, resourcePath) : undefined };
    } else if (typeof auth.type === "string") identity = { kind: "token", authType: auth.type, owner: tokenOwner };
    else identity = { kind: "unknown" };
    const location = typeof source?.location === "string" ? source.location : undefined;
    let scope: RunnerProject["scope"];
    if (location === ORGANIZATION_WEBHOOK_LOCATION) scope = { owner: webhookScopeOwner(changes, c) };
    else if (location !== undefined) {
      const m = /github\.com[/:]([^/]+)\/([^/]+?)(\.git)?\/?$/.exec(location);
      if (m) scope = { owner: m[1], repository: m[2] };
    }
    // The service role's ARN is unknown when the role is created in the same plan: follow the reference.
    const roleArn = side === "before" || afterValue(c, ["service_role"]).known ? values?.service_role : undefined;
    let serviceRole = typeof roleArn === "string" ? roleNameOfArn(roleArn) : undefined;
    if (serviceRole === undefined) {
      const ref = referenceOf(c, ["service_role"]);
      const role = changes.find((x) => x.stack === c.stack && x.address === ref);
      const name = role?.after?.name ?? role?.before?.name;
      serviceRole = typeof name === "string" ? name : undefined;
    }
    out.push({ stack: c.stack, address: c.address, name: String(values?.name ?? c.address), action: c.action, identity, tokenOwner, scope, serviceRole });
  }
  return out;
}

/** The organisation an organisation webhook of this project is scoped to. */
function webhookScopeOwner(changes: readonly Change[], project: Change): string | undefined {
  const name = project.after?.name ?? project.before?.name;
  for (const c of changes) {
    if (c.type !== "aws_codebuild_webhook" || c.stack !== project.stack) continue;
    const v = c.after ?? c.before;
    if (v?.project_name !== name) continue;
    const scope = Array.isArray(v?.scope_configuration) ? v.scope_configuration[0] : undefined;
    if (typeof scope?.name === "string") return scope.name;
  }
  return undefined;
}

export interface EcrRepository {
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly action: Change["action"];
}

export function ecrRepositories(changes: readonly Change[], side: "before" | "after"): EcrRepository[] {
  return changes
    .filter((c) => c.type === "aws_ecr_repository" && c.mode === "managed" && exists(c, side))
    .map((c) => ({ stack: c.stack, address: c.address, name: String((side === "before" ? c.before : c.after)?.name ?? c.address), action: c.action }));
}
