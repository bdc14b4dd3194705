/**
 * The GitHub API estimate: what one refresh of a stack costs, from the provider's Read functions
 * (domain/github-api.ts), on hand-written Terraform JSON and on what the stacks synthesize.
 */
import { stringify } from "yaml";
import { describeEstimate, estimateRefreshCalls, READ_COSTS, STACK_REFRESH_BUDGET } from "../../domain/github-api";
import { parseConfig } from "../../config/load";
import { runGuardrails } from "../../guardrails/report";
import { buildGuardedPlatform } from "../helpers/platform";
import { EXAMPLE_TEXT } from "../helpers/example";
import { removeTestOutdir, synthStack, testApp } from "../helpers/synth";

afterAll(removeTestOutdir);

const github = { github: [{ owner: "acme" }] };
const users = (n: number) => Array.from({ length: n }, (_, i) => ({ username: `user${i}`, permission: "push" }));

describe("estimateRefreshCalls", () => {
  test("a stack without the github provider costs nothing", () => {
    expect(estimateRefreshCalls({ provider: { aws: [{}] }, resource: { aws_iam_role: { r: {} } } })).toEqual({ calls: 0, byType: [] });
  });

  test("the provider's own request, then each type's reads", () => {
    const estimate = estimateRefreshCalls({
      provider: github,
      resource: {
        github_actions_variable: { a: {}, b: {} },
        github_repository_file: { f: { repository: "web", branch: "main", file: ".github/workflows/x.yml" } },
        github_repository_environment: { e: {} },
        github_repository_environment_deployment_policy: { p: {} },
        github_actions_environment_variable: { v: {} },
      },
      data: { github_repository: { r: { full_name: "acme/web" } } },
    });
    // 1 (configure) + 2 variables + 3 (branch, contents, commit) + 1 + 1 + 1 + 3 (repository, pages, license)
    expect(estimate.calls).toBe(12);
    expect(estimate.byType.map((t) => [t.type, t.count, t.calls])).toEqual([
      ["data.github_repository", 1, 3],
      ["github_actions_environment_variable", 1, 1],
      ["github_actions_variable", 2, 2],
      ["github_repository_environment", 1, 1],
      ["github_repository_environment_deployment_policy", 1, 1],
      ["github_repository_file", 1, 3],
    ]);
  });

  test.each([
    [0, 0, 0, 4],
    [100, 0, 0, 4],
    [101, 0, 0, 6],
    [250, 150, 0, 9],
    [3, 1, 2, 5],
  ])("collaborators: %i users, %i teams, %i ignored teams (one by slug): pages of 100 for both affiliations, invitations, teams, one lookup per slug = %i", (u, t, ignored, calls) => {
    const access = {
      repository: "web",
      user: users(u),
      team: Array.from({ length: t }, (_, i) => ({ team_id: `team-${i}`, permission: "push" })),
      ignore_team: Array.from({ length: ignored }, (_, i) => ({ team_id: i === 0 ? "security" : "12345" })),
    };
    expect(estimateRefreshCalls({ provider: github, resource: { github_repository_collaborators: { a: access } } }).calls).toBe(1 + calls);
  });

  test("an import block adds its importer's reads (a file's importer fetches the contents once more)", () => {
    const tf = { provider: github, resource: { github_repository_file: { f: { branch: "main" } } } };
    const imported = { ...tf, import: [{ to: "github_repository_file.f", id: "web/.github/workflows/x.yml:main" }] };
    expect(estimateRefreshCalls(imported).calls - estimateRefreshCalls(tf).calls).toBe(1);
  });

  test("a github type the table does not know counts one request each and is named as such", () => {
    const estimate = estimateRefreshCalls({ provider: github, resource: { github_branch_protection: { a: {}, b: {} } } });
    expect(estimate.calls).toBe(3);
    expect(describeEstimate("github-acme", estimate)).toContain("github_branch_protection 2 (not in the table: 1 each)");
  });

  test("every entry names the provider file and function it was read from", () => {
    for (const [type, cost] of Object.entries(READ_COSTS)) {
      expect([type, cost.source]).toEqual([type, expect.stringMatching(/^(resource|data_source)_github_[a-z_]+\.go [A-Za-z]+Read\b/)]);
    }
  });
});

describe("printed by synth, per stack and in total", () => {
  const infos = (stack: { node: { metadata: { type: string; data: unknown }[] } }) =>
    stack.node.metadata.filter((m) => m.type === "@cdktf/info").map((m) => String(m.data));

  test("the example: one line for its one GitHub stack, matching the estimate of the JSON synth writes", () => {
    const platform = buildGuardedPlatform(testApp(), parseConfig(EXAMPLE_TEXT));
    expect(runGuardrails(platform.stacks)).toEqual([]);
    const calls = estimateRefreshCalls(synthStack(platform.github)).calls;
    expect(infos(platform.github)).toEqual([
      `GitHub API: about ${calls} REST requests per refresh of github-test-user (budget 1,000 per stack; github_repository_file 6, github_actions_variable 5, github_repository_collaborators 4, data.github_repository 3)`,
    ]);
    expect(infos(platform.aws)).toEqual([]);
  });

  test("sharded: a line per stack, and the total on the last one", () => {
    const text = stringify({
      github: { owner: "Acme", shards: 3 },
      aws: { accountId: "000123456789", region: "ap-northeast-1" },
      repositories: ["web", "api", "docs", "billing"].map((name) => ({ name, collaborators: [{ username: "alice", permission: "admin" }] })),
    });
    const platform = buildGuardedPlatform(testApp(), parseConfig(text));
    expect(runGuardrails(platform.stacks)).toEqual([]);
    const lines = platform.githubStacks.map((s) => infos(s));
    const each = platform.githubStacks.map((s) => estimateRefreshCalls(synthStack(s)).calls);
    expect(lines.slice(0, 2).map((l) => l.length)).toEqual([1, 1]);
    expect(lines[2]).toEqual([
      expect.stringMatching(/^GitHub API: about \d+ REST requests per refresh of github-acme-02 /),
      `GitHub API: about ${each.reduce((a, b) => a + b, 0)} REST requests to refresh all 3 GitHub stacks; a pull request plans only the stacks whose Terraform it changes`,
    ]);
  });
});

describe("the budget (GH-011) at organisation scale", () => {
  // 80 repositories with an access list, a deploy role (4 variables) and a workflow file: about 15 requests each.
  const org = (shards: number) =>
    stringify({
      github: { owner: "Acme", shards },
      aws: { accountId: "000123456789", region: "ap-northeast-1" },
      repositories: Array.from({ length: 80 }, (_, i) => ({
        name: `service-${i}`,
        collaborators: [{ username: "alice", permission: "admin" }],
        ecrRepositories: [{ name: `service-${i}` }],
        deployRoles: [{ name: `service-${i}-push`, allow: { branches: ["main"] }, ecrPush: [`service-${i}`] }],
        workflows: [{ type: "image-build-push", file: "push.yml", runsOn: "github-hosted", on: { branches: ["main"] }, ecrRepository: `service-${i}`, deployRole: `service-${i}-push` }],
      })),
    });

  test(`one stack of 80 repositories is over ${STACK_REFRESH_BUDGET}: synth fails naming the stack, the estimate and how many stacks to split it into`, () => {
    const platform = buildGuardedPlatform(testApp(), parseConfig(org(1)));
    const errors = runGuardrails(platform.stacks);
    expect(errors).toEqual([
      expect.stringMatching(
        /^\[GH-011\] github-acme\/.*: stack github-acme is over its GitHub API budget: GitHub API: about 1,\d{3} REST requests per refresh of github-acme \(budget 1,000 per stack; .*\); split it into at least 2 stacks \(github\.shards 2x what it is now, or repositories\[\]\.shard for its largest repositories\); why: .*; fix: split the GitHub side: raise github\.shards/,
      ),
    ]);
  });

  test("github.shards 4: every stack within the budget, no finding", () => {
    const platform = buildGuardedPlatform(testApp(), parseConfig(org(4)));
    expect(runGuardrails(platform.stacks)).toEqual([]);
    for (const stack of platform.githubStacks) expect(estimateRefreshCalls(synthStack(stack)).calls).toBeLessThanOrEqual(STACK_REFRESH_BUDGET);
  });
});
