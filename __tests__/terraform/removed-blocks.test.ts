/**
 * Layer 7, day 2: the real terraform CLI plans the AWS stack's removed blocks as "forget" against
 * a state that holds an ECR repository which has left the config, and ignores an import block for
 * an address already in state. Offline: provider from a filesystem mirror, mock credentials,
 * `-refresh=false`, a hand-built state. Skipped, with the reason in its name, where terraform or
 * the mirror is missing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { stringify } from "yaml";
import { nextInventory, type Inventory } from "../../config/inventory";
import { parseConfig } from "../../config/load";
import { ImportExisting } from "../../modules/terraform-blocks";
import { managedNow } from "../../stacks/platform";
import { buildGuardedPlatform } from "../helpers/platform";
import { findProviderMirror, offlineAwsStack, terraformSkipReason } from "../helpers/terraform-offline";

// Found as every terraform layer finds it: TF_PROVIDER_MIRROR, else a bounded search.
const skipReason = terraformSkipReason();
const mirror = skipReason === "" ? findProviderMirror()!.dir : undefined;
const suite = skipReason === "" ? describe : describe.skip;

const AWS = "aws-000123456789-ap-northeast-1";
const ACCOUNT = "000123456789";
const REGION = "ap-northeast-1";

const config = (...ecr: string[]) =>
  parseConfig(
    stringify({
      github: { owner: "Test-User", ownerType: "user" },
      aws: { accountId: ACCOUNT, region: REGION },
      repositories: [
        {
          name: "web",
          ecrRepositories: ecr.map((name) => ({ name })),
          deployRoles: [{ name: "web-push", allow: { branches: ["main"] }, ecrPush: [ecr[0]] }],
        },
      ],
    }),
  );

/** A version 4 state holding the given ECR repositories (and their lifecycle policies) as an apply would leave them. */
function stateWith(ecr: { name: string; repository: string; policy?: string }[]): object {
  const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
  const resource = (type: string, name: string, attributes: object) => ({
    mode: "managed",
    type,
    name,
    provider,
    instances: [{ schema_version: 0, attributes, sensitive_attributes: [] }],
  });
  return {
    version: 4,
    terraform_version: "1.11.0",
    serial: 1,
    lineage: "6b1d3c2e-0000-4000-8000-000000000001",
    outputs: {},
    resources: ecr.flatMap(({ name, repository, policy }) => [
      resource("aws_ecr_repository", repository.split(".")[1], {
        id: name,
        name,
        arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
        registry_id: ACCOUNT,
        repository_url: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
        image_tag_mutability: "IMMUTABLE",
        force_delete: false,
        encryption_configuration: [{ encryption_type: "KMS", kms_key: `arn:aws:kms:${REGION}:${ACCOUNT}:key/aws-ecr` }],
        image_scanning_configuration: [{ scan_on_push: true }],
        tags: {},
        tags_all: {},
        timeouts: null,
      }),
      ...(policy ? [resource("aws_ecr_lifecycle_policy", policy.split(".")[1], { id: name, repository: name, registry_id: ACCOUNT, policy: "{}" })] : []),
    ]),
  };
}

suite(`removed and import blocks through terraform plan${skipReason ? ` (${skipReason})` : ""}`, () => {
  let root: string;
  const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "removed-blocks-"));
    // An empty CLI config: the machine's own (plugin caches, network mirrors) must not matter.
    writeFileSync(join(root, "terraformrc"), "");
    env.TF_CLI_CONFIG_FILE = join(root, "terraformrc");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Synthesizes the AWS stack of `ecr` with `inventory`, plans it against `state`, returns each address's actions. */
  // Each plan starts the provider (seconds): a scenario is planned once and read by several tests.
  const plans = new Map<string, ReturnType<typeof planOnce>>();
  function planAws(...args: Parameters<typeof planOnce>) {
    if (!plans.has(args[0])) plans.set(args[0], planOnce(...args));
    return plans.get(args[0])!;
  }

  function planOnce(name: string, ecr: string[], inventory: Inventory | undefined, state: (inventory: Record<string, readonly string[]>) => object, adopt?: string) {
    const outdir = join(root, name);
    const app = new App({ outdir });
    const platform = buildGuardedPlatform(app, config(...ecr), { inventory });
    // An import block for an address that is already in state: Terraform must ignore it (no read).
    if (adopt !== undefined) new ImportExisting(platform.aws, "AdoptExisting", platform.aws.ecrRepositories[adopt].resource, adopt);
    app.synth();
    const dir = join(outdir, "stacks", AWS);
    const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    offlineAwsStack(json, "terraform.tfstate");
    // Any call to AWS fails at once instead of retrying for minutes.
    json.provider.aws[0].max_retries = 0;
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(state(platform.aws.managed as Record<string, readonly string[]>)));
    execFileSync("terraform", ["init", "-input=false", "-no-color", `-plugin-dir=${mirror}`], { cwd: dir, env, stdio: "pipe" });
    const plan = spawnSync("terraform", ["plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.tfplan"], { cwd: dir, env, encoding: "utf8" });
    if (plan.status !== 0) throw new Error(`terraform plan failed:\n${plan.stderr}${plan.stdout}`);
    const showText = execFileSync("terraform", ["show", "-json", "plan.tfplan"], { cwd: dir, env, encoding: "utf8" });
    const show = JSON.parse(showText);
    // Named as the deploy gate reads plans: <stack>.json.
    const planFile = join(outdir, `${AWS}.json`);
    writeFileSync(planFile, showText);
    return {
      json,
      planFile,
      text: plan.stdout,
      actions: new Map<string, string>(show.resource_changes.map((c: any) => [c.address, c.change.actions.join("/") + (c.change.importing ? "+import" : "")])),
    };
  }

  // An earlier synth managed web-images and old-images; old-images has left the config since.
  const before = nextInventory({ version: 1, stacks: {} }, managedNow(buildGuardedPlatform(new App({ outdir: join(tmpdir(), `unused-${process.pid}`) }), config("web-images", "old-images"))));
  const old = before.stacks[AWS].ecrRepositories!["old-images"].addresses;
  const web = before.stacks[AWS].ecrRepositories!["web-images"].addresses;
  const inState = () =>
    stateWith([
      { name: "old-images", repository: old.find((a) => a.startsWith("aws_ecr_repository."))!, policy: old.find((a) => a.startsWith("aws_ecr_lifecycle_policy."))! },
      { name: "web-images", repository: web.find((a) => a.startsWith("aws_ecr_repository."))! },
    ]);

  test("the released ECR repository and its lifecycle policy plan as forget, not delete", () => {
    const { actions, text, json } = planAws("released", ["web-images"], before, inState);
    expect(json.removed.map((r: any) => r.from)).toEqual(old);
    for (const address of old) expect(actions.get(address)).toBe("forget");
    expect(text).toContain("will no longer be managed by Terraform, but will not be destroyed");
    expect([...actions.values()].filter((a) => a.includes("delete"))).toEqual([]);
  }, 180_000);

  test("without the inventory (the old behaviour) the same state plans their delete", () => {
    const { actions } = planAws("unreleased", ["web-images"], undefined, inState);
    for (const address of old) expect(actions.get(address)).toBe("delete");
  }, 180_000);

  test("the deploy gate (npm run plan:check) lets the release through, and refuses the delete a stale inventory plans unless intendedChanges names it", () => {
    const released = planAws("released", ["web-images"], before, inState).planFile;
    const stale = planAws("unreleased", ["web-images"], undefined, inState).planFile;
    const script = String(JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")).scripts["plan:check"]);
    const [command, ...base] = script.split(/\s+/);
    const gate = (plan: string, configText: string) => {
      const file = join(root, `gate-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, configText);
      return spawnSync(command === "node" ? process.execPath : command, [...base, plan], {
        cwd: join(__dirname, "..", ".."),
        encoding: "utf8",
        env: { ...process.env, PLATFORM_CONFIG: file },
      });
    };
    const configText = stringify({
      github: { owner: "Test-User", ownerType: "user" },
      aws: { accountId: ACCOUNT, region: REGION },
      repositories: [{ name: "web", ecrRepositories: [{ name: "web-images" }] }],
    });
    expect(gate(released, configText).status).toBe(0);
    const refused = gate(stale, configText);
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toContain("BLOCKED delete-ecr-repository");
    const named = `${configText}intendedChanges:\n  - change: delete-ecr-repository\n    name: old-images\n    reason: the images moved to another registry\n`;
    expect(gate(stale, named).status).toBe(0);
  }, 240_000);

  test("the HCL output (what cdktf synth --hcl writes): its removed blocks pass terraform validate", () => {
    const dir = join(root, "hcl");
    const app = new App({ outdir: dir });
    const platform = buildGuardedPlatform(app, config("web-images"), { inventory: before });
    mkdirSync(dir, { recursive: true });
    const hcl: string = platform.aws.toHclTerraform().hcl;
    expect(hcl.match(/^removed \{$/gm)).toHaveLength(old.length);
    writeFileSync(join(dir, "cdk.tf"), hcl);
    // The mirror's provider version, and no account lookup (an override file merges into the blocks above).
    writeFileSync(
      join(dir, "override.tf"),
      'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = ">= 5.70"\n    }\n  }\n}\n',
    );
    execFileSync("terraform", ["init", "-input=false", "-no-color", "-backend=false", `-plugin-dir=${mirror}`], { cwd: dir, env, stdio: "pipe" });
    const validate = spawnSync("terraform", ["validate", "-no-color"], { cwd: dir, env, encoding: "utf8" });
    expect(validate.stderr + validate.stdout).toContain("The configuration is valid");
    expect(validate.status).toBe(0);
  }, 180_000);

  test("an import block for an address already in state is ignored: no import, no call to AWS", () => {
    const { actions, json } = planAws("adopt", ["web-images"], before, inState, "web-images");
    const repository = web.find((a) => a.startsWith("aws_ecr_repository."))!;
    expect(json.import).toEqual([{ to: repository, id: "web-images" }]);
    expect(actions.get(repository)).not.toMatch(/import/);
  }, 180_000);
});
