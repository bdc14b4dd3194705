/**
 * Layer 7: the AWS stack through the real terraform CLI: init from a local provider mirror,
 * validate, and an offline plan with mock credentials. Runs where `terraform` is on PATH and
 * TF_PROVIDER_MIRROR names a filesystem mirror holding hashicorp/aws (no registry is reachable
 * from here); skipped, with the reason in its name, everywhere else.
 */
import { EXAMPLE_PATH } from "../helpers/example";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { loadConfig } from "../../config/load";
import { AwsPlatformStack } from "../../stacks/aws-stack";
import { offlineAwsStack } from "../helpers/terraform-offline";

const mirror = process.env.TF_PROVIDER_MIRROR;
const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
const mirrorHasAws = mirror !== undefined && existsSync(join(mirror, "registry.terraform.io", "hashicorp", "aws"));
const skipReason = !hasTerraform
  ? "skipped: no terraform CLI on PATH"
  : !mirrorHasAws
    ? "skipped: set TF_PROVIDER_MIRROR to a filesystem mirror holding registry.terraform.io/hashicorp/aws"
    : "";
const suite = skipReason === "" ? describe : describe.skip;

suite(`terraform validate and offline plan of the AWS stack${skipReason ? ` (${skipReason})` : ""}`, () => {
  let dir: string;
  let outdir: string;
  /** `type.name` of every resource synth wrote. */
  let synthesized: string[];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "cdktf-terraform-"));
    const app = new App({ outdir });
    const stack = new AwsPlatformStack(app, "aws", loadConfig(EXAMPLE_PATH));
    app.synth();
    dir = join(outdir, "stacks", stack.node.id);
    const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    synthesized = Object.entries(json.resource as Record<string, object>)
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
      .sort();
    offlineAwsStack(json, join(outdir, "test.tfstate"));
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
    execFileSync("terraform", ["init", "-input=false", "-no-color", `-plugin-dir=${mirror}`], { cwd: dir, env, stdio: "pipe" });
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const terraform = (...args: string[]) =>
    spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });

  test("validate accepts every resource the stack writes", () => {
    const result = terraform("validate", "-no-color");
    expect(result.stderr + result.stdout).toContain("The configuration is valid");
    expect(result.status).toBe(0);
  }, 60_000);

  test("an offline plan creates exactly the resources synth wrote", () => {
    const plan = terraform("plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.tfplan");
    expect(plan.stderr).not.toMatch(/Error/);
    expect(plan.status).toBe(0);
    const show = terraform("show", "-json", "plan.tfplan");
    const changes: { type: string; name: string; change: { actions: string[] } }[] = JSON.parse(show.stdout).resource_changes;
    expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
    const planned = changes.map((c) => `${c.type}.${c.name}`).sort();
    expect(planned).toEqual(synthesized);
    expect(planned.length).toBeGreaterThan(10);
  }, 120_000);
});
