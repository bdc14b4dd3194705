/**
 * Layer 1 (config): deploy roles shared by several repositories (top-level deployRoles[]) and the
 * claims a role pins besides sub and aud (pinClaims). Good inputs parse; each bad input is one
 * problem at its path and line, with what to write instead.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { resolvedDeployRoles, rolesOfRepository } from "../../config/derive";
import { configError, describeBadInputs, edited, type Draft } from "../helpers/config-errors";
import { withSelf } from "../helpers/self";
import { shared } from "../helpers/shared-roles";

const withShared = (edit: (d: Draft) => void = () => undefined) =>
  edited((d) => {
    shared(d);
    edit(d);
  });

describe("shared deploy roles", () => {
  test("a role trusting several repositories parses; each repository sees it among its roles", () => {
    const config = parseConfig(withShared());
    const role = resolvedDeployRoles(config).find((r) => r.name === "shared-push")!;
    expect(role.shared).toBe(true);
    expect(role.path).toEqual(["deployRoles", 0]);
    expect(role.trust.map((t) => t.repository.name)).toEqual(["web", "api"]);
    expect(role.pinClaims).toEqual({ repositoryId: false, jobWorkflowRef: false });
    const [techblue, web, api] = config.repositories;
    expect(rolesOfRepository(config, web).map((r) => r.name)).toEqual(["shared-push"]);
    expect(rolesOfRepository(config, api).map((r) => r.name)).toEqual(["shared-push"]);
    expect(rolesOfRepository(config, techblue).map((r) => r.name)).toEqual(["techblue-dev-ecr-push", "techblue-dev-release-push"]);
  });

  test("a repository's own roles keep their form, path and defaults (no pinned claims)", () => {
    const config = parseConfig(withShared());
    const own = resolvedDeployRoles(config)[0];
    expect(own).toMatchObject({ name: "techblue-dev-ecr-push", shared: false, path: ["repositories", 0, "deployRoles", 0], pinClaims: { repositoryId: false, jobWorkflowRef: false } });
  });

  test("pinClaims parse on either form", () => {
    const config = parseConfig(
      withShared((d) => {
        d.deployRoles[0].pinClaims = { repositoryId: true, jobWorkflowRef: true };
        d.repositories[0].id = 4444;
        d.repositories[0].deployRoles[0].pinClaims = { repositoryId: true };
      }),
    );
    expect(config.deployRoles[0].pinClaims).toEqual({ repositoryId: true, jobWorkflowRef: true });
    expect(config.repositories[0].deployRoles[0].pinClaims).toEqual({ repositoryId: true, jobWorkflowRef: false });
  });
});

describeBadInputs([
  [
    "a trust entry naming a repository the config does not have",
    {
      text: withShared((d) => d.deployRoles[0].trust.push({ repository: "apii", allow: { branches: ["main"] } })),
      path: "deployRoles[0].trust[2].repository",
      reason: 'unknown repository "apii": a shared role trusts repositories of this config (defined: techblue-dev, web, api)',
      at: "repository: apii",
    },
  ],
  [
    "the same repository twice in one role's trust",
    {
      text: withShared((d) => d.deployRoles[0].trust.push({ repository: "WEB", allow: { tags: ["v1"] } })),
      path: "deployRoles[0].trust[2].repository",
      reason: "web is already trusted at deployRoles[0].trust[0]",
      at: "repository: WEB",
    },
  ],
  [
    "a trust entry with no subject",
    { text: withShared((d) => (d.deployRoles[0].trust[1].allow = {})), path: "deployRoles[0].trust[1].allow", reason: "the role trusts no subject and could never be assumed", at: "allow: {}" },
  ],
  [
    "a shared role trusting an environment its repository does not manage",
    {
      text: withShared((d) => (d.deployRoles[0].trust[1].allow.environments = ["staging"])),
      path: "deployRoles[0].trust[1].allow.environments[0]",
      reason: 'role "shared-push" trusts environment "staging", which this config does not manage',
      at: "- staging",
    },
  ],
  [
    "a shared role's name already used by a repository's role",
    {
      text: withShared((d) => {
        d.deployRoles[0].name = "techblue-dev-ecr-push";
        for (const r of d.repositories.slice(1)) r.workflows[0].deployRole = "techblue-dev-ecr-push";
      }),
      path: "deployRoles[0].name",
      reason: 'duplicate deploy role "techblue-dev-ecr-push": already defined at repositories[0].deployRoles[0].name',
      at: ["- name: techblue-dev-ecr-push", 1],
    },
  ],
  [
    "a workflow naming a shared role that does not trust its repository",
    {
      text: withShared((d) => {
        d.repositories[0].workflows[0].deployRole = "shared-push";
        d.repositories[0].workflows[0].ecrRepository = "shared/app";
      }),
      path: "repositories[0].workflows[0].deployRole",
      reason: 'deploy role "shared-push" (a shared role) does not trust techblue-dev: add { repository: techblue-dev, allow: { ... } } to its trust',
      at: "deployRole: shared-push",
    },
  ],
  [
    "pinning repository_owner_id, which STS does not evaluate",
    {
      text: withShared((d) => (d.deployRoles[0].pinClaims = { repositoryOwnerId: true })),
      path: "deployRoles[0].pinClaims.repositoryOwnerId",
      reason: "AWS STS does not evaluate repository_owner_id",
      at: "repositoryOwnerId: true",
    },
  ],
  [
    "pinning repository_id of a repository without an id",
    {
      text: withShared((d) => (d.repositories[0].deployRoles[0].pinClaims = { repositoryId: true })),
      path: "repositories[0].deployRoles[0].pinClaims.repositoryId",
      reason: "pins repository_id, but techblue-dev has no id: set its repositories[].id (find it with: gh api repos/Test-User/techblue-dev --jq .id)",
      at: "repositoryId: true",
    },
  ],
  [
    "the self roles pinning repository_id without self.id",
    {
      text: edited((d) => withSelf(d, { pinClaims: { repositoryId: true } })),
      path: "self.pinClaims.repositoryId",
      reason: "pins repository_id, but self has no id: set self.id (find it with: gh api repos/Test-User/platform-infra --jq .id)",
      at: "repositoryId: true",
    },
  ],
  [
    "pinning job_workflow_ref where no workflow of a trusted repository uses the role",
    {
      text: withShared((d) => {
        d.deployRoles[0].pinClaims = { jobWorkflowRef: true };
        d.deployRoles[0].trust.push({ repository: "techblue-dev", allow: { branches: ["main"] } });
      }),
      path: "deployRoles[0].pinClaims.jobWorkflowRef",
      reason: "no workflow of techblue-dev uses it, so no job there could assume the role",
      at: "jobWorkflowRef: true",
    },
  ],
]);

describe("public repositories and shared roles", () => {
  test("a shared role trusting a public repository's pull_request needs that repository's opt-in, reported where the role says it", () => {
    const text = withShared((d) => {
      d.repositories[2].visibility = "public";
      d.deployRoles[0].trust[1].allow.pullRequest = true;
    });
    expect(configError(text).message).toContain(
      'deployRoles[0].trust[1].allow.pullRequest: api is public and the shared role "shared-push" trusts its pull_request',
    );
    const accepted = withShared((d) => {
      d.repositories[2].visibility = "public";
      d.repositories[2].publicRepositoryOptIns = { pullRequestTrust: "plans of pull requests read only image metadata" };
      d.deployRoles[0].trust[1].allow.pullRequest = true;
    });
    expect(() => parseConfig(accepted)).not.toThrow();
  });
});

describe("the README's shared role example", () => {
  test("parses next to the repositories it names", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### `deployRoles[]` (top level"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const text = edited((d) => {
      shared(d);
      Object.assign(d, parse(yaml));
      for (const r of d.repositories.slice(1)) r.workflows[0].deployRole = "shared-image-push";
    });
    const config = parseConfig(text);
    expect(config.deployRoles[0].trust.map((t) => t.repository)).toEqual(["web", "api"]);
    expect(config.deployRoles[0].pinClaims).toEqual({ repositoryId: true, jobWorkflowRef: true });
  });
});
