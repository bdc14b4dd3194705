/**
 * The bench's anchor and floor (dev/bench-plain-app.ts): the Terraform an app synthesized,
 * written back as a plain cdktf app, synthesizes the same resources again.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { plainAppSource, writePlainApp } from "../../dev/bench-plain-app";

const ROOT = resolve(__dirname, "..", "..");

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type StackJson = { resource?: Blocks; data?: Blocks; output?: unknown; provider?: unknown; terraform?: { backend?: unknown } };

function stacks(outdir: string): Record<string, StackJson> {
  const dir = join(outdir, "stacks");
  return Object.fromEntries(readdirSync(dir).map((s) => [s, JSON.parse(readFileSync(join(dir, s, "cdk.tf.json"), "utf8")) as StackJson]));
}

/** Providers, backend, resources, data sources, outputs; without cdktf's "//" metadata (construct paths differ). */
function comparable(json: StackJson): unknown {
  const strip = (blocks: Blocks | undefined) =>
    Object.fromEntries(
      Object.entries(blocks ?? {}).map(([type, byName]) => [
        type,
        Object.fromEntries(Object.entries(byName).map(([name, config]) => [name, { ...config, "//": undefined }])),
      ])
    );
  return { provider: json.provider, backend: json.terraform?.backend, resource: strip(json.resource), data: strip(json.data), output: json.output };
}

describe("dev/bench-plain-app", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "plain-app-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the plain app written from synthesized Terraform synthesizes the same resources", () => {
    const app = new App({ outdir: join(dir, "original") });
    const aws = new TerraformStack(app, "aws-side");
    new AwsProvider(aws, "aws", { region: "ap-northeast-1", defaultTags: [{ tags: { ManagedBy: "bench", snake_key: "kept" } }] });
    new LocalBackend(aws, { path: "terraform.aws-side.tfstate" });
    const me = new DataAwsCallerIdentity(aws, "Me");
    const repo = new EcrRepository(aws, "Repo", {
      name: "repo",
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS" }],
      lifecycle: { preventDestroy: true },
    });
    const role = new IamRole(aws, "Role", {
      name: "role",
      assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: me.accountId }, Action: "sts:AssumeRole" }] }),
      tags: { Repo: repo.name },
      dependsOn: [repo],
    });
    new TerraformOutput(aws, "RoleArn", { value: role.arn });
    const github = new TerraformStack(app, "github-side");
    new GithubProvider(github, "github", { owner: "o" });
    new ActionsVariable(github, "Var", { repository: "r", variableName: "AWS_REGION", value: "ap-northeast-1" });
    app.synth();

    const source = plainAppSource(join(dir, "original"));
    expect(source).toContain('import { IamRole } from "@cdktf/provider-aws/lib/iam-role";');
    expect(source).toContain('import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";');
    expect(source).not.toMatch(/from "@cdktf\/provider-(aws|github)";/);

    writePlainApp(ROOT, join(dir, "original"), join(dir, "plain"));
    expect(JSON.parse(readFileSync(join(dir, "plain", "cdktf.json"), "utf8")).app).toBe("npx ts-node main.ts");
    const run = spawnSync(process.execPath, ["--require", join(ROOT, "dev", "register.js"), "main.ts"], {
      cwd: join(dir, "plain"),
      env: { ...process.env, CDKTF_OUTDIR: join(dir, "plain", "cdktf.out"), PLATFORM_START_CACHE: "off" },
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);

    const original = stacks(join(dir, "original"));
    const plain = stacks(join(dir, "plain", "cdktf.out"));
    expect(Object.keys(plain).sort()).toEqual(["aws-side", "github-side"]);
    for (const name of Object.keys(original)) expect(comparable(plain[name])).toEqual(comparable(original[name]));
  }, 30_000);
});
