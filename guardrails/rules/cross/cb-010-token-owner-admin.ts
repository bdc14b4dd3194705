import { TOKEN_OWNER_TAG } from "../../../domain/codebuild";
import { asArray, githubOwner } from "../../support";
import type { AppView, Rule, SynthResource } from "../../types";
import { repositoriesServed, runnerProjects } from "./runner-labels";

/** Per repository, the users and their permission, from the authoritative collaborators resources. */
function collaborators(app: AppView): ReadonlyMap<string, { stack: string; users: Map<string, string> }> {
  return app.memo("collaborators", () => {
    const map = new Map<string, { stack: string; users: Map<string, string> }>();
    for (const c of app.ofType("github_repository_collaborators")) {
      const users = new Map(asArray(c.config.user).map((u: any) => [String(u.username).toLowerCase(), String(u.permission)] as [string, string]));
      map.set(String(c.config.repository), { stack: c.stack, users });
    }
    return map;
  });
}

function ownerOfGithubSide(app: AppView, repo: string): string | undefined {
  const entry = collaborators(app).get(repo);
  return entry ? githubOwner(app, entry.stack) : undefined;
}

export const CB_010: Rule = {
  id: "CB-010",
  title: "A runner that uses a person's token needs that person to stay admin on every repository it serves",
  why: "registering a just-in-time runner needs repository Administration; when the token's owner is lowered from admin (seed 000: admin -> write), every job fails with \"Error while fetching runner token: error code 400: GitHub runner JIT configuration unavailable: ResourceNotFoundException\"",
  fix: "switch the runner to the GitHub App connection (remove runner.legacyPersonalToken), or keep the token's owner at permission admin in that repository's collaborators",
  source: "seed 000 (CodeBuild runner broken by admin -> write); AWS CodeBuild GitHub runner docs",
  resourceTypes: ["aws_codebuild_project"],
  check(project: SynthResource, app) {
    const owner = project.config.tags?.[TOKEN_OWNER_TAG];
    if (typeof owner !== "string") return undefined;
    const runner = runnerProjects(app).get(String(project.config.name));
    if (!runner) return undefined;
    const known = [...collaborators(app).keys()];
    const githubOwnerName = app.memo("cb-010:owner", () => known.map((r) => ownerOfGithubSide(app, r)).find((o) => o !== undefined) ?? "");
    const served = repositoriesServed(runner, githubOwnerName, known);
    const location = String(project.config.source?.location ?? "");
    if (served.length === 0) {
      return `the runner uses ${owner}'s token but no repository it serves (${location}) has its collaborators managed here, so ${owner}'s admin permission cannot be checked: list the repository's collaborators with ${owner} as admin`;
    }
    return served.flatMap((repo) => {
      // The owner of a user-owned repository is its admin, and cannot be listed as a collaborator.
      if (owner.toLowerCase() === githubOwnerName.toLowerCase()) return [];
      const permission = collaborators(app).get(repo)?.users.get(owner.toLowerCase());
      if (permission === "admin") return [];
      const ui: Record<string, string> = { push: "write (push)", pull: "read (pull)" };
      const now = permission === undefined ? "is not a collaborator" : `has permission ${ui[permission] ?? permission}`;
      return [`the runner registers with ${owner}'s token, but ${owner} ${now} on ${repo}: jobs will fail with "GitHub runner JIT configuration unavailable"`];
    });
  },
};
