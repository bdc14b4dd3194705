/**
 * The shipped second example, examples/organization.yaml (an organisation: two accounts, a shared
 * runner, environments, teams, a shared deploy role, sharded GitHub stacks), synthesized by the app
 * command as `cdktf synth` runs it, once as shipped (connection available) and once with the
 * connection still pending (the documented first apply). Both must synthesize with no error and no
 * suppression. Each run works on a copy in a temp folder: synth writes the inventory beside the
 * config, and examples/ must stay as shipped.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";

const ROOT = resolve(__dirname, "..", "..");
const EXAMPLE = join(ROOT, "examples", "organization.yaml");
const EXAMPLE_INVENTORY = join(ROOT, "examples", "organization.managed.json");

const DEV = "aws-111111111111-eu-west-1";
const PROD = "aws-222222222222-eu-west-1";
const GITHUB_STACKS = ["github-acme-corp-00", "github-acme-corp-01", "github-acme-corp-02", "github-acme-corp-payments"];

interface Annotation {
  readonly level: string;
  readonly message: string;
}

interface Synth {
  readonly dir: string;
  readonly stacks: Record<string, any>;
  readonly annotations: Annotation[];
  readonly inventory: string;
}

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The app command of cdktf.json on a temp copy of the example (with the shipped inventory), with `edit` applied to its text. */
function synth(edit: (text: string) => string = (t) => t): Synth {
  const dir = mkdtempSync(join(tmpdir(), "organization-example-"));
  tmpDirs.push(dir);
  const config = join(dir, "organization.yaml");
  writeFileSync(config, edit(readFileSync(EXAMPLE, "utf8")));
  if (existsSync(EXAMPLE_INVENTORY)) copyFileSync(EXAMPLE_INVENTORY, join(dir, "organization.managed.json"));
  const outdir = join(dir, "cdktf.out");
  const result = spawnSync(process.execPath, ["--require", "./dev/register.js", "main.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PLATFORM_CONFIG: config, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { annotations: Annotation[] }> };
  const stacks: Record<string, any> = {};
  for (const name of readdirSync(join(outdir, "stacks"))) stacks[name] = JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  return {
    dir,
    stacks,
    annotations: Object.values(manifest.stacks).flatMap((s) => s.annotations),
    inventory: readFileSync(join(dir, "organization.managed.json"), "utf8"),
  };
}

const pending = (text: string) => text.replace(/status: available/g, "status: pending");
const resources = (stack: any, type: string): any[] => Object.values(stack.resource?.[type] ?? {});
const examplesFolder = () => readdirSync(join(ROOT, "examples")).map((f) => `${f}:${readFileSync(join(ROOT, "examples", f), "utf8")}`);

describe("examples/organization.yaml", () => {
  let before: string[];
  let available: Synth;
  let pendingSynth: Synth;
  beforeAll(() => {
    before = examplesFolder();
    available = synth();
    pendingSynth = synth(pending);
  }, 120_000);

  test("is a config that needs no suppression, and the pending variant differs only in the connection status", () => {
    const config = parse(readFileSync(EXAMPLE, "utf8"));
    expect(config.guardrails?.suppressions ?? []).toEqual([]);
    expect(config.aws.accounts.map((a: any) => a.name)).toEqual(["dev", "prod"]);
    expect(config.repositories.length).toBeGreaterThanOrEqual(6);
    expect(pending(readFileSync(EXAMPLE, "utf8"))).toMatch(/status: pending/);
  });

  test.each(["available", "pending"])("connection %s: synthesizes with no error; the only warnings are the accepted opt-in and, pending, what waits for the connection", (status) => {
    const s = status === "available" ? available : pendingSynth;
    expect(s.annotations.filter((a) => a.level === "@cdktf/error")).toEqual([]);
    const warnings = s.annotations.filter((a) => a.level === "@cdktf/warn").map((a) => a.message);
    const pendingNotes = warnings.filter(
      (w) => w.includes('The CodeConnections connection "acme-corp-github" must be completed once by a person') || /is not committed until codeConnection\.status is available/.test(w),
    );
    // Pending: the console steps, and one line per workflow on the runner held back (web, api, worker).
    expect(pendingNotes).toHaveLength(status === "pending" ? 4 : 0);
    for (const w of warnings.filter((x) => !pendingNotes.includes(x))) expect(w).toMatch(/^accepted: \[CB-006\] .*Runner-acme-linux/);
  });

  test.each(["available", "pending"])("connection %s: one stack per account and one per GitHub shard, each account's provider pinned to it", (status) => {
    const s = status === "available" ? available : pendingSynth;
    expect(Object.keys(s.stacks).sort()).toEqual([DEV, PROD, ...GITHUB_STACKS].sort());
    expect(s.stacks[DEV].provider.aws[0].allowed_account_ids).toEqual(["111111111111"]);
    expect(s.stacks[PROD].provider.aws[0].allowed_account_ids).toEqual(["222222222222"]);
    // prod references its existing OIDC provider; dev creates one.
    expect(resources(s.stacks[DEV], "aws_iam_openid_connect_provider")).toHaveLength(1);
    expect(resources(s.stacks[PROD], "aws_iam_openid_connect_provider")).toHaveLength(0);
    // Every GitHub stack has its own state key.
    const keys = GITHUB_STACKS.map((n) => s.stacks[n].terraform.backend.s3.key);
    expect(new Set(keys).size).toBe(GITHUB_STACKS.length);
    // The payments team's repositories share their named shard.
    const repos = (stack: any) => resources(stack, "github_repository_collaborators").map((r) => r.repository).sort();
    expect(repos(s.stacks["github-acme-corp-payments"])).toEqual(["payments-api", "payments-ledger"]);
  });

  test("available: one shared runner in dev, one organisation webhook admitting exactly web, api and worker", () => {
    const projects = resources(available.stacks[DEV], "aws_codebuild_project");
    expect(projects.map((p) => p.name)).toEqual(["acme-linux"]);
    expect(resources(available.stacks[PROD], "aws_codebuild_project")).toEqual([]);
    const webhooks = resources(available.stacks[DEV], "aws_codebuild_webhook");
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0].scope_configuration).toEqual({ name: "acme-corp", scope: "GITHUB_ORGANIZATION" });
    const filters = webhooks[0].filter_group.flatMap((g: any) => g.filter);
    const repoPatterns = filters.filter((f: any) => f.type === "REPOSITORY_NAME").map((f: any) => f.pattern);
    const admitted = ["web", "api", "worker", "docs", "blog", "payments-api"].filter((r) => repoPatterns.some((p: string) => new RegExp(p).test(r)));
    expect(admitted.sort()).toEqual(["api", "web", "worker"]);
    for (const group of webhooks[0].filter_group) {
      expect(group.filter).toEqual(
        expect.arrayContaining([
          { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
          expect.objectContaining({ type: "WORKFLOW_NAME" }),
          expect.objectContaining({ type: "REPOSITORY_NAME" }),
        ]),
      );
    }
  });

  test("pending: the runner's project exists without a webhook, and its workflows are not committed yet", () => {
    expect(resources(pendingSynth.stacks[DEV], "aws_codebuild_project").map((p) => p.name)).toEqual(["acme-linux"]);
    expect(resources(pendingSynth.stacks[DEV], "aws_codebuild_webhook")).toEqual([]);
    const files = (s: Synth) => GITHUB_STACKS.flatMap((n) => resources(s.stacks[n], "github_repository_file")).map((f) => `${f.repository}/${f.file}`);
    const onRunner = [".github/workflows/image-dev.yml", ".github/workflows/image.yml"];
    expect(files(available).filter((f) => onRunner.some((p) => f.endsWith(p))).sort()).toEqual([
      "api/.github/workflows/image-dev.yml",
      "web/.github/workflows/image-dev.yml",
      "worker/.github/workflows/image.yml",
    ]);
    expect(files(pendingSynth).filter((f) => onRunner.some((p) => f.endsWith(p)))).toEqual([]);
    // The GitHub-hosted workflows are committed either way.
    expect(files(pendingSynth)).toEqual(expect.arrayContaining(["web/.github/workflows/release.yml", "docs/.github/workflows/site.yml"]));
  });

  test("environments carry their own account's role, region and registry; prod needs reviewers", () => {
    const envVars = GITHUB_STACKS.flatMap((n) => resources(available.stacks[n], "github_actions_environment_variable"));
    const value = (repo: string, name: string, env: string) =>
      envVars.filter((v) => v.repository === repo && v.variable_name === name && String(v.environment).includes(`Environment-${repo}${env}_`)).map((v) => v.value);
    expect(value("web", "AWS_ROLE_ARN", "dev")).toEqual(["arn:aws:iam::111111111111:role/github-actions-platform/web-dev-push"]);
    expect(value("web", "AWS_ROLE_ARN", "prod")).toEqual(["arn:aws:iam::222222222222:role/github-actions-platform/web-prod-push"]);
    expect(value("api", "ECR_REGISTRY", "prod")).toEqual(["222222222222.dkr.ecr.eu-west-1.amazonaws.com"]);
    const environments = GITHUB_STACKS.flatMap((n) => resources(available.stacks[n], "github_repository_environment"));
    const prod = environments.filter((e) => e.environment === "prod");
    expect(prod.map((e) => e.repository).sort()).toEqual(["api", "payments-api", "web"]);
    for (const e of prod) expect(e.reviewers?.[0]?.teams?.length ?? 0).toBeGreaterThan(0);
  });

  test("the shared deploy role trusts docs and blog, each for its own main branch only", () => {
    const role = resources(available.stacks[DEV], "aws_iam_role").find((r) => r.name === "static-sites-push");
    expect(role).toBeDefined();
    const trust = JSON.stringify(role.assume_role_policy);
    expect(trust).toContain("repo:acme-corp/docs:ref:refs/heads/main");
    expect(trust).toContain("repo:acme-corp/blog:ref:refs/heads/main");
    expect(trust).not.toMatch(/repo:acme-corp\/\*|:\*"/);
    const vars = GITHUB_STACKS.flatMap((n) => resources(available.stacks[n], "github_actions_variable"));
    expect(vars.filter((v) => v.variable_name === "AWS_ROLE_ARN_STATIC_SITES_PUSH").map((v) => v.repository).sort()).toEqual(["blog", "docs"]);
  });

  test("synth writes the inventory into the temp copy; examples/ stays as shipped, and its inventory is current", () => {
    expect(examplesFolder()).toEqual(before);
    expect(JSON.parse(available.inventory).stacks[DEV]).toBeDefined();
    expect(existsSync(EXAMPLE_INVENTORY)).toBe(true);
    // The committed examples/organization.managed.json is what synth of the shipped example writes.
    expect(available.inventory).toBe(readFileSync(EXAMPLE_INVENTORY, "utf8"));
  });
});
