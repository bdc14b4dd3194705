/**
 * The way out of CDKTF, as README "Leaving CDKTF" gives it: the real cdktf CLI writes HCL
 * (`npx cdktf synth --hcl`), every stack's HCL is already as `terraform fmt` writes it, the AWS
 * stack passes `terraform validate` against the real provider with no error and no warning, and
 * it is the same Terraform as the JSON synth: an offline plan of the HCL plans exactly what a plan
 * of the JSON plans.
 *
 * Offline differences, in the test copy only: an override.tf lets the 5.x provider of the local
 * mirror stand in for the pinned 6.x one and gives the provider mock credentials; init reads the
 * provider from the mirror (-plugin-dir). The GitHub stack gets fmt only: no integrations/github
 * provider binary exists on these machines, so it cannot be validated here.
 *
 * Runs where terraform and a provider mirror are found (helpers/terraform-offline.ts); skipped,
 * with the reason in its name, everywhere else.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { loadConfig } from "../../config/load";
import { buildGuardedPlatform } from "../helpers/platform";
import { EXAMPLE_PATH } from "../helpers/example";
import { findProviderMirror, offlineAwsStack, terraformEnv, terraformSkipReason } from "../helpers/terraform-offline";

const REPO_ROOT = resolve(__dirname, "..", "..");
const skipReason = terraformSkipReason();
const suite = skipReason === "" ? describe : describe.skip;

/** Test copy only: the mirror's 5.x provider for the pinned 6.x, and no account or credential lookups. */
const OFFLINE_OVERRIDE = `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.70"
    }
  }
}

provider "aws" {
  allowed_account_ids         = null
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
`;

type Json = any;

suite(`the HCL exit: cdktf synth --hcl, terraform fmt and validate${skipReason ? ` (${skipReason})` : ""}`, () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  /** terraform/stacks/<stack>/ of the HCL synth, one root module per stack. */
  let stacksDir: string;
  let stacks: string[];
  let synthLog: string;

  const terraform = (cwd: string, ...args: string[]) =>
    spawnSync("terraform", args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 240_000 });
  const ok = (cwd: string, ...args: string[]): string => {
    const r = terraform(cwd, ...args);
    if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${cwd} (${r.status}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const awsStack = () => {
    const stack = stacks.find((s) => s.startsWith("aws-"));
    if (stack === undefined) throw new Error(`no aws-* stack in ${stacksDir}: ${stacks.join(", ")}`);
    return join(stacksDir, stack);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "hcl-exit-"));
    // A copy: synth writes the managed inventory beside the config, never into the checkout.
    const config = join(root, "platform.yaml");
    copyFileSync(EXAMPLE_PATH, config);
    env = terraformEnv(root, { PLATFORM_CONFIG: config });
    // The README's command, run in the project folder as a user runs it.
    const synth = spawnSync("npx", ["cdktf", "synth", "--hcl", "--output", join(root, "terraform")], {
      cwd: REPO_ROOT,
      env,
      encoding: "utf8",
      timeout: 240_000,
    });
    synthLog = `${synth.stdout}${synth.stderr}`;
    if (synth.status !== 0) throw new Error(`npx cdktf synth --hcl failed (${synth.status}):\n${synthLog}`);
    stacksDir = join(root, "terraform", "stacks");
    stacks = readdirSync(stacksDir).sort();
  }, 300_000);

  afterAll(() => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  test("writes one HCL root module per stack", () => {
    expect(stacks.map((s) => s.replace(/-.*/, ""))).toEqual(["aws", "github"]);
    for (const stack of stacks) expect(readFileSync(join(stacksDir, stack, "cdk.tf"), "utf8")).toMatch(/^terraform \{/);
  });

  test("every stack's HCL is already as terraform fmt writes it", () => {
    for (const stack of stacks) {
      const fmt = terraform(join(stacksDir, stack), "fmt", "-check", "-diff", "-no-color");
      expect(`${stack}: ${fmt.status} ${fmt.stdout}${fmt.stderr}`).toBe(`${stack}: 0 `);
    }
  });

  test("the webhook precondition is a block and references are bare (what validate and fmt failed on)", () => {
    const hcl = readFileSync(join(awsStack(), "cdk.tf"), "utf8");
    expect(hcl).toMatch(/lifecycle \{\s+precondition \{\s+condition\s+= \(aws_codeconnections_connection\.\S+\.connection_status == "AVAILABLE"\)/);
    expect(hcl).not.toMatch(/precondition\s*=/);
    expect(hcl).not.toMatch(/depends_on\s*=\s*\[\s*"/);
    expect(hcl).not.toMatch(/=\s*"\$\{[^"]*\}"\s*$/m);
  });

  test("the GitHub stack's workflow files read back from the HCL exactly as from the JSON (no github provider: terraform console)", () => {
    const outdir = join(root, "json-github");
    const app = new App({ outdir });
    const platform = buildGuardedPlatform(app, loadConfig(EXAMPLE_PATH));
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, "stacks", platform.github.node.id, "cdk.tf.json"), "utf8"));
    const files = Object.entries<Json>(json.resource.github_repository_file ?? {});
    expect(files.length).toBeGreaterThan(0);
    const hcl = readFileSync(join(stacksDir, platform.github.node.id, "cdk.tf"), "utf8");
    const dir = join(root, "contents");
    mkdirSync(dir);
    const locals = files.map(([name], i) => {
      const block = hcl.slice(hcl.indexOf(`resource "github_repository_file" "${name}"`));
      const content = /\n\s*content\s*= (<<EOF\n[\s\S]*?\nEOF)\n/.exec(block);
      if (content === null) throw new Error(`no content heredoc for ${name}`);
      return `  hcl_${i} = ${content[1]}\n`;
    });
    writeFileSync(join(dir, "hcl.tf"), `locals {\n${locals.join("")}}\n`);
    writeFileSync(join(dir, "json.tf.json"), JSON.stringify({ locals: Object.fromEntries(files.map(([, f], i) => [`json_${i}`, f.content])) }));
    const read = spawnSync("terraform", ["console"], {
      cwd: dir,
      env,
      input: `jsonencode([${files.map((_, i) => `[local.hcl_${i}, local.json_${i}]`).join(", ")}])\n`,
      encoding: "utf8",
    });
    expect(read.stderr).toBe("");
    for (const [fromHcl, fromJson] of JSON.parse(JSON.parse(read.stdout)) as [string, string][]) {
      expect(fromHcl).toBe(fromJson);
      expect(fromJson).toMatch(/\$\{\{ github\./); // the workflow's own expressions, as GitHub must get them
    }
  });

  test("terraform validate accepts the AWS stack against the real provider: no error, no warning", () => {
    const dir = awsStack();
    writeFileSync(join(dir, "override.tf"), OFFLINE_OVERRIDE);
    ok(dir, "init", "-input=false", "-no-color", `-plugin-dir=${findProviderMirror()!.dir}`);
    const result = JSON.parse(terraform(dir, "validate", "-json", "-no-color").stdout);
    expect(result.diagnostics).toEqual([]);
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  }, 180_000);

  test("the HCL is the same Terraform as the JSON synth: an offline plan of each plans the same values", async () => {
    // The JSON of the same config, by the app's own code, offline as the plan layer does it.
    const outdir = join(root, "json");
    const app = new App({ outdir });
    const platform = buildGuardedPlatform(app, loadConfig(EXAMPLE_PATH));
    app.synth();
    const jsonDir = join(outdir, "stacks", platform.aws.node.id);
    const json = JSON.parse(readFileSync(join(jsonDir, "cdk.tf.json"), "utf8"));
    offlineAwsStack(json, join(root, "json.tfstate"));
    writeFileSync(join(jsonDir, "cdk.tf.json"), JSON.stringify(json));
    ok(jsonDir, "init", "-input=false", "-no-color", `-plugin-dir=${findProviderMirror()!.dir}`);

    // Side by side: each terraform command spends seconds starting the provider.
    const terraformAsync = (cwd: string, ...args: string[]): Promise<string> =>
      new Promise((done, fail) => {
        const child = spawn("terraform", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("close", (status) => (status === 0 ? done(out) : fail(new Error(`terraform ${args.join(" ")} failed in ${cwd} (${status}):\n${err}${out}`))));
      });
    const planned = async (dir: string): Promise<Record<string, Json>> => {
      await terraformAsync(dir, "plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", "-out=plan.tfplan");
      const plan = JSON.parse(await terraformAsync(dir, "show", "-json", "plan.tfplan"));
      return Object.fromEntries(
        (plan.resource_changes as Json[]).map((c) => [c.address, { actions: c.change.actions, after: c.change.after, unknown: c.change.after_unknown }]),
      );
    };
    const [fromHcl, fromJson] = await Promise.all([planned(awsStack()), planned(jsonDir)]);
    expect(Object.keys(fromHcl).length).toBeGreaterThan(10);
    expect(fromHcl).toEqual(fromJson);
  }, 300_000);
});
