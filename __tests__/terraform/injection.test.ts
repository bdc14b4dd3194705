/**
 * Issue 9 §1: no config string ever reaches Terraform as an expression. Every attack string goes
 * through the boundary (modules/terraform-text.ts) and the real app, and what Terraform makes of
 * the result is read back from the real terraform CLI: `apply` of outputs (no provider needed) and,
 * where a provider mirror is found, an offline plan of the AWS stack.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Fn, TerraformLocal, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { parse, stringify } from "yaml";
import { parseConfig } from "../../config/load";
import { jsonencodeLiterals, terraformLiterals, terraformString, terraformStringValue } from "../../modules/terraform-text";
import { renderPolicy } from "../../modules/policy-document";
import { foreignExpressions } from "../../guardrails/rules/terraform/expressions";
import { buildGuardedPlatform } from "../helpers/platform";
import { EXAMPLE_TEXT } from "../helpers/example";
import { findProviderMirror, offlineAwsStack } from "../helpers/terraform-offline";
import { testApp } from "../helpers/synth";
import { ATTACKS } from "../helpers/injection";

/** A value only the terraform process's environment holds: if it shows up, Terraform read /proc/self/environ. */
const SENTINEL = `sentinel-${process.pid}-${Date.now()}`;
const TF_ENV = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", INJECTION_SENTINEL: SENTINEL };

// A deploy role's description that closes the trust-policy JSON and opens a second statement
// trusting repo:* (issue 9's reproduction splices it in through a branch name).
const BREAKOUT =
  '"]}}},{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*';

/** Every attack string, and the texts that break naive escaping. */
const TEXTS: readonly string[] = [
  ...Object.values(ATTACKS),
  BREAKOUT,
  'back\\slash "quoted" \\${x} \\"',
  "line\nbreak\ttab\rreturn",
  "$${already escaped} %%{already} $$${x} %%%{x}",
  "lonely $ and % and } and ${ and %{",
  "ends with $",
  "${{ github.sha }} %{ for x in [1] }${x}%{ endfor }",
  // Through `cdktf synth --hcl`: a one-line string with ${ keeps its quotes raw there, and a
  // multi-line one becomes a heredoc <<EOF ... EOF.
  '${" != "" ? file("/proc/self/environ") : "}',
  "first line\nEOF\n  EOF  \ndescription = file(\"/proc/self/environ\")\n",
];

const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
const mirror = findProviderMirror();
const withTerraform = hasTerraform ? describe : describe.skip;
const withMirror = hasTerraform && mirror !== undefined ? describe : describe.skip;
const noTerraform = hasTerraform ? "" : " (skipped: no terraform CLI on PATH)";
const noMirror =
  mirror !== undefined ? "" : " (skipped: no provider mirror; set TF_PROVIDER_MIRROR to a folder holding registry.terraform.io/hashicorp/aws)";

const scratch = mkdtempSync(join(tmpdir(), "tf-injection-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function terraform(dir: string, ...args: string[]) {
  return spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: TF_ENV });
}

/** Outputs of a Terraform configuration (no providers), as terraform apply computes them. */
function applyOutputs(name: string, config: { locals?: unknown; output: Record<string, { value: unknown }> }): Record<string, unknown> {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config));
  const apply = terraform(dir, "apply", "-auto-approve", "-input=false", "-no-color");
  if (apply.status !== 0) throw new Error(`terraform apply failed:\n${apply.stderr}${apply.stdout}`);
  const shown = terraform(dir, "output", "-json");
  const outputs = JSON.parse(shown.stdout) as Record<string, { value: unknown }>;
  expect(apply.stdout + shown.stdout).not.toContain(SENTINEL);
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
}

describe("the boundary functions", () => {
  test.each(TEXTS)("terraformString escapes %j so that terraformStringValue gives it back", (text) => {
    const escaped = terraformString(text);
    expect(terraformStringValue(escaped)).toBe(text);
    // Nothing is left that Terraform would evaluate beyond quoted literals (TF-001's reading).
    expect(foreignExpressions(escaped)).toEqual([]);
  });

  test("cdktf tokens stay references; the text around them is escaped", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const a = new IamRole(scope, "a", { name: "a", assumeRolePolicy: "{}" });
        new IamRole(
          scope,
          "b",
          terraformLiterals({ name: `${a.name}-b`, description: `${ATTACKS.readEnvironment} of ${a.arn}`, assumeRolePolicy: "{}", tags: { [ATTACKS.directive]: a.name } }),
        );
      }),
    );
    const b = json.resource.aws_iam_role.b;
    expect(b.name).toBe("${aws_iam_role.a.name}-b");
    // Next to a token every $ and % is written as ${"$"} / ${"%"} (see terraformString); terraform reads it back below.
    expect(b.description).toBe('${"$"}{file(${"\\""}/proc/self/environ${"\\""})} of ${aws_iam_role.a.arn}');
    expect(b.tags).toEqual({ "%%{if true}*%%{endif}": "${aws_iam_role.a.name}" });
  });

  test("constructs and other objects in a config (dependsOn, lifecycle) pass through unchanged", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const a = new IamRole(scope, "a", { name: "a", assumeRolePolicy: "{}" });
        new IamRolePolicy(scope, "p", terraformLiterals({ role: a.name, policy: "{}", dependsOn: [a], lifecycle: { createBeforeDestroy: true } }));
      }),
    );
    expect(json.resource.aws_iam_role_policy.p).toMatchObject({ role: "${aws_iam_role.a.name}", depends_on: ["aws_iam_role.a"], lifecycle: { create_before_destroy: true } });
  });
});

withTerraform(`what terraform makes of the boundary's output${noTerraform}`, () => {
  let values: Record<string, unknown>;

  beforeAll(() => {
    const stack = new TerraformStack(testApp(), "boundary");
    const other = new TerraformLocal(stack, "other", "REFERENCED");
    TEXTS.forEach((text, i) => {
      new TerraformOutput(stack, `plain_${i}`, terraformLiterals({ value: text }));
      new TerraformOutput(stack, `mixed_${i}`, terraformLiterals({ value: `${text}|${other.asString}|${text}` }));
      new TerraformOutput(stack, `map_${i}`, terraformLiterals({ value: { [text]: [text] } }));
      new TerraformOutput(stack, `jsonencode_${i}`, {
        value: Fn.jsonencode(jsonencodeLiterals({ [text]: text, ref: other.asString, mixed: `${text}-${other.asString}`, list: [text] })),
      });
    });
    // The control: a string that skips the boundary is evaluated (so the harness can tell).
    new TerraformOutput(stack, "unescaped", { value: '${upper("evaluated")}' });
    const json = JSON.parse(Testing.synth(stack));
    values = applyOutputs("boundary", { locals: json.locals, output: json.output });
  }, 120_000);

  test("a string that skips the boundary is evaluated by terraform (control)", () => {
    expect(values.unescaped).toBe("EVALUATED");
  });

  test.each(TEXTS.map((t, i) => [i, t] as const))("text %i reads back literally: %j", (i, text) => {
    expect(values[`plain_${i}`]).toBe(text);
    expect(values[`mixed_${i}`]).toBe(`${text}|REFERENCED|${text}`);
    expect(values[`map_${i}`]).toEqual({ [text]: [text] });
    // Inside jsonencode (cdktf renders it as HCL): keys, values, lists and text around references.
    expect(JSON.parse(values[`jsonencode_${i}`] as string)).toEqual({ [text]: text, ref: "REFERENCED", mixed: `${text}-REFERENCED`, list: [text] });
  });

  test("a policy document with a reference (renderPolicy's jsonencode) keeps every string literal", () => {
    const stack = new TerraformStack(testApp(), "policy");
    const arn = new TerraformLocal(stack, "arn", "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/x");
    const statement = { Sid: "S", Effect: "Allow" as const, Action: "codeconnections:UseConnection", Resource: [arn.asString, ...TEXTS] };
    new TerraformOutput(stack, "policy", { value: renderPolicy({ Version: "2012-10-17", Statement: [statement] }) });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.output.policy.value).toMatch(/^\$\{jsonencode\(/);
    const { policy } = applyOutputs("policy", { locals: json.locals, output: json.output });
    expect(JSON.parse(policy as string).Statement[0].Resource).toEqual(["arn:aws:codeconnections:ap-northeast-1:000123456789:connection/x", ...TEXTS]);
  });
});

// ---------------------------------------------------------------------------------------------
// The real app, with the attack strings in every free-text sink of the config
// ---------------------------------------------------------------------------------------------

// What `cdktf synth --hcl` would have turned into an expression: a one-line string with ${ keeps
// its quotes raw there; a backslash is never escaped.
const HCL_BREAKOUT = '${" != "" ? file("/proc/self/environ") : "}';
const BACKSLASH = 'back\\slash "q" \\${x}';

const ATTACK_ROLES = Object.entries({ ...ATTACKS, breakout: BREAKOUT, hclBreakout: HCL_BREAKOUT, backslash: BACKSLASH });

function attackConfigText(): string {
  const doc = parse(EXAMPLE_TEXT);
  const repo = doc.repositories[0];
  for (const [name, text] of ATTACK_ROLES) {
    repo.deployRoles.push({ name: `attack-${name}`, description: text, allow: { branches: ["main"] } });
  }
  repo.variables = Object.fromEntries(ATTACK_ROLES.map(([name, text]) => [`ATTACK_${name.toUpperCase()}`, text]));
  repo.workflows[0].name = ATTACKS.readEnvironment;
  repo.workflows[1].name = ATTACKS.directive;
  return stringify(doc);
}

describe("the app with the attack strings in every free-text sink", () => {
  let outdir: string;
  let aws: any;
  let github: any;
  let awsStackName: string;
  let renderedWorkflows: string[];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "tf-injection-app-"));
    const app = new App({ outdir });
    const platform = buildGuardedPlatform(app, parseConfig(attackConfigText()));
    // Guardrails included (TF-001): app.synth() fails on any error annotation.
    app.synth();
    awsStackName = platform.aws.node.id;
    renderedWorkflows = platform.github.workflowFiles.map((f) => f.content);
    aws = JSON.parse(readFileSync(join(outdir, "stacks", awsStackName, "cdk.tf.json"), "utf8"));
    github = JSON.parse(readFileSync(join(outdir, "stacks", platform.github.node.id, "cdk.tf.json"), "utf8"));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const roleNamed = (name: string) => Object.values(aws.resource.aws_iam_role as Record<string, any>).find((r) => r.name === name);

  test.each(ATTACK_ROLES)("deployRoles[].description %s is written escaped", (name, text) => {
    expect(roleNamed(`attack-${name}`).description).toBe(terraformString(text));
  });

  test.each(ATTACK_ROLES)("variables value %s is written escaped", (name, text) => {
    const variable = Object.values(github.resource.github_actions_variable as Record<string, any>).find((v) => v.variable_name === `ATTACK_${name.toUpperCase()}`);
    expect(variable.value).toBe(terraformString(text));
  });

  test("workflow names are written escaped inside the file content", () => {
    const contents = Object.values(github.resource.github_repository_file as Record<string, any>).map((f) => f.content as string);
    expect(contents.map(terraformStringValue).sort()).toEqual([...renderedWorkflows].sort());
    expect(contents.some((c) => c.includes('\nname: $${file("/proc/self/environ")}\n'))).toBe(true);
  });

  test("the trust policies are literal JSON with exactly the configured subject", () => {
    for (const [name] of ATTACK_ROLES) {
      const policy = JSON.parse(roleNamed(`attack-${name}`).assume_role_policy);
      expect(policy.Statement).toHaveLength(1);
      expect(policy.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual(["repo:Test-User/techblue-dev:ref:refs/heads/main"]);
    }
  });

  test("main.ts (the real entry point) synthesizes the attack config and exits 0", () => {
    const config = join(scratch, "attack.yaml");
    writeFileSync(config, attackConfigText());
    const out = join(scratch, "main-out");
    const run = spawnSync(process.execPath, ["--require", "./dev/register.js", "main.ts"], {
      encoding: "utf8",
      env: { ...process.env, PLATFORM_CONFIG: config, CDKTF_OUTDIR: out, PLATFORM_START_CACHE: "off" },
    });
    expect(run.stderr).not.toMatch(/TF-001|Error/);
    expect(run.status).toBe(0);
    const written = JSON.parse(readFileSync(join(out, "stacks", awsStackName, "cdk.tf.json"), "utf8"));
    const role = Object.values(written.resource.aws_iam_role as Record<string, any>).find((r) => r.name === "attack-readEnvironment");
    expect(role.description).toBe(terraformString(ATTACKS.readEnvironment));
  }, 60_000);

  test("main.ts refuses an identifier attack with the config line and no stack trace", () => {
    const doc = parse(attackConfigText());
    doc.repositories[0].deployRoles[0].allow.branches = [ATTACKS.spliceDescription];
    const config = join(scratch, "attack-branch.yaml");
    writeFileSync(config, stringify(doc));
    const run = spawnSync(process.execPath, ["--require", "./dev/register.js", "main.ts"], {
      encoding: "utf8",
      env: { ...process.env, PLATFORM_CONFIG: config, CDKTF_OUTDIR: join(scratch, "main-out-2"), PLATFORM_START_CACHE: "off" },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/attack-branch\.yaml:\d+ repositories\[0\]\.deployRoles\[0\]\.allow\.branches\[0\]: contains "\$\{"/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  withTerraform(`terraform evaluates the synthesized strings to the literal text${noTerraform}`, () => {
    test("role descriptions, variable values and workflow files", () => {
      const output: Record<string, { value: unknown }> = {};
      ATTACK_ROLES.forEach(([name], i) => {
        output[`description_${i}`] = { value: roleNamed(`attack-${name}`).description };
      });
      for (const [name, v] of Object.entries(github.resource.github_actions_variable as Record<string, any>)) {
        output[`variable_${name.replace(/[^A-Za-z0-9_]/g, "_")}`] = { value: v.value };
      }
      Object.values(github.resource.github_repository_file as Record<string, any>).forEach((f, i) => {
        output[`workflow_${i}`] = { value: f.content };
      });
      const values = applyOutputs("app-strings", { output });
      ATTACK_ROLES.forEach(([, text], i) => expect(values[`description_${i}`]).toBe(text));
      for (const [name, text] of ATTACK_ROLES) {
        const v = Object.entries(github.resource.github_actions_variable as Record<string, any>).find(([, c]) => c.variable_name === `ATTACK_${name.toUpperCase()}`)!;
        expect(values[`variable_${v[0].replace(/[^A-Za-z0-9_]/g, "_")}`]).toBe(text);
      }
      const workflows = Object.keys(values).filter((k) => k.startsWith("workflow_")).map((k) => values[k]);
      expect(workflows.sort()).toEqual([...renderedWorkflows].sort());
    }, 120_000);
  });

  withMirror(`offline plan of the AWS stack${noMirror}`, () => {
    let plan: any;
    let planText: string;

    beforeAll(() => {
      const dir = join(outdir, "stacks", awsStackName);
      const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
      offlineAwsStack(json, join(outdir, "attack.tfstate"));
      writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
      const init = terraform(dir, "init", "-input=false", "-no-color", `-plugin-dir=${mirror!.dir}`);
      if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
      const planned = terraform(dir, "plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.tfplan");
      if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.stderr}`);
      planText = planned.stdout;
      plan = JSON.parse(terraform(dir, "show", "-json", "plan.tfplan").stdout);
    }, 180_000);

    const change = (name: string) =>
      (plan.resource_changes as any[]).find((c) => c.type === "aws_iam_role" && c.change.after?.name === name).change;

    test.each(ATTACK_ROLES)("the plan shows description %s as the literal text", (name, text) => {
      expect(change(`attack-${name}`).after.description).toBe(text);
      expect(change(`attack-${name}`).after_unknown.description).toBeUndefined();
    });

    test.each(ATTACK_ROLES)("the trust policy of %s is known at plan time and trusts only the configured subject", (name) => {
      const c = change(`attack-${name}`);
      expect(c.after_unknown.assume_role_policy).toBeUndefined();
      const policy = JSON.parse(c.after.assume_role_policy);
      expect(policy.Statement).toHaveLength(1);
      expect(policy.Statement[0].Condition.StringEquals).toEqual({
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": ["repo:Test-User/techblue-dev:ref:refs/heads/main"],
      });
    });

    test("nothing was evaluated: the plan holds no file contents, and no trust policy is known only after apply", () => {
      expect(planText + JSON.stringify(plan)).not.toContain(SENTINEL);
      for (const c of plan.resource_changes as any[]) {
        if (c.type === "aws_iam_role") expect([c.name, c.change.after_unknown.assume_role_policy]).toEqual([c.name, undefined]);
      }
    });
  });
  withMirror(`offline plan of the AWS stack written as HCL (the cdktf synth --hcl way out)${noMirror}`, () => {
    let plan: any;

    beforeAll(() => {
      const dir = join(outdir, "hcl");
      mkdirSync(dir, { recursive: true });
      const app = new App({ outdir: join(outdir, "hcl-app") });
      // No webhook: cdktf 0.21 writes its lifecycle precondition as an argument in HCL, which
      // terraform refuses ("An argument named precondition is not expected here").
      const doc = parse(attackConfigText());
      doc.codeConnection.status = "pending";
      const platform = buildGuardedPlatform(app, parseConfig(stringify(doc)));
      const hcl = (platform.aws.toHclTerraform() as { hcl: string }).hcl
        .replace(/version = "[^"]+"\nsource = "aws"/, 'version = ">= 5.70"\nsource = "hashicorp/aws"')
        .replace(/backend "local" \{\npath = "[^"]+"/, `backend "local" {\npath = ${JSON.stringify(join(outdir, "attack-hcl.tfstate"))}`)
        .replace(
          /allowed_account_ids = \[\n"\d{12}"\n\]/,
          'access_key = "mock"\nsecret_key = "mock"\nskip_credentials_validation = true\nskip_requesting_account_id = true\nskip_metadata_api_check = true',
        );
      expect(hcl).toContain("skip_requesting_account_id");
      writeFileSync(join(dir, "main.tf"), hcl);
      const init = terraform(dir, "init", "-input=false", "-no-color", `-plugin-dir=${mirror!.dir}`);
      if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
      const planned = terraform(dir, "plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.tfplan");
      if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.stderr}`);
      expect(planned.stdout).not.toContain(SENTINEL);
      plan = JSON.parse(terraform(dir, "show", "-json", "plan.tfplan").stdout);
    }, 180_000);

    test.each(ATTACK_ROLES)("description %s reads back as the literal text", (name, text) => {
      const c = (plan.resource_changes as any[]).find((r) => r.type === "aws_iam_role" && r.change.after?.name === `attack-${name}`).change;
      expect(c.after.description).toBe(text);
      expect(c.after_unknown.assume_role_policy).toBeUndefined();
    });
  });
});
