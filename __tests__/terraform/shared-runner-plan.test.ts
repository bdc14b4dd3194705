/**
 * Layer 7 for shared runners: the AWS stack of a config whose repositories share CodeBuild runners
 * (runners[]) through the real terraform CLI and hashicorp/aws provider (from a local mirror):
 * validate accepts an organisation webhook with several filter groups and a scope_configuration,
 * and an offline plan creates each webhook with exactly the filter groups synth wrote. Skipped,
 * with the reason in its name, where terraform or the mirror is absent.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parseConfig } from "../../config/load";
import { AwsPlatformStack } from "../../stacks/aws-stack";
import { SHARED_RUNNERS_TEXT } from "../helpers/shared-runners";
import { findProviderMirror, offlineAwsStack, terraformEnv, terraformSkipReason } from "../helpers/terraform-offline";

const skipReason = terraformSkipReason();
const suite = skipReason === "" ? describe : describe.skip;

suite(`terraform validate and offline plan of shared runners${skipReason ? ` (${skipReason})` : ""}`, () => {
  let outdir: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let written: Record<string, any>;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "cdktf-shared-runners-"));
    const app = new App({ outdir });
    const stack = new AwsPlatformStack(app, "aws", parseConfig(SHARED_RUNNERS_TEXT));
    app.synth();
    dir = join(outdir, "stacks", stack.node.id);
    const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    written = json.resource.aws_codebuild_webhook;
    offlineAwsStack(json, join(outdir, "test.tfstate"));
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    env = terraformEnv(outdir);
    execFileSync("terraform", ["init", "-input=false", "-no-color", `-plugin-dir=${findProviderMirror()!.dir}`], { cwd: dir, env, stdio: "pipe" });
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const terraform = (...args: string[]) => spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env });

  test("validate accepts the organisation webhooks", () => {
    const result = terraform("validate", "-no-color");
    expect(result.stderr + result.stdout).toContain("The configuration is valid");
    expect(result.status).toBe(0);
  }, 60_000);

  test("the plan creates each webhook with the scope and filter groups synth wrote", () => {
    const plan = terraform("plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.tfplan");
    expect(plan.stderr).not.toMatch(/Error/);
    expect(plan.status).toBe(0);
    const changes: { type: string; name: string; change: { actions: string[]; after: any } }[] = JSON.parse(
      terraform("show", "-json", "plan.tfplan").stdout,
    ).resource_changes;
    const hooks = changes.filter((c) => c.type === "aws_codebuild_webhook");
    expect(hooks.map((h) => h.name).sort()).toEqual(Object.keys(written).sort());
    // Filters as the provider holds them, patterns as CodeBuild gets them; filter_group is a set
    // in the provider's schema (its order is the provider's), so the groups are compared sorted.
    const simple = (groups: any[]) => groups.map((g) => g.filter.map((f: any) => `${f.type}=${f.pattern}`)).sort();
    const linux = hooks.find((h) => h.name.startsWith("Runner-org-linux"))!;
    expect(linux.change.actions).toEqual(["create"]);
    expect(linux.change.after.scope_configuration).toEqual([{ name: "octo-org", scope: "GITHUB_ORGANIZATION", domain: null }]);
    expect(simple(linux.change.after.filter_group)).toEqual(
      [
        ["EVENT=WORKFLOW_JOB_QUEUED", "WORKFLOW_NAME=^Build and push octo/api$", "REPOSITORY_NAME=^api$"],
        ["EVENT=WORKFLOW_JOB_QUEUED", "WORKFLOW_NAME=^Build and push image$", "REPOSITORY_NAME=^(?:web|worker)$"],
      ].sort(),
    );
  }, 120_000);
});
