/**
 * Flags for trust and access that widen or hide (issue 9 §2, issue 10 §1-2): values known only
 * after apply, admin/maintain grants, teams added, access that becomes authoritative on import or
 * create, a login written in another case, and weakened deployment environments. Each with a
 * compliant case that must stay quiet.
 */
import { environmentChanges } from "../../plan-summary/environments";
import { analyse, renderComment } from "../../plan-summary/summary";
import { AWS_STACK, collaborators, fixtureInputs, githubProvider, planOf, type RC } from "./helpers";

const kinds = (changes: RC[], stack = "github-acme") => analyse([planOf(stack, changes, githubProvider("acme"))]).risks.map((r) => r.kind);
const texts = (changes: RC[]) => analyse([planOf("github-acme", changes, githubProvider("acme"))]).risks.map((r) => r.text);

describe("values known only after apply", () => {
  const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecr:PutImage", Resource: "arn:aws:ecr:ap-northeast-1:000123456789:repository/web" }] });

  test.each([
    ["a trust policy", { address: "aws_iam_role.r", actions: ["update"], before: { name: "r", assume_role_policy: policy }, after: { name: "r" }, after_unknown: { assume_role_policy: true } }, "Trust policy"],
    ["a role's inline policy", { address: "aws_iam_role_policy.p", actions: ["create"], after: { name: "p", role: "r" }, after_unknown: { policy: true } }, "Permissions policy"],
    ["a managed policy", { address: "aws_iam_policy.p", actions: ["update"], before: { name: "p", policy }, after: { name: "p" }, after_unknown: { policy: true } }, "Permissions policy"],
    ["a user policy", { address: "aws_iam_user_policy.p", actions: ["create"], after: { name: "p", user: "u" }, after_unknown: { policy: true } }, "Permissions policy"],
    ["a group policy", { address: "aws_iam_group_policy.p", actions: ["create"], after: { name: "p", group: "g" }, after_unknown: { policy: true } }, "Permissions policy"],
    ["a branch pattern", { address: "github_repository_environment_deployment_policy.b", actions: ["update"], before: { repository: "web", environment: "prod", branch_pattern: "main" }, after: { repository: "web", environment: "prod" }, after_unknown: { branch_pattern: true } }, "Deployment branch policy"],
    ["a tag pattern", { address: "github_repository_environment_deployment_policy.t", actions: ["create"], after: { repository: "web", environment: "prod", branch_pattern: null }, after_unknown: { tag_pattern: true } }, "Deployment branch policy"],
    ["an environment's branch policy", { address: "github_repository_environment.e", actions: ["update"], before: { repository: "web", environment: "prod", deployment_branch_policy: [{ protected_branches: false, custom_branch_policies: true }] }, after: { repository: "web", environment: "prod", deployment_branch_policy: [{ custom_branch_policies: true }] }, after_unknown: { deployment_branch_policy: [{ protected_branches: true }] } }, "Deployment branch policy"],
    ["a workflow file's content", { address: "github_repository_file.w", actions: ["create"], after: { repository: "web", file: ".github/workflows/deploy.yml" }, after_unknown: { content: true } }, "Workflow file content"],
  ] as [string, RC, string][])("%s is a red flag", (_name, change, what) => {
    const a = analyse([planOf("s", [change])]);
    const flag = a.risks.find((r) => r.kind === "known-after-apply");
    expect(flag?.text).toContain(`**${what} known only after apply** (\`${change.address}\` in \`s\`)`);
    expect(renderComment([{ plan: planOf("s", [change]) }])).toContain(`🔴 **${what} known only after apply**`);
  });

  test("the flag names the references the configuration computes it from", () => {
    const plan = planOf(
      "s",
      [{ address: "aws_iam_role_policy.p", actions: ["create"], after: { name: "p", role: "r" }, after_unknown: { policy: true } }],
      { configuration: { root_module: { resources: [{ address: "aws_iam_role_policy.p", expressions: { policy: { references: ["aws_codeconnections_connection.c.arn", "aws_codeconnections_connection.c", "data.aws_caller_identity.me.account_id", "data.aws_caller_identity.me"] } } }] } } },
    );
    expect(analyse([plan]).risks[0].text).toContain("computes it from `aws_codeconnections_connection.c.arn`, `data.aws_caller_identity.me.account_id`");
  });

  test("known values, other attributes, other files and deletes stay quiet", () => {
    expect(
      kinds([
        { address: "aws_iam_role.r", actions: ["create"], after: { name: "r", assume_role_policy: policy }, after_unknown: { arn: true, id: true } },
        { address: "aws_iam_role_policy.p", actions: ["update"], before: { name: "p", policy }, after: { name: "p", policy }, after_unknown: {} },
        { address: "github_repository_file.readme", actions: ["create"], after: { repository: "web", file: "README.md" }, after_unknown: { content: true } },
        { address: "aws_iam_role.gone", actions: ["delete"], before: { name: "gone", assume_role_policy: policy } },
      ]),
    ).toEqual([]);
  });

  test("the real create plan: the runner's policy holds the connection ARN, the deploy role's trust is known", () => {
    const flags = analyse(fixtureInputs("create", [AWS_STACK]).map((i) => i.plan)).risks.filter((r) => r.kind === "known-after-apply");
    expect(flags.map((f) => /`(aws_[^`]+)`/.exec(f.text)?.[1])).toEqual(["aws_iam_role_policy.Runner-techblue-dev-runner_ServicePolicy_3755C275"]);
  });
});

describe("admin and maintain grants, teams added", () => {
  const web = (before: [string, string][], after: [string, string][], beforeTeams: [string, string][] = [], afterTeams: [string, string][] = []) => ({
    address: "github_repository_collaborators.web",
    actions: ["update"],
    before: collaborators("web", before, beforeTeams),
    after: collaborators("web", after, afterTeams),
  });

  test("every grant of, or raise to, admin or maintain is flagged, for users and teams, in every resource type", () => {
    const t = texts([
      web([["alice", "push"], ["bob", "admin"]], [["alice", "admin"], ["bob", "admin"], ["carol", "maintain"]], [["ops", "push"]], [["ops", "maintain"]]),
      { address: "github_repository_collaborator.dan", actions: ["create"], after: { repository: "api", username: "dan", permission: "admin" } },
      { address: "github_team_repository.sre", actions: ["update"], before: { repository: "docs", team_id: "sre", permission: "pull" }, after: { repository: "docs", team_id: "sre", permission: "maintain" } },
    ]);
    expect(t).toEqual(
      expect.arrayContaining([
        "**`alice` gets admin on `acme/web`** (was write).",
        "**`carol` gets maintain on `acme/web`** (new).",
        "**Team `ops` gets maintain on `acme/web`** (was write).",
        "**`dan` gets admin on `acme/api`** (new).",
        "**Team `sre` gets maintain on `acme/docs`** (was read).",
      ]),
    );
    expect(t.filter((x) => x.includes("`bob`"))).toEqual([]);
  });

  test("every team added is flagged, whatever its permission", () => {
    const t = texts([web([["bob", "admin"]], [["bob", "admin"]], [], [["qa", "pull"], ["leads", "admin"]])]);
    expect(t).toEqual([
      "**Team `leads` added to `acme/web`** (admin): everyone in the team, now and later, gets this access, including admin.",
      "**Team `qa` added to `acme/web`** (read): everyone in the team, now and later, gets this access.",
    ]);
  });

  test("lowering admin to maintain, keeping admin, and users added below maintain are not grants", () => {
    expect(kinds([web([["alice", "admin"], ["bob", "admin"]], [["alice", "maintain"], ["bob", "admin"], ["erin", "push"], ["fay", "triage"]])])).toEqual([]);
  });

  test("the comment shows grants orange", () => {
    expect(renderComment([{ plan: planOf("github-acme", [web([["bob", "admin"]], [["bob", "admin"], ["carol", "admin"]])], githubProvider("acme")) }])).toContain("- 🟠 **`carol` gets admin on `acme/web`** (new).");
  });
});

describe("access that becomes authoritative (first adoption)", () => {
  // The GitHub stack's import block makes the first plan read the live access list into `before`.
  const imported = (actions: string[], before: [string, string][], after: [string, string][], teamsBefore: [string, string][] = []) => ({
    address: "github_repository_collaborators.web",
    actions,
    importing: { id: "web" },
    before: collaborators("web", before, teamsBefore),
    after: collaborators("web", after),
  });

  test("an imported list lists in red who loses access: users and teams on GitHub today and not in the config", () => {
    const plan = planOf("github-acme", [imported(["update"], [["alice", "admin"], ["bob", "push"]], [["alice", "admin"]], [["ops", "pull"]])], githubProvider("acme"));
    const md = renderComment([{ plan }]);
    expect(md).toContain("- 🔴 **Access to `acme/web` becomes authoritative** (imported; `github_repository_collaborators.web`): `bob` (write), team `ops` (read) have access on GitHub today, are not in the config, and will be removed.");
    expect(md).toContain("| `acme/web` | `bob` | removed (was write) |");
  });

  test("an import that keeps everyone (no-op) is quiet", () => {
    expect(kinds([imported(["no-op"], [["alice", "admin"]], [["alice", "admin"]])])).toEqual([]);
  });

  test("a list created without an import says the plan cannot show who loses access", () => {
    const t = texts([{ address: "github_repository_collaborators.web", actions: ["create"], after: collaborators("web", [["alice", "admin"]]) }]);
    expect(t).toEqual([
      expect.stringContaining("**Access to `acme/web` becomes authoritative** (created without an import): when applied, the provider removes every direct collaborator and team"),
      "**`alice` gets admin on `acme/web`** (new).",
    ]);
  });

  test("an imported list that drops the only admin is also the gate's remove-last-admin", () => {
    const a = analyse([planOf("github-acme", [imported(["update"], [["alice", "admin"]], [["alice", "push"]])], githubProvider("acme"))]);
    expect(a.risks.map((r) => r.kind)).toEqual(["last-admin-removed"]);
    expect(a.risks[0].text).toContain("**The deploy gate (`npm run plan:check`) refuses it** unless `intendedChanges` names it (`change: remove-last-admin, name: web`, with a reason).");
  });
});

describe("a login written in another case", () => {
  test("Alice removed and alice added: flagged, with GitHub's spelling to use", () => {
    const t = texts([{ address: "github_repository_collaborators.web", actions: ["update"], before: collaborators("web", [["Alice", "push"], ["bob", "admin"]]), after: collaborators("web", [["alice", "push"], ["bob", "admin"]]) }]);
    expect(t).toEqual([
      "**`Alice` removed and `alice` added on `acme/web`**: the provider compares logins exactly, so the same person is removed and invited again (no access until they accept, and the next plan shows it again). Write the login as GitHub has it: `Alice`.",
    ]);
  });

  test("the same spelling on both sides is quiet; the hand-written org plan's Carol -> carol is caught", () => {
    expect(kinds([{ address: "github_repository_collaborators.web", actions: ["update"], before: collaborators("web", [["Alice", "push"], ["bob", "admin"]]), after: collaborators("web", [["Alice", "admin"], ["bob", "admin"]]) }])).toEqual(["admin-granted"]);
    const org = analyse(fixtureInputs("org-changes", [AWS_STACK, "github-acme"]).map((i) => i.plan));
    expect(org.risks.filter((r) => r.kind === "login-case-mismatch").map((r) => r.text.slice(0, r.text.indexOf(":")))).toEqual(["**`Carol` removed and `carol` added on `acme/web`**"]);
  });
});

describe("deployment environments", () => {
  const env = (v: Record<string, unknown>) => ({
    repository: "platform",
    environment: "production",
    can_admins_bypass: false,
    prevent_self_review: true,
    wait_timer: 0,
    reviewers: [{ users: [101], teams: [202] }],
    deployment_branch_policy: [{ protected_branches: false, custom_branch_policies: true }],
    ...v,
  });
  const envChange = (before: object | null, after: object | null, actions = ["update"]): RC => ({ address: "github_repository_environment.deploy", actions, before, after });
  const pattern = (before: string | null, after: string | null, actions = ["update"], key = "branch_pattern"): RC => ({
    address: `github_repository_environment_deployment_policy.p_${key}_${before ?? after}`,
    actions,
    before: before === null ? null : { repository: "platform", environment: "production", [key]: before },
    after: after === null ? null : { repository: "platform", environment: "production", [key]: after },
  });

  test("the template's own environment, created: shown, not flagged, not 'outside this template'", () => {
    const plan = planOf("github-acme", [envChange(null, env({}), ["create"]), pattern(null, "main", ["create"])], githubProvider("acme"));
    const md = renderComment([{ plan }]);
    expect(analyse([plan]).risks).toEqual([]);
    expect(md).toContain("### Deployment environments");
    expect(md).toContain("| `acme/platform` | `production` | created | reviewers: user 101, team 202<br>branch `main` may deploy |");
    expect(md).not.toContain("types outside this template");
  });

  test.each([
    ["reviewers removed", [envChange(env({}), env({ reviewers: [] }))], "reviewers removed (user 101, team 202): runs enter it without approval"],
    ["one reviewer removed", [envChange(env({}), env({ reviewers: [{ users: [], teams: [202] }] }))], "reviewers removed: user 101"],
    ["branch pattern widened main -> *", [envChange(env({}), env({}), ["no-op"]), pattern("main", "*")], "new branch `*` may deploy"],
    ["a new pattern", [envChange(env({}), env({}), ["no-op"]), pattern("main", "main", ["no-op"]), pattern(null, "release/*", ["create"])], "new branch `release/*` may deploy"],
    ["a new tag pattern", [envChange(env({}), env({}), ["no-op"]), pattern(null, "v*", ["create"], "tag_pattern")], "new tag `v*` may deploy"],
    ["admins may bypass", [envChange(env({}), env({ can_admins_bypass: true }))], "admins can bypass its protection rules (can_admins_bypass)"],
    ["self-review allowed", [envChange(env({}), env({ prevent_self_review: false }))], "whoever triggers a run may approve it (prevent_self_review off)"],
    ["protected branches instead of patterns", [envChange(env({}), env({ deployment_branch_policy: [{ protected_branches: true, custom_branch_policies: false }] }))], "branch policy matching patterns -> protected branches: every protected branch may deploy"],
    ["branch policy removed", [envChange(env({}), env({ deployment_branch_policy: [] }))], "branch policy matching patterns -> any branch: every branch may deploy"],
    ["environment deleted", [envChange(env({}), null, ["delete"])], "environment deleted: a job that names it re-creates it on GitHub with no reviewers and no branch rules"],
    ["created with the provider's defaults", [envChange(null, env({ can_admins_bypass: true, deployment_branch_policy: [] }), ["create"])], "admins can bypass its protection rules (can_admins_bypass)"],
  ] as [string, RC[], string][])("%s is flagged", (_name, changes, reason) => {
    const a = analyse([planOf("github-acme", changes, githubProvider("acme"))]);
    const flag = a.risks.find((r) => r.kind === "environment-weakened");
    expect(flag?.text).toContain("**Environment `production` of `acme/platform` weakened** (`github-acme`): ");
    expect(flag?.text).toContain(reason);
    expect(renderComment([{ plan: planOf("github-acme", changes, githubProvider("acme")) }])).toContain(`⚠️ ${reason}`);
  });

  test("tightening is shown but not flagged: a reviewer added, a pattern removed, self-review on", () => {
    const changes = [
      envChange(env({ prevent_self_review: false, reviewers: [{ users: [101], teams: [] }] }), env({})),
      pattern("release/*", null, ["delete"]),
      pattern("main", "main", ["no-op"]),
    ];
    const a = analyse([planOf("github-acme", changes, githubProvider("acme"))]);
    expect(a.risks).toEqual([]);
    expect(environmentChanges(a.changes)).toEqual([
      expect.objectContaining({ environment: "production", action: "update", weakening: [], notes: ["reviewers added: team 202", "no longer allowed: branch `release/*`"] }),
    ]);
  });

  test("an environment and its patterns all unchanged produce no row", () => {
    expect(environmentChanges(planOf("s", [envChange(env({}), env({}), ["no-op"]), pattern("main", "main", ["no-op"])]).changes)).toEqual([]);
  });
});
