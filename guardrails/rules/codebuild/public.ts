/**
 * Which repositories are public, and which repositories a runner webhook admits: shared by the
 * rules on public repositories (CB-012, CB-013, CB-014, OIDC-014).
 *
 * A repository's visibility is read from the `github_repository` data source the GitHub stack
 * declares for it: its postcondition (`self.visibility == "public"`) is the config's declaration,
 * which Terraform checks against GitHub on every plan. The rules read that same assertion, so
 * they cannot disagree with what the plan verifies; a repository without one counts as not public.
 */
import { ORGANIZATION_WEBHOOK_LOCATION } from "../../../domain/codebuild";
import { asArray, githubOwner } from "../../support";
import type { AppView, SynthResource } from "../../types";
import { block, blocks, webhooksOf } from "./projects";

const VISIBILITY_DATA_SOURCE = "data.github_repository";
const DECLARED = /self\.visibility\s*==\s*"(private|internal|public)"/;

/** `owner/repo` (lower case) -> declared visibility, across the app. */
export function declaredVisibility(app: AppView): ReadonlyMap<string, string> {
  return app.memo("public:visibility", () => {
    const map = new Map<string, string>();
    for (const d of app.ofType(VISIBILITY_DATA_SOURCE)) {
      const fullName =
        typeof d.config.full_name === "string"
          ? d.config.full_name
          : typeof d.config.name === "string"
            ? `${githubOwner(app, d.stack) ?? ""}/${d.config.name}`
            : undefined;
      if (fullName === undefined) continue;
      for (const p of asArray<Record<string, any>>(block(d.config.lifecycle)?.postcondition)) {
        const m = DECLARED.exec(String(p?.condition ?? ""));
        if (m) map.set(fullName.toLowerCase(), m[1]);
      }
    }
    return map;
  });
}

/** Public repositories of the app as `owner/repo`, in their declared spelling order (lower case). */
function publicRepositories(app: AppView): string[] {
  return [...declaredVisibility(app)].filter(([, v]) => v === "public").map(([k]) => k);
}

export function isPublic(app: AppView, owner: string, repository: string): boolean {
  return declaredVisibility(app).get(`${owner}/${repository}`.toLowerCase()) === "public";
}

function regExpOf(pattern: unknown): RegExp | undefined {
  try {
    return new RegExp(String(pattern ?? ""));
  } catch {
    return undefined;
  }
}

/**
 * The public repositories (`owner/repo`, lower case) one filter group of a webhook admits: the
 * project's repository, or for an organisation webhook every public repository of the
 * organisation that its REPOSITORY_NAME filters (if any) match. An unreadable pattern admits all.
 */
export function publicRepositoriesAdmitted(app: AppView, webhook: SynthResource, project: SynthResource, filters: Record<string, any>[]): string[] {
  const location = String(block(project.config.source)?.location ?? "");
  const scope = block(webhook.config.scope_configuration);
  if (scope !== undefined && location === ORGANIZATION_WEBHOOK_LOCATION) {
    const org = String(scope.name ?? "").toLowerCase();
    const repositoryFilters = filters.filter((f) => f.type === "REPOSITORY_NAME");
    return publicRepositories(app).filter((full) => {
      const [owner, repo] = full.split("/");
      if (owner !== org) return false;
      return repositoryFilters.every((f) => {
        const re = regExpOf(f.pattern);
        const matches = re === undefined || re.test(repo);
        return f.exclude_matched_pattern === true || f.exclude_matched_pattern === "true" ? !matches : matches;
      });
    });
  }
  const m = /^https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?$/i.exec(location);
  return m && isPublic(app, m[1], m[2]) ? [`${m[1]}/${m[2]}`.toLowerCase()] : [];
}

/** Filter groups of a webhook, each as its list of filters. */
export function filterGroups(webhook: SynthResource): Record<string, any>[][] {
  return blocks(webhook.config.filter_group).map((g) => blocks(g.filter));
}

/** Every public repository any webhook of the project admits. */
export function publicRepositoriesOfProject(app: AppView, project: SynthResource): string[] {
  const admitted = new Set<string>();
  const webhooks = webhooksOf(app, project);
  if (webhooks.length === 0) {
    // No webhook yet (connection pending): the repository it will serve is in its source location.
    const m = /^https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?$/i.exec(String(block(project.config.source)?.location ?? ""));
    if (m && isPublic(app, m[1], m[2])) admitted.add(`${m[1]}/${m[2]}`.toLowerCase());
  }
  for (const webhook of webhooks) {
    for (const filters of filterGroups(webhook)) for (const r of publicRepositoriesAdmitted(app, webhook, project, filters)) admitted.add(r);
  }
  return [...admitted];
}
