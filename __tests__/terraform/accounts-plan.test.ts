/**
 * Layer 7 on two accounts (issue 12 §2): each AWS stack of the two-account config through the real
 * terraform CLI, offline (mirror, mock credentials, as aws-plan.test.ts): validate, and a plan that
 * creates exactly the resources synth wrote for that account. Skipped, with the reason in its name,
 * where terraform or a provider mirror is absent.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parseConfig } from "../../config/load";
import { buildGuardedPlatform } from "../helpers/platform";
import { findProviderMirror, offlineAwsStack, terraformEnv, terraformSkipReason } from "../helpers/terraform-offline";
import { TWO_ACCOUNTS_TEXT } from "../helpers/two-accounts";

const skipReason = terraformSkipReason();
const suite = skipReason === "" ? describe : describe.skip;

suite(`terraform validate and offline plan of both AWS stacks of a two-account config${skipReason ? ` (${skipReason})` : ""}`, () => {
  let outdir: string;
  let env: NodeJS.ProcessEnv;
  const stacks: { name: string; dir: string; synthesized: string[]; json: any }[] = [];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "cdktf-accounts-"));
    const app = new App({ outdir });
    const platform = buildGuardedPlatform(app, parseConfig(TWO_ACCOUNTS_TEXT));
    app.synth();
    env = terraformEnv(outdir);
    for (const stack of platform.awsStacks) {
      const dir = join(outdir, "stacks", stack.node.id);
      const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
      const synthesized = Object.entries(json.resource as Record<string, object>)
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
      stacks.push({ name: stack.node.id, dir, synthesized, json: structuredClone(json) });
      offlineAwsStack(json, join(outdir, `${stack.node.id}.tfstate`));
      writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
      execFileSync("terraform", ["init", "-input=false", "-no-color", `-plugin-dir=${findProviderMirror()!.dir}`], { cwd: dir, env, stdio: "pipe" });
    }
  }, 240_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test("synth wrote two AWS stacks, each pinned to its account, with its own backend key", () => {
    expect(stacks.map((s) => s.name)).toEqual(["aws-111111111111-eu-west-1", "aws-222222222222-us-east-1"]);
    expect(stacks.map((s) => s.json.provider.aws[0].allowed_account_ids)).toEqual([["111111111111"], ["222222222222"]]);
    expect(new Set(stacks.map((s) => `${s.json.terraform.backend.s3.bucket}/${s.json.terraform.backend.s3.key}`)).size).toBe(2);
  });

  test.each([0, 1])("stack %i: validate passes, and an offline plan creates exactly what synth wrote for its account", (i) => {
    const { dir, synthesized } = stacks[i];
    const run = (...args: string[]) => spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env });
    const validate = run("validate", "-no-color");
    expect(validate.stderr + validate.stdout).toContain("The configuration is valid");
    const plan = run("plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.tfplan");
    expect(plan.stderr).not.toMatch(/Error/);
    expect(plan.status).toBe(0);
    const changes: { type: string; name: string; change: { actions: string[]; after: Record<string, unknown> } }[] = JSON.parse(run("show", "-json", "plan.tfplan").stdout).resource_changes;
    expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
    expect(changes.map((c) => `${c.type}.${c.name}`).sort()).toEqual(synthesized);
    // Every ECR repository planned here is one of this account's.
    const ecr = changes.filter((c) => c.type === "aws_ecr_repository").map((c) => c.change.after.name).sort();
    expect(ecr).toEqual(i === 0 ? ["service"] : ["reports", "service-prod"]);
  }, 180_000);
});
