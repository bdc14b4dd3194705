/**
 * Day 2: what the stacks synthesize for names that have left the config (given a managed
 * inventory), for access lists that exist in GitHub before the first apply, and for a connection
 * no runner uses any more.
 */
import { TerraformStack } from "cdktf";
import { stringify } from "yaml";
import { nextInventory, type Inventory } from "../../config/inventory";
import { parseConfig } from "../../config/load";
import { errorAnnotations, runGuardrails } from "../../guardrails/report";
import { managedNow } from "../../stacks/platform";
import { buildGuardedPlatform } from "../helpers/platform";
import { SELF_REPOSITORY, withSelf } from "../helpers/self";
import { removeTestOutdir, resourcesOf, synthStack, testApp } from "../helpers/synth";

afterAll(removeTestOutdir);

const AWS = "aws-000123456789-ap-northeast-1";
const GH = "github-test-user";

/** Two repositories, two ECR repositories, one runner on the connection. */
const BEFORE = {
  github: { owner: "Test-User", ownerType: "user" },
  aws: { accountId: "000123456789", region: "ap-northeast-1" },
  codeConnection: { name: "techblue-github", status: "available" },
  repositories: [
    {
      name: "kept",
      collaborators: [{ username: "alice", permission: "admin" }],
      ecrRepositories: [{ name: "kept-app" }],
      // Jobs on the runner push through their own deploy role (the runner's service role cannot).
      deployRoles: [{ name: "kept-push", allow: { branches: ["main"] }, ecrPush: ["kept-app"] }],
      runner: { projectName: "kept-runner" },
      workflows: [{ type: "image-build-push", file: "build.yml", runsOn: "codebuild", on: { branches: ["main"] }, ecrRepository: "kept-app", deployRole: "kept-push" }],
    },
    {
      name: "gone",
      collaborators: [{ username: "bob", permission: "write" }],
      ecrRepositories: [{ name: "team/gone-app" }],
      deployRoles: [{ name: "gone-push", allow: { branches: ["main"] }, ecrPush: ["team/gone-app"] }],
      workflows: [
        { type: "image-build-push", file: "push.yml", runsOn: "github-hosted", on: { branches: ["main"] }, ecrRepository: "team/gone-app", deployRole: "gone-push" },
      ],
    },
  ],
};

/** BEFORE with an edit applied. */
function variant(edit: (doc: any) => void): string {
  const doc = structuredClone(BEFORE) as any;
  edit(doc);
  return stringify(doc);
}
const AFTER = variant((d) => d.repositories.splice(1, 1));

function synth(text: string, inventory?: Inventory) {
  const platform = buildGuardedPlatform(testApp(), parseConfig(text), { inventory });
  return { platform, aws: synthStack(platform.aws) as any, github: synthStack(platform.github) as any };
}

/** The inventory a synth of `text` would write (starting from nothing). */
function inventoryOf(text: string): Inventory {
  return nextInventory({ version: 1, stacks: {} }, managedNow(synth(text).platform));
}

const warnings = (stack: { node: { metadata: { type: string; data: unknown }[] } }) =>
  stack.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));

describe("a repository and an ECR repository that leave the config", () => {
  const inventory = inventoryOf(stringify(BEFORE));
  const goneRepo = inventory.stacks[GH].repositories!.gone.addresses;
  const goneEcr = inventory.stacks[AWS].ecrRepositories!["team/gone-app"].addresses;

  test("the inventory records each name's access list, variables and workflow files / repository and lifecycle policy", () => {
    expect(goneRepo.map((a) => a.split(".")[0])).toEqual([
      "github_actions_variable",
      "github_actions_variable",
      "github_actions_variable",
      "github_actions_variable",
      "github_repository_collaborators",
      "github_repository_file",
    ]);
    expect(goneEcr.map((a) => a.split(".")[0])).toEqual(["aws_ecr_lifecycle_policy", "aws_ecr_repository"]);
  });

  test("are released: removed blocks with destroy = false for exactly their recorded addresses", () => {
    const { aws, github } = synth(AFTER, inventory);
    expect(github.removed).toEqual(goneRepo.map((from) => ({ from, lifecycle: { destroy: false } })));
    expect(aws.removed).toEqual(goneEcr.map((from) => ({ from, lifecycle: { destroy: false } })));
    // What stays in the config is still there, and no removed block names it.
    expect(resourcesOf(github, "github_repository_collaborators").map((r) => r.repository)).toEqual(["kept"]);
    expect(resourcesOf(aws, "aws_ecr_repository").map((r) => r.name)).toEqual(["kept-app"]);
  });

  test("one warning per released name: what stays, that Terraform forgets it, how to delete it instead", () => {
    const { platform } = synth(AFTER, inventory);
    expect(warnings(platform.github)).toEqual([expect.stringMatching(/^repository "gone" is no longer in the config: released, not deleted\. Terraform forgets it/)]);
    expect(warnings(platform.github)[0]).toContain("stay in GitHub");
    expect(warnings(platform.github)[0]).toContain("{ change: delete-repository-access, name: gone, reason: ... }");
    const ecr = warnings(platform.aws).filter((w) => w.includes("team/gone-app"));
    expect(ecr).toEqual([expect.stringContaining("its images and its policies stay in AWS")]);
    expect(ecr[0]).toContain("{ change: delete-ecr-repository, name: team/gone-app, reason: ... }");
  });

  test("named in intendedChanges: no removed block (the plan deletes), and a warning saying what is deleted", () => {
    const text = variant((d) => {
      d.repositories.splice(1, 1);
      d.intendedChanges = [
        { change: "delete-repository-access", name: "gone", reason: "the repository was archived and its access list goes with it" },
        { change: "delete-ecr-repository", name: "team/gone-app", reason: "the images were migrated to another registry" },
      ];
    });
    const { platform, aws, github } = synth(text, inventory);
    expect(github.removed).toBeUndefined();
    expect(aws.removed).toBeUndefined();
    expect(warnings(platform.github)).toEqual([expect.stringContaining('repository "gone" is no longer in the config and intendedChanges names it (delete-repository-access): the plan deletes its access list')]);
    expect(warnings(platform.aws).filter((w) => w.includes("team/gone-app"))).toEqual([expect.stringContaining("force_delete is off")]);
  });

  test("only one of the two named: the other is still released", () => {
    const text = variant((d) => {
      d.repositories.splice(1, 1);
      d.intendedChanges = [{ change: "delete-ecr-repository", name: "team/gone-app", reason: "the images were migrated to another registry" }];
    });
    const { aws, github } = synth(text, inventory);
    expect(aws.removed).toBeUndefined();
    expect(github.removed.map((r: any) => r.from)).toEqual(goneRepo);
  });

  test("without an inventory (tests, or the first synth) nothing is released", () => {
    const { aws, github } = synth(AFTER);
    expect(aws.removed).toBeUndefined();
    expect(github.removed).toBeUndefined();
  });

  test("an address the stack still synthesizes never goes into a removed block (Terraform would refuse it)", () => {
    // The same repository listed again: its recorded addresses are synthesized once more.
    const stale: Inventory = {
      version: 1,
      stacks: { [GH]: { repositories: { "other-name": { addresses: inventory.stacks[GH].repositories!.kept.addresses } } } },
    };
    const { github } = synth(AFTER, stale);
    expect(github.removed).toBeUndefined();
  });

  test("the removed blocks render as HCL too (cdktf synth --hcl)", () => {
    const { platform } = synth(AFTER, inventory);
    const hcl: string = platform.aws.toHclTerraform().hcl;
    for (const from of goneEcr) expect(hcl).toContain(`removed {\n  from = ${from}\n  lifecycle {\n    destroy = false\n  }\n}`);
    expect(platform.github.toHclTerraform().hcl).toContain(`removed {\n  from = ${goneRepo[0]}\n`);
  });

  test("the inventory does not depend on the order of lists in the config", () => {
    const reordered = variant((d) => d.repositories.reverse());
    expect(inventoryOf(reordered)).toEqual(inventory);
  });
});

describe("a repository that stays but no longer lists collaborators or teams", () => {
  const inventory = inventoryOf(stringify(BEFORE));
  const noLists = variant((d) => delete d.repositories[1].collaborators);
  const accessList = inventory.stacks[GH].repositories!.gone.addresses.filter((a) => a.startsWith("github_repository_collaborators."));

  test("its access list is released (everyone keeps access); its variables and files stay managed", () => {
    const { platform, github } = synth(noLists, inventory);
    expect(github.removed).toEqual([{ from: accessList[0], lifecycle: { destroy: false } }]);
    expect(resourcesOf(github, "github_repository_file").map((f) => f.repository)).toContain("gone");
    expect(warnings(platform.github)).toEqual([
      expect.stringContaining('repository "gone" no longer lists collaborators or teams: its access list is released, not deleted'),
    ]);
  });

  test("a later synth (from the inventory that synth wrote) still releases it", () => {
    const written = nextInventory(inventory, managedNow(synth(noLists, inventory).platform));
    expect(written.stacks[GH].repositories!.gone.released).toEqual(accessList);
    expect(synth(noLists, written).github.removed).toEqual([{ from: accessList[0], lifecycle: { destroy: false } }]);
  });

  test("named in intendedChanges: the plan deletes the list", () => {
    const text = variant((d) => {
      delete d.repositories[1].collaborators;
      d.intendedChanges = [{ change: "delete-repository-access", name: "gone", reason: "access to it is managed by hand from now on" }];
    });
    const { platform, github } = synth(text, inventory);
    expect(github.removed).toBeUndefined();
    expect(warnings(platform.github)).toEqual([expect.stringContaining("the plan deletes its access list")]);
  });
});

describe("the repository holding this template (self)", () => {
  test("is an inventory name with its variables and deploy environment; removing self releases them", () => {
    const withSelfText = variant((d) => withSelf(d));
    const inventory = inventoryOf(withSelfText);
    const addresses = inventory.stacks[GH].repositories![SELF_REPOSITORY].addresses;
    expect(new Set(addresses.map((a) => a.split(".")[0]))).toEqual(
      new Set(["github_actions_variable", "github_repository_environment", "github_repository_environment_deployment_policy", "github_actions_environment_variable"]),
    );
    const withoutSelf = variant((d) => {
      withSelf(d);
      delete d.self;
    });
    const { github } = synth(withoutSelf, inventory);
    expect(github.removed.map((r: any) => r.from)).toEqual(addresses);
  });
});

describe("first adoption: every managed access list has an import block", () => {
  test("import { to = <access list>, id = <repository name> } for each repository with collaborators or teams", () => {
    const text = variant((d) => d.repositories.push({ name: "unmanaged-access" }));
    const { github } = synth(text);
    const lists = Object.keys(github.resource.github_repository_collaborators).map((n) => `github_repository_collaborators.${n}`);
    expect(github.import).toEqual([
      { to: lists.find((a) => a.includes("Access-kept_")), id: "kept" },
      { to: lists.find((a) => a.includes("Access-gone_")), id: "gone" },
    ]);
  });

  test("rendered as an HCL import block", () => {
    const { platform } = synth(AFTER);
    expect(platform.github.toHclTerraform().hcl).toMatch(/import \{\n\s*to = github_repository_collaborators\.Access-kept_[0-9A-F]{8}\n\s*id = "kept"\n\}/);
  });
});

describe("the CodeConnections connection lives as long as codeConnection is configured", () => {
  const noRunner = variant((d) => {
    delete d.repositories[0].runner;
    d.repositories[0].workflows = [];
  });

  test("kept, with prevent_destroy, when no runner uses it any more", () => {
    const { aws } = synth(noRunner);
    expect(resourcesOf(aws, "aws_codebuild_project")).toEqual([]);
    expect(resourcesOf(aws, "aws_codeconnections_connection")).toEqual([
      expect.objectContaining({ name: "techblue-github", provider_type: "GitHub", lifecycle: { prevent_destroy: true } }),
    ]);
  });

  test("no guardrail finding for a connection without runners, nor for removed and import blocks", () => {
    const app = testApp();
    const text = variant((d) => {
      delete d.repositories[0].runner;
      d.repositories[0].workflows = [];
      d.repositories[0].deployRoles = [{ name: "kept-push", allow: { branches: ["main"] }, ecrPush: ["kept-app"] }];
      d.repositories.splice(1, 1);
    });
    const platform = buildGuardedPlatform(app, parseConfig(text), { inventory: inventoryOf(stringify(BEFORE)) });
    const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
    runGuardrails(stacks);
    expect((synthStack(platform.github) as any).removed.length).toBeGreaterThan(0);
    expect((synthStack(platform.github) as any).import).toHaveLength(1);
    expect(errorAnnotations(stacks)).toEqual([]);
  });

  test("the same resource address as with runners, so removing the last runner plans no change to it", () => {
    const address = (text: string) => Object.keys(synth(text).aws.resource.aws_codeconnections_connection);
    expect(address(noRunner)).toEqual(address(stringify(BEFORE)));
  });

  test("not created when codeConnection is removed, or given as an existing ARN", () => {
    expect(resourcesOf(synth(variant((d) => {
      delete d.codeConnection;
      delete d.repositories[0].runner;
      d.repositories[0].workflows = [];
    })).aws, "aws_codeconnections_connection")).toEqual([]);
    const existing = variant((d) => (d.codeConnection = { existingArn: "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/11111111-2222-3333-4444-555555555555", status: "available" }));
    expect(resourcesOf(synth(existing).aws, "aws_codeconnections_connection")).toEqual([]);
  });
});
