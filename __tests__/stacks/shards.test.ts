/**
 * The GitHub side split into stacks (github.shards, repositories[].shard): a stable rule, one
 * state per stack, the guardrails over all of them, and a repository that moves between stacks
 * as a state move (released by one, imported by the other), never a destroy.
 */
import { stringify } from "yaml";
import { githubStackNameFor, repositoryShardHash } from "../../config/derive";
import { nextInventory, parseInventory, renderInventory, type Inventory } from "../../config/inventory";
import { parseConfig } from "../../config/load";
import { runGuardrails } from "../../guardrails/report";
import { managedNow } from "../../stacks/platform";
import { buildGuardedPlatform } from "../helpers/platform";
import { configError } from "../helpers/config-errors";
import { EXAMPLE_TEXT } from "../helpers/example";
import { withSelf } from "../helpers/self";
import { escapeForTerraform } from "../../workflows/render";
import { removeTestOutdir, resourcesOf, synthStack, testApp } from "../helpers/synth";

afterAll(removeTestOutdir);

/** Six repositories of an organisation: access lists, a role and a workflow each, one on the runner, one with an environment. */
function org(edit: (doc: any) => void = () => undefined): any {
  const repo = (name: string) => ({
    name,
    collaborators: [{ username: "alice", permission: "admin" }],
    teams: [{ slug: "platform", permission: "write" }],
    ecrRepositories: [{ name: `${name}-app` }],
    deployRoles: [{ name: `${name}-push`, allow: { branches: ["main"] }, ecrPush: [`${name}-app`] }],
    workflows: [{ type: "image-build-push", file: "push.yml", runsOn: "github-hosted", on: { branches: ["main"] }, ecrRepository: `${name}-app`, deployRole: `${name}-push` }],
  });
  const doc: any = {
    github: { owner: "Acme", ownerType: "organization" },
    aws: { accountId: "000123456789", region: "ap-northeast-1", stateBackend: { bucket: "acme-state", keyPrefix: "platform" } },
    codeConnection: { name: "acme-github", status: "available" },
    repositories: ["web", "api", "billing", "docs", "runner-app"].map(repo),
  };
  const runner = doc.repositories[4];
  runner.runner = { projectName: "acme-runner" };
  runner.workflows[0].runsOn = "codebuild";
  const billing = doc.repositories[2];
  billing.environments = [{ name: "production", reviewers: { users: [1234567], teams: [] } }];
  billing.deployRoles[0].allow = { environments: ["production"] };
  billing.workflows[0].environment = "production";
  edit(doc);
  return doc;
}

function build(doc: any, inventory?: Inventory) {
  return buildGuardedPlatform(testApp(), parseConfig(stringify(doc)), { inventory });
}

const warnings = (stack: { node: { metadata: { type: string; data: unknown }[] } }) =>
  stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));

describe("the shard rule", () => {
  test("the hash is FNV-1a (32 bit): the published test vectors, so no runtime or release can move a repository", () => {
    expect([repositoryShardHash(""), repositoryShardHash("a"), repositoryShardHash("foobar")]).toEqual([0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
  });

  test("by the lowercased name: Web and web are one repository for GitHub, and one shard", () => {
    for (const shards of [2, 4, 16, 256]) {
      expect(githubStackNameFor({ owner: "Acme", shards }, { name: "Web" })).toBe(githubStackNameFor({ owner: "Acme", shards }, { name: "web" }));
    }
  });

  test("readable names: github-<owner>, github-<owner>-<NN> (two digits, three from 101 shards on), github-<owner>-<shard>", () => {
    expect(githubStackNameFor({ owner: "Acme", shards: 1 }, { name: "web" })).toBe("github-acme");
    expect(githubStackNameFor({ owner: "Acme", shards: 4 }, { name: "web" })).toBe("github-acme-01");
    expect(githubStackNameFor({ owner: "Acme", shards: 4 }, { name: "api" })).toBe("github-acme-03");
    expect(githubStackNameFor({ owner: "Acme", shards: 256 }, { name: "web" })).toMatch(/^github-acme-\d{3}$/);
    expect(githubStackNameFor({ owner: "Acme", shards: 4 }, { name: "web", shard: "payments" })).toBe("github-acme-payments");
  });
});

describe("config", () => {
  test("defaults: one GitHub stack, exactly github-<owner> (the example's stacks are unchanged)", () => {
    const platform = buildGuardedPlatform(testApp(), parseConfig(EXAMPLE_TEXT));
    expect(platform.githubStacks.map((s) => s.node.id)).toEqual(["github-test-user"]);
    expect(platform.github).toBe(platform.githubStacks[0]);
    expect(platform.stacks.map((s) => s.node.id)).toEqual(["aws-000123456789-ap-northeast-1", "github-test-user"]);
  });

  test.each([
    ["shards: 0", (d: any) => (d.github.shards = 0), "github.shards", "must be a whole number from 1 to 256"],
    ["shards: 2.5", (d: any) => (d.github.shards = 2.5), "github.shards", "must be a whole number from 1 to 256"],
    ["shards: 1000", (d: any) => (d.github.shards = 1000), "github.shards", "must be a whole number from 1 to 256"],
    ["a numeric shard name (it would collide with a hashed shard)", (d: any) => (d.repositories[0].shard = "01"), "repositories[0].shard", "starting with a letter"],
    ["a shard name with a capital", (d: any) => (d.repositories[0].shard = "Payments"), "repositories[0].shard", "lowercase letters"],
  ])("refuses %s, saying where and what is allowed", (_what, edit, path, message) => {
    const doc = org();
    edit(doc);
    const error = configError(stringify(doc)).message;
    expect(error).toContain(path);
    expect(error).toContain(message);
  });
});

describe("a sharded organisation", () => {
  const platform = build(org((d) => (d.github.shards = 4)));
  const byStack = Object.fromEntries(platform.githubStacks.map((s) => [s.node.id, synthStack(s)]));
  const repositoriesOf = (json: any) => [...new Set(resourcesOf(json, "github_actions_variable").map((v) => v.repository))].sort();

  test("every shard is a stack, empty ones too (a stack does not come and go with one repository)", () => {
    expect(Object.keys(byStack)).toEqual(["github-acme-00", "github-acme-01", "github-acme-02", "github-acme-03"]);
  });

  test("each repository's resources are in the stack its name hashes to, and only there", () => {
    expect(Object.fromEntries(Object.entries(byStack).map(([name, json]) => [name, repositoriesOf(json)]))).toEqual({
      "github-acme-00": ["billing"],
      "github-acme-01": ["runner-app", "web"],
      "github-acme-02": ["docs"],
      "github-acme-03": ["api"],
    });
    const environments = Object.entries(byStack).flatMap(([name, json]) => resourcesOf(json, "github_repository_environment").map((e) => [name, e.repository]));
    expect(environments).toEqual([["github-acme-00", "billing"]]);
  });

  test("each stack has its own state key and its own github provider for the owner", () => {
    for (const [name, json] of Object.entries(byStack)) {
      expect(json.terraform?.backend?.s3).toMatchObject({ bucket: "acme-state", key: `platform/${name}.tfstate`, encrypt: true, use_lockfile: true });
      expect(json.provider?.github).toEqual([{ owner: "Acme" }]);
    }
  });

  test("the guardrails check the app as a whole: cross-side rules see the roles of the AWS stack from every shard, no findings", () => {
    expect(runGuardrails(platform.stacks)).toEqual([]);
  });

  test("...and would find a runner label of a shard's workflow that no project of the AWS stack serves (CB-011)", () => {
    const broken = build(org((d) => (d.github.shards = 4)));
    const file = broken.githubStacks.flatMap((s) => s.workflowFiles).find((f) => f.content.includes("codebuild-acme-runner-"))!;
    file.resource.addOverride("content", escapeForTerraform(file.content.replace(/codebuild-acme-runner-/g, "codebuild-other-runner-")));
    expect(runGuardrails(broken.stacks)).toEqual([expect.stringMatching(/^\[CB-011\] github-acme-01\/Workflow-runner-app-push\.yml\/Resource: job "build-and-push" runs on CodeBuild project "other-runner", which this app does not define/)]);
  });

  test("an explicit shard is a named stack beside the hashed ones; with github.shards 1 the rest stay in github-<owner>", () => {
    const named = build(org((d) => (d.repositories[2].shard = "payments")));
    expect(named.githubStacks.map((s) => s.node.id)).toEqual(["github-acme", "github-acme-payments"]);
    expect(repositoriesOf(synthStack(named.githubStacks[1]))).toEqual(["billing"]);
    expect(repositoriesOf(synthStack(named.githubStacks[0]))).toEqual(["api", "docs", "runner-app", "web"]);
    expect(runGuardrails(named.stacks)).toEqual([]);
  });

  test("the self repository's variables and deploy environment live in the stack of its name", () => {
    const withPlatform = build(org((d) => {
      d.github.shards = 4;
      withSelf(d);
      d.aws.stateBackend = { bucket: "acme-state", keyPrefix: "platform" };
    }));
    const holders = withPlatform.githubStacks.filter((s) => s.deployEnvironment !== undefined).map((s) => s.node.id);
    expect(holders).toEqual([githubStackNameFor({ owner: "Acme", shards: 4 }, { name: "platform-infra" })]);
    expect(runGuardrails(withPlatform.stacks)).toEqual([]);
  });
});

describe("moving a repository between stacks is a state move", () => {
  // billing moves from the hashed shard github-acme-00 to its own stack github-acme-payments.
  const before = org((d) => (d.github.shards = 4));
  const after = org((d) => {
    d.github.shards = 4;
    d.repositories[2].shard = "payments";
  });
  const inventoryBefore = nextInventory({ version: 1, stacks: {} }, managedNow(build(before)));
  const billing = inventoryBefore.stacks["github-acme-00"].repositories!.billing.addresses;
  const moved = build(after, inventoryBefore);
  const from = synthStack(moved.githubStacks.find((s) => s.node.id === "github-acme-00")!) as any;
  const to = synthStack(moved.githubStacks.find((s) => s.node.id === "github-acme-payments")!) as any;

  test("the old stack releases every address it recorded (removed, destroy = false) and synthesizes none of them", () => {
    expect(from.removed).toEqual(billing.map((address) => ({ from: address, lifecycle: { destroy: false } })));
    expect(resourcesOf(from, "github_actions_variable")).toEqual([]);
  });

  test("the new stack synthesizes the same addresses and imports each with the github provider's id format", () => {
    const synthesized = Object.entries<any>(to.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));
    expect(synthesized.sort()).toEqual([...billing].sort());
    const imports = Object.fromEntries((to.import as { to: string; id: string }[]).map((i) => [i.to.split(".")[0] + ":" + i.id, i.to]));
    expect(Object.keys(imports).sort()).toEqual([
      "github_actions_variable:billing:AWS_REGION",
      "github_actions_variable:billing:AWS_ROLE_ARN_BILLING_PUSH",
      "github_actions_variable:billing:ECR_REGISTRY",
      "github_actions_variable:billing:ECR_REPOSITORY_BILLING_APP",
      // The access list's own import block (always there): id = the repository name.
      "github_repository_collaborators:billing",
      "github_repository_environment:billing:production",
      "github_repository_file:billing/.github/workflows/push.yml:main",
    ]);
    // Every import targets an address the old stack recorded: the object moves, nothing new is made.
    for (const address of Object.values(imports)) expect(billing).toContain(address);
  });

  test("deployment branch policies cannot be imported (their id holds GitHub's numeric policy id): created again, and the warning says so and how to import by hand", () => {
    const policies = Object.keys(to.resource.github_repository_environment_deployment_policy).map((n) => `github_repository_environment_deployment_policy.${n}`);
    expect(policies).toHaveLength(1);
    expect((to.import as { to: string }[]).map((i) => i.to)).not.toContain(policies[0]);
    const lines = warnings(moved.githubStacks.find((s) => s.node.id === "github-acme-payments")!);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^repository "billing" moved here from stack github-acme-00: 7 resource\\(s\\) imported .* Created again here .*: ${policies[0]}; .*terraform import`),
      ),
    ]);
    expect(warnings(moved.githubStacks.find((s) => s.node.id === "github-acme-00")!)).toEqual([
      'repository "billing" moved to stack github-acme-payments: released here (removed blocks, destroy = false), imported there; nothing is deleted.',
    ]);
  });

  test("the next inventory records the move, and every later synth (the workflows', from the committed file) still releases and imports", () => {
    const inventoryAfter = parseInventory(renderInventory(nextInventory(inventoryBefore, managedNow(moved))), "platform.managed.json");
    expect(inventoryAfter.stacks["github-acme-00"].repositories!.billing).toEqual({ addresses: [...billing].sort(), movedTo: "github-acme-payments" });
    expect(inventoryAfter.stacks["github-acme-payments"].repositories!.billing.addresses).toEqual([...billing].sort());
    const again = build(after, inventoryAfter);
    const fromAgain = synthStack(again.githubStacks.find((s) => s.node.id === "github-acme-00")!) as any;
    const toAgain = synthStack(again.githubStacks.find((s) => s.node.id === "github-acme-payments")!) as any;
    expect(fromAgain.removed).toEqual(from.removed);
    expect(toAgain.import).toEqual(to.import);
  });

  test("never a delete, even when intendedChanges names the repository: it is still in the config", () => {
    const named = { ...after, intendedChanges: [{ change: "delete-repository-access", name: "billing", reason: "moving it to the payments stack" }] };
    const json = synthStack(build(named, inventoryBefore).githubStacks.find((s) => s.node.id === "github-acme-00")!) as any;
    expect(json.removed).toEqual(from.removed);
  });

  test("changing github.shards retires a stack: it stays, holding only its removed blocks, until its entry leaves the inventory", () => {
    const one = org();
    const inventoryOne = nextInventory({ version: 1, stacks: {} }, managedNow(build(one)));
    const four = build(org((d) => (d.github.shards = 4)), inventoryOne);
    expect(four.githubStacks.map((s) => s.node.id)).toEqual(["github-acme", "github-acme-00", "github-acme-01", "github-acme-02", "github-acme-03"]);
    const retired = synthStack(four.githubStacks[0]) as any;
    expect(retired.resource).toBeUndefined();
    expect(retired.removed.length).toBe(Object.values(inventoryOne.stacks["github-acme"].repositories!).flatMap((e) => e.addresses).length);
    const imported = four.githubStacks.slice(1).flatMap((s) => ((synthStack(s) as any).import ?? []) as unknown[]);
    // Per repository: 4 variables, the workflow file, the access list (and billing's environment).
    expect(imported).toHaveLength(5 * 6 + 1);
    expect(runGuardrails(four.stacks)).toEqual([]);
  });

  test("a repository removed from the config earlier and listed again in another stack is not imported from its old record", () => {
    const inventory = nextInventory({ version: 1, stacks: {} }, managedNow(build(before)));
    const removed = nextInventory(inventory, managedNow(build(org((d) => {
      d.github.shards = 4;
      d.repositories.splice(2, 1);
    }), inventory)));
    expect(removed.stacks["github-acme-00"].repositories!.billing.removedFromConfig).toBe(true);
    const back = synthStack(build(after, removed).githubStacks.find((s) => s.node.id === "github-acme-payments")!) as any;
    // Only the access list's own import block: what was released long ago may be gone.
    expect((back.import as { to: string }[]).map((i) => i.to.split(".")[0])).toEqual(["github_repository_collaborators"]);
  });
});
