/**
 * Layers 3 and 5: a deploy role shared by several repositories, claims pinned besides sub and aud
 * (repository_id, job_workflow_ref), and OIDC-009 predicting them from the synthesized resources
 * alone (issue 12 §3, issue 11: no side channel on the workflow file).
 */
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { invokeAspects } from "../../../cdktf-internals";
import { errorAnnotations } from "../../../guardrails/report";
import { OIDC_009 } from "../../../guardrails/rules/cross/oidc-009-workflow-trust";
import type { Platform } from "../../../stacks/platform";
import { escapeForTerraform, unescapeFromTerraform } from "../../../workflows/render";
import { evaluatePolicy } from "../../../iam/evaluate";
import { claimsContext } from "../../../guardrails/oidc-claims";
import { shared } from "../../helpers/shared-roles";
import { withSelf } from "../../helpers/self";
import { resourcesOf, synthStack } from "../../helpers/synth";
import { examplePlatform, findings } from "../helpers";

const SUB = "token.actions.githubusercontent.com:sub";
const REPO_ID = "token.actions.githubusercontent.com:repository_id";
const WORKFLOW = "token.actions.githubusercontent.com:job_workflow_ref";

function build(edit: (d: any) => void = () => undefined, editStacks?: (p: Platform) => void) {
  const { platform } = examplePlatform((d) => {
    shared(d);
    edit(d);
  });
  editStacks?.(platform);
  return platform;
}

function errorsOf(platform: Platform): string[] {
  const stacks = [platform.aws, platform.github];
  stacks.forEach((s) => invokeAspects(s));
  return errorAnnotations(stacks);
}

function trustOf(platform: Platform, role: string): any {
  const r = resourcesOf(synthStack(platform.aws), "aws_iam_role").find((x) => x.name === role)!;
  return JSON.parse(r.assume_role_policy);
}

/** A workflow file added by hand (main.ts or an escape hatch): a copy of web's generated one under another name. */
function handAdded(p: Platform, file: string, edit: (yaml: string) => string = (y) => y): void {
  const generated = p.github.workflowFiles.find((w) => w.path === ".github/workflows/push.yml" && w.node.id === "Workflow-web-push.yml")!;
  new RepositoryFile(p.github, `Hand-${file}`, {
    repository: "web",
    file: `.github/workflows/${file}`,
    content: escapeForTerraform(edit(unescapeFromTerraform(generated.content))),
    branch: "main",
  });
}

describe("a role shared by several repositories", () => {
  test("one role trusts each repository's exact subjects, each in its own subject format", () => {
    const doc = trustOf(build(), "shared-push");
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0].Condition.StringEquals[SUB]).toEqual([
      "repo:Test-User@1111/web@2222:ref:refs/heads/main",
      "repo:Test-User@1111/web@2222:environment:production",
      "repo:Test-User/api:ref:refs/heads/main",
    ]);
  });

  test("its ARN variable is set on every repository it trusts, and only there; its description names them", () => {
    const p = build();
    const github = synthStack(p.github);
    const holders = resourcesOf(github, "github_actions_variable")
      .filter((v) => v.variable_name === "AWS_ROLE_ARN_SHARED_PUSH")
      .map((v) => [v.repository, v.value]);
    expect(holders.sort()).toEqual([
      ["api", "arn:aws:iam::000123456789:role/github-actions-platform/shared-push"],
      ["web", "arn:aws:iam::000123456789:role/github-actions-platform/shared-push"],
    ]);
    const role = resourcesOf(synthStack(p.aws), "aws_iam_role").find((x) => x.name === "shared-push")!;
    expect(role.description).toBe("GitHub Actions deploy role shared by Test-User/web, Test-User/api");
  });

  test("the workflows of both repositories pass every guardrail", () => {
    expect(errorsOf(build())).toEqual([]);
  });
});

describe("pinned claims", () => {
  const pinned = (d: any) => (d.deployRoles[0].pinClaims = { repositoryId: true, jobWorkflowRef: true });

  test("the trust policy pins each repository's id and generated workflow files, next to its own subjects", () => {
    const doc = trustOf(build(pinned), "shared-push");
    expect(doc.Statement.map((s: any) => s.Sid)).toEqual(["GitHubActionsExactSubjects1", "GitHubActionsExactSubjects2"]);
    expect(doc.Statement[0].Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        [SUB]: ["repo:Test-User@1111/web@2222:ref:refs/heads/main", "repo:Test-User@1111/web@2222:environment:production"],
        [REPO_ID]: "2222",
      },
      StringLike: { [WORKFLOW]: "Test-User/web/.github/workflows/push.yml@*" },
    });
    expect(doc.Statement[1].Condition.StringEquals[REPO_ID]).toBe("3333");
    expect(doc.Statement[1].Condition.StringLike[WORKFLOW]).toBe("Test-User/api/.github/workflows/push.yml@*");
  });

  test("compliant: OIDC-009 predicts repository_id and job_workflow_ref, so the generated jobs are allowed (no 'does not trust (it trusts: <the same sub>)')", () => {
    expect(errorsOf(build(pinned))).toEqual([]);
  });

  test("compliant: a repository's own role pinning repository_id", () => {
    expect(
      errorsOf(
        build((d) => {
          d.repositories[0].id = 4444;
          d.repositories[0].deployRoles[0].pinClaims = { repositoryId: true };
        }),
      ),
    ).toEqual([]);
  });

  test("must fail: a pinned repository_id that is not the repository's (the subject names it with another)", () => {
    const p = build(pinned, (p) => {
      const role = p.aws.deployRoles["shared-push"].resource;
      const doc = trustOf(p, "shared-push");
      doc.Statement[0].Condition.StringEquals[REPO_ID] = "9999";
      role.addOverride("assume_role_policy", JSON.stringify(doc));
    });
    const f = findings([p.aws, p.github], [OIDC_009]).map((x) => x.message);
    expect(f.join("\n")).toContain("the app's trust policies give Test-User/web different repository ids (2222, 9999");
    expect(f.join("\n")).toContain(
      `which role shared-push trusts, but not the rest of the token: statement "GitHubActionsExactSubjects1" trusts that subject but pins ${REPO_ID} StringEquals "9999", and the token will carry "2222"`,
    );
  });

  test("must fail: a hand-added workflow of a repository whose role pins job_workflow_ref to the generated one", () => {
    const p = build(pinned, (p) => handAdded(p, "other.yml"));
    const f = findings([p.aws, p.github], [OIDC_009]);
    expect(f.map((x) => x.resource.path)).toEqual(["github-test-user/Hand-other.yml"]);
    expect(f[0].message).toContain(`pins ${WORKFLOW} StringLike "Test-User/web/.github/workflows/push.yml@*", and the token will carry "Test-User/web/.github/workflows/other.yml@refs/heads/main"`);
  });

  test("compliant: the same hand-added workflow when the role does not pin job_workflow_ref", () => {
    const p = build(undefined, (p) => handAdded(p, "other.yml"));
    expect(findings([p.aws, p.github], [OIDC_009])).toEqual([]);
  });
});

describe("OIDC-009 learns the subject format from the synthesized resources (no // comment)", () => {
  test("the workflow files carry no metadata comment for the checks", () => {
    const files = resourcesOf(synthStack(build().github), "github_repository_file");
    for (const f of files) expect(JSON.stringify(f["//"] ?? {})).not.toContain("oidc_subject");
  });

  test("compliant: a hand-added workflow in an immutable-format repository is checked with the immutable subjects", () => {
    const p = build(undefined, (p) => handAdded(p, "other.yml"));
    expect(findings([p.aws, p.github], [OIDC_009])).toEqual([]);
  });

  test("must fail: the same hand-added workflow on a branch the role does not trust names the immutable subject it will present", () => {
    const p = build(undefined, (p) => handAdded(p, "dev.yml", (y) => y.replace(/branches:\n(\s+)- main/, "branches:\n$1- dev")));
    const f = findings([p.aws, p.github], [OIDC_009]);
    expect(f.map((x) => x.resource.path)).toEqual(["github-test-user/Hand-dev.yml"]);
    expect(f[0].message).toContain('will present sub "repo:Test-User@1111/web@2222:ref:refs/heads/dev", which role shared-push does not trust');
  });

  test("must fail: a role that keeps only the legacy form of a repository other roles of the app name in the immutable form", () => {
    const p = build(
      (d) => {
        d.repositories[1].deployRoles = [{ name: "web-legacy", allow: { branches: ["main"] }, ecrPush: ["shared/app"] }];
        d.repositories[1].workflows[0].deployRole = "web-legacy";
      },
      (p) =>
        p.aws.deployRoles["web-legacy"].resource.addOverride(
          "assume_role_policy",
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Federated: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", [SUB]: ["repo:Test-User/web:ref:refs/heads/main"] } },
              },
            ],
          }),
        ),
    );
    const f = findings([p.aws, p.github], [OIDC_009]);
    // Both forms are named in the app (a migration): the token may carry either, the role allows one.
    expect(f.map((x) => x.message).join("\n")).toContain('will present sub "repo:Test-User@1111/web@2222:ref:refs/heads/main", which role web-legacy does not trust');
  });
});

describe("the template's own roles pin their own workflow files (self.pinClaims)", () => {
  const { platform } = examplePlatform((d) => {
    withSelf(d);
    d.self.id = 7777;
    d.self.pinClaims = { repositoryId: true, jobWorkflowRef: true };
  });
  const assume = (role: string, claims: Record<string, string>) =>
    evaluatePolicy(trustOf(platform, role), {
      action: "sts:AssumeRoleWithWebIdentity",
      principal: { federated: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com" },
      context: claimsContext({ aud: "sts.amazonaws.com", repository_id: "7777", ...claims } as any),
    }).decision;

  test("the plan role admits plan.yml and deploy.yml, the deploy role deploy.yml only", () => {
    const pr = { sub: "repo:Test-User/platform-infra:pull_request" };
    expect(assume("github-actions-platform-plan", { ...pr, job_workflow_ref: "Test-User/platform-infra/.github/workflows/plan.yml@refs/pull/3/merge" })).toBe("allow");
    expect(assume("github-actions-platform-plan", { ...pr, job_workflow_ref: "Test-User/platform-infra/.github/workflows/ci.yml@refs/pull/3/merge" })).toBe("implicit-deny");
    const env = { sub: "repo:Test-User/platform-infra:environment:production" };
    expect(assume("github-actions-platform-deploy", { ...env, job_workflow_ref: "Test-User/platform-infra/.github/workflows/deploy.yml@refs/heads/main" })).toBe("allow");
    expect(assume("github-actions-platform-deploy", { ...env, job_workflow_ref: "Test-User/platform-infra/.github/workflows/plan.yml@refs/heads/main" })).toBe("implicit-deny");
    expect(assume("github-actions-platform-deploy", { ...env, repository_id: "8888", job_workflow_ref: "Test-User/platform-infra/.github/workflows/deploy.yml@refs/heads/main" })).toBe("implicit-deny");
  });

  test("off by default: the self roles' trust is unchanged", () => {
    const { platform: plain } = examplePlatform((d) => withSelf(d));
    expect(JSON.stringify(trustOf(plain, "github-actions-platform-plan"))).not.toContain("job_workflow_ref");
  });
});

describe("adversarial tokens against a shared role with pinned claims", () => {
  const doc = trustOf(build((d) => (d.deployRoles[0].pinClaims = { repositoryId: true, jobWorkflowRef: true })), "shared-push");
  const WEB_SUB = "repo:Test-User@1111/web@2222:ref:refs/heads/main";
  const decision = (claims: Record<string, string | undefined>) =>
    evaluatePolicy(doc, {
      action: "sts:AssumeRoleWithWebIdentity",
      principal: { federated: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com" },
      context: claimsContext({ aud: "sts.amazonaws.com", ...claims } as any),
    }).decision;
  const web = { sub: WEB_SUB, repository_id: "2222", job_workflow_ref: "Test-User/web/.github/workflows/push.yml@refs/heads/main" };

  test("the generated workflow's token is allowed", () => {
    expect(decision(web)).toBe("allow");
  });
  test.each([
    ["another repository id (the name re-created)", { ...web, repository_id: "9999" }],
    ["no repository id at all", { ...web, repository_id: undefined }],
    ["another workflow file of the same repository", { ...web, job_workflow_ref: "Test-User/web/.github/workflows/evil.yml@refs/heads/main" }],
    ["the other trusted repository's id with this one's subject", { ...web, repository_id: "3333" }],
    ["the other trusted repository's workflow with this one's subject", { ...web, job_workflow_ref: "Test-User/api/.github/workflows/push.yml@refs/heads/main" }],
    ["a workflow path that only starts like the pinned one", { ...web, job_workflow_ref: "Test-User/web/.github/workflows/push.yml.evil@refs/heads/main" }],
  ])("denied: %s", (_name, claims) => {
    expect(decision(claims)).toBe("implicit-deny");
  });
});
