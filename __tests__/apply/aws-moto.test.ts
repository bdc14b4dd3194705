/**
 * Layer 8: the AWS stack applied for real, against moto_server on 127.0.0.1: the app's own synth
 * (buildPlatform) of a test config, the real hashicorp/aws provider from the local mirror, mock
 * credentials, an `endpoints` entry for every service the stack calls. Then what apply wrote is
 * read back from the state, a second plan must be empty (no perpetual diff), and a config change
 * (a branch added to a deploy role) must plan exactly one in-place update of that role's trust
 * policy. And the way out (README "Leaving CDKTF"): the HCL the real cdktf CLI writes for the same
 * config, with the same backend, plans no changes against what the JSON applied.
 *
 * What moto cannot show, and so this layer does not claim: moto has no CodeConnections and no
 * CodeBuild CreateWebhook, so the config references an existing connection ARN and keeps it
 * pending (no webhook is planned); moto does not evaluate trust-policy conditions (the IAM
 * evaluator tests do). The GitHub side (collaborators, a collaborator lowered from admin) cannot
 * be applied here at all: no integrations/github provider binary exists on these machines.
 *
 * Runs where terraform, a provider mirror (helpers/terraform-offline.ts) and `moto_server` are
 * found; skipped, with the reason in its name, everywhere else.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { DEFAULT_IAM_PATH } from "../../config/derive";
import { loadConfig } from "../../config/load";
import { buildGuardedPlatform } from "../helpers/platform";
import { findProviderMirror, offlineAwsStack, terraformEnv, terraformSkipReason, writeOfflineOverride } from "../helpers/terraform-offline";

const FIXTURE = join(__dirname, "fixtures", "moto.yaml");
/** The deploy role (IAM role name) the config change adds a branch to. */
const ROLE = "service-a-ecr-push";
/** Every service the AWS stack calls; CodeConnections only where a connection is created (moto has none). */
const SERVICES = ["iam", "sts", "ecr", "codebuild", "logs", "codeconnections", "kms"];

function motoSkipReason(): string {
  return spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0 ? "" : "skipped: no moto_server on PATH (pip install 'moto[server]')";
}

const skipReason = terraformSkipReason() || motoSkipReason();
const suite = skipReason === "" ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForMoto(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}):\n${log()}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs / 1000} s:\n${log()}`);
}

type Json = any;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const REPO_ROOT = resolve(__dirname, "..", "..");

suite(`the AWS stack applied against moto_server${skipReason ? ` (${skipReason})` : ""}`, () => {
  let root: string;
  let moto: ChildProcess | undefined;
  let motoLog = "";
  let endpoint: string;
  let env: NodeJS.ProcessEnv;
  /** The stack folders of the applied and the changed config. */
  let applied: string;
  let changed: string;
  let stackName: string;
  /** Results of the plans after apply, made side by side (each terraform command spends seconds starting the provider). */
  let emptyPlan: Run;
  let changedPlan: Json;
  let hclPlan: Run;

  /** Runs a command without blocking, so independent terraform commands overlap. */
  const run = (command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((done) => {
      const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
      child.on("close", (status) => {
        clearTimeout(timer);
        done({ status, stdout, stderr });
      });
    });
  const ok = async (dir: string, ...args: string[]): Promise<string> => {
    const r = await run("terraform", args, dir);
    if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${dir} (${r.status}):\n${r.stderr}${r.stdout}\nmoto log tail:\n${motoLog.slice(-3000)}`);
    return r.stdout;
  };
  const init = (dir: string) => ok(dir, "init", "-input=false", "-no-color", `-plugin-dir=${findProviderMirror()!.dir}`);

  /** Where the config's local backend puts the state, seen from terraform/stacks/<stack>/ or any folder at that depth. */
  const statePath = () => join(root, `terraform.${stackName}.tfstate`);

  /** The provider settings that point the AWS provider at moto, with mock credentials. */
  const motoProvider = () => ({
    endpoints: [Object.fromEntries(SERVICES.map((s) => [s, endpoint]))],
    // moto answers for its own account, 123456789012 (the fixture's accountId).
    skip_region_validation: true,
  });

  /** Synthesizes a config with the app's own code and points the AWS stack at moto; returns its folder. */
  function synthForMoto(name: string, configFile: string): string {
    const outdir = join(root, name);
    const app = new App({ outdir });
    const platform = buildGuardedPlatform(app, loadConfig(configFile));
    app.synth();
    stackName = platform.aws.node.id;
    const dir = join(outdir, "stacks", stackName);
    const file = join(dir, "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    // One state file for every config, where the HCL's own local backend finds it: each later plan
    // is against what the first config applied.
    offlineAwsStack(json, statePath());
    Object.assign(json.provider.aws[0], motoProvider());
    writeFileSync(file, JSON.stringify(json, null, 1));
    return dir;
  }

  /** README "Leaving CDKTF": `npx cdktf synth --hcl --output terraform`, then terraform in terraform/stacks/<stack>. */
  async function hclModule(configFile: string): Promise<string> {
    // A copy: synth writes the managed inventory beside the config, never into the checkout.
    const copy = join(root, "hcl-config.yaml");
    copyFileSync(configFile, copy);
    const synth = await run("npx", ["cdktf", "synth", "--hcl", "--output", join(root, "terraform")], REPO_ROOT, { PLATFORM_CONFIG: copy });
    if (synth.status !== 0) throw new Error(`npx cdktf synth --hcl failed (${synth.status}):\n${synth.stdout}${synth.stderr}`);
    const dir = join(root, "terraform", "stacks", stackName);
    // Test copy only: the mirror's 5.x provider for the pinned 6.x, moto's endpoints, mock credentials.
    const provider = motoProvider();
    writeOfflineOverride(dir, provider);
    await init(dir);
    return dir;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "aws-moto-"));
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    env = terraformEnv(root, {
      AWS_ACCESS_KEY_ID: "mock",
      AWS_SECRET_ACCESS_KEY: "mock",
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
    });
    for (const v of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "PLATFORM_CONFIG"]) delete env[v];
    // Its own process group, so afterAll stops moto_server and the python it execs, and only those.
    moto = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    moto.stdout?.on("data", (d) => (motoLog += d));
    moto.stderr?.on("data", (d) => (motoLog += d));

    applied = synthForMoto("applied", FIXTURE);
    const text = readFileSync(FIXTURE, "utf8");
    const changedText = text.replace("branches: [main]", "branches: [main, release]");
    if (changedText === text) throw new Error(`${FIXTURE} no longer has "branches: [main]" for the config change`);
    const changedFile = join(root, "changed.yaml");
    writeFileSync(changedFile, changedText);
    changed = synthForMoto("changed", changedFile);

    const hcl = hclModule(FIXTURE);
    hcl.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    await Promise.all([init(applied), init(changed), waitForMoto(endpoint, moto, () => motoLog)]);
    await ok(applied, "apply", "-input=false", "-no-color", "-auto-approve");

    // Plans do not write state: side by side, without the state lock.
    const plan = (dir: string, ...args: string[]) => run("terraform", ["plan", "-input=false", "-no-color", "-lock=false", ...args], dir);
    [emptyPlan, changedPlan, hclPlan] = await Promise.all([
      plan(applied, "-detailed-exitcode", "-out=empty.tfplan"),
      (async () => {
        const r = await plan(changed, "-out=plan.tfplan");
        if (r.status !== 0) throw new Error(`plan of the changed config failed (${r.status}):\n${r.stderr}${r.stdout}`);
        return JSON.parse(await ok(changed, "show", "-json", "plan.tfplan"));
      })(),
      hcl.then((dir) => plan(dir, "-detailed-exitcode")),
    ]);
  }, 420_000);

  afterAll(() => {
    if (moto?.pid !== undefined && moto.exitCode === null) {
      try {
        process.kill(-moto.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    moto?.stdout?.destroy();
    moto?.stderr?.destroy();
    moto?.unref();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  /**
   * The applied resources, read back from the state terraform wrote from moto's answers (read as a
   * file: `terraform show -json` would start the provider once more, seconds on a busy machine).
   */
  function stateResources(): { resources: Map<string, Json>; outputs: Record<string, { value: unknown }> } {
    const state = JSON.parse(readFileSync(statePath(), "utf8"));
    const resources = new Map<string, Json>(
      (state.resources as Json[]).filter((r) => r.mode === "managed").map((r) => [`${r.type}.${r.name}`, r.instances[0].attributes]),
    );
    return { resources, outputs: state.outputs };
  }
  const ofType = (resources: Map<string, Json>, type: string): Json[] =>
    [...resources.entries()].filter(([address]) => address.startsWith(`${type}.`)).map(([, v]) => v);
  test("apply creates every resource synth wrote, with the values the template asked for", () => {
    const synthesized = JSON.parse(readFileSync(join(applied, "cdk.tf.json"), "utf8"));
    const { resources, outputs } = stateResources();
    const expected = Object.entries(synthesized.resource as Record<string, object>).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));
    expect([...resources.keys()].sort()).toEqual(expected.sort());
    expect(ofType(resources, "aws_codebuild_webhook")).toEqual([]); // connection pending: no webhook

    const [role] = ofType(resources, "aws_iam_role").filter((r) => r.name === ROLE);
    // The fixture keeps the default aws.iam.path: every role of the template lives under it.
    expect(role.arn).toBe(`arn:aws:iam::123456789012:role${DEFAULT_IAM_PATH}${ROLE}`);
    // The ARN the template derives from the config (and sets as an Actions variable) is the one AWS assigned.
    expect(Object.values(outputs).map((o) => o.value)).toContain(role.arn);
    const trust = JSON.parse(role.assume_role_policy);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Principal.Federated).toBe("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
    expect(trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual(["repo:Moto-Org/service-a:ref:refs/heads/main"]);

    const [oidc] = ofType(resources, "aws_iam_openid_connect_provider");
    expect(oidc.arn).toBe(trust.Statement[0].Principal.Federated);
    expect(oidc.client_id_list).toEqual(["sts.amazonaws.com"]);

    const [ecr] = ofType(resources, "aws_ecr_repository");
    expect(ecr).toMatchObject({ name: "moto/service-a", image_tag_mutability: "IMMUTABLE", force_delete: false });
    expect(ecr.image_scanning_configuration).toEqual([{ scan_on_push: true }]);
    expect(ecr.encryption_configuration[0].encryption_type).toBe("KMS");

    const [project] = ofType(resources, "aws_codebuild_project");
    expect(project.source[0]).toMatchObject({ type: "GITHUB", location: "https://github.com/Moto-Org/service-a.git" });
    expect(project.source[0].auth).toEqual([{ type: "CODECONNECTIONS", resource: expect.stringMatching(/^arn:aws:codeconnections:/) }]);
    expect(project.service_role).toBe(`arn:aws:iam::123456789012:role${DEFAULT_IAM_PATH}codebuild-service-a-runner`);

    // The policies apply left on each role are exactly the template's (the exclusive resources read them back).
    const policies = ofType(resources, "aws_iam_role_policy").map((p) => `${p.role}/${p.name}`).sort();
    expect(policies).toEqual([`codebuild-service-a-runner/codebuild-runner`, `${ROLE}/ecr-push`]);
  });

  test("a plan right after apply (refreshed from moto) is empty: no perpetual diff", async () => {
    // -detailed-exitcode: 0 = no changes (not even to outputs), 2 = changes, 1 = error.
    if (emptyPlan.status === 2) {
      const changes = (JSON.parse(await ok(applied, "show", "-json", "empty.tfplan")).resource_changes as Json[]) ?? [];
      const diff = changes.filter((c) => c.change.actions.join() !== "no-op");
      expect(diff.map((c) => `${c.address} ${c.change.actions.join("/")}: ${JSON.stringify(c.change.before)} -> ${JSON.stringify(c.change.after)}`)).toEqual([]);
    }
    expect(`${emptyPlan.status} ${emptyPlan.stderr}`).toBe("0 ");
  }, 120_000);

  test("a branch added to a deploy role plans exactly one in-place update: that role's trust policy", () => {
    const diff = (changedPlan.resource_changes as Json[]).filter((c) => c.change.actions.join() !== "no-op");
    expect(diff.map((c) => `${c.type} ${c.change.actions.join("/")} ${c.change.before.name}`)).toEqual([`aws_iam_role update ${ROLE}`]);
    const { before, after } = diff[0].change;
    const differing = Object.keys({ ...before, ...after }).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    expect(differing).toEqual(["assume_role_policy"]);
    expect(JSON.parse(after.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:Moto-Org/service-a:ref:refs/heads/main",
      "repo:Moto-Org/service-a:ref:refs/heads/release",
    ]);
  });

  test("the HCL of cdktf synth --hcl, with the same backend, plans no changes against what the JSON applied", () => {
    expect(`${hclPlan.status} ${hclPlan.stderr}`).toBe("0 ");
    expect(hclPlan.stdout).toMatch(/No changes/);
  });
});
