/**
 * Real `terraform show -json` plans of the AWS stack, produced offline: the app synthesizes a config
 * (cdktf.json's app command, as `npx cdktf synth` runs it), terraform plans it against the hashicorp/aws
 * provider from a local filesystem mirror with mock credentials and `-refresh=false`.
 *
 * Plans other than create-only need a prior state. There is no AWS account to apply to, so the
 * prior state is built the way an apply would leave it: from a create plan's `after` values, with
 * the values AWS would assign (ARNs, ids) filled in, then planned again until terraform reports
 * no changes (a reference known only after apply, e.g. a connection ARN inside a policy, settles
 * on the second round).
 *
 * Used by plan-summary's real-plan test layer (fresh plans in a temp folder) and, as a script, to
 * regenerate the committed fixtures:
 *
 *   node --require sucrase/register/ts __tests__/plan-summary/real-plans.ts
 *
 * (the mirror is found as every terraform layer finds it: TF_PROVIDER_MIRROR, else a bounded search)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EXAMPLE_PATH } from "../helpers/example";
import { findProviderMirror, offlineAwsStack, terraformSkipReason } from "../helpers/terraform-offline";

const REPO_ROOT = resolve(__dirname, "..", "..");
const FIXTURES = join(__dirname, "fixtures");
const CONFIGS = join(FIXTURES, "configs");
const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";

export type RealScenario = "create" | "changed" | "seed-000";
const REAL_SCENARIOS: readonly RealScenario[] = ["create", "changed", "seed-000"];

/** Why real plans cannot be produced here ("" when they can). */
export function realPlanSkipReason(env: NodeJS.ProcessEnv = process.env): string {
  return terraformSkipReason(env);
}

/** The provider mirror directory the real plans use (terraformSkipReason() says whether there is one). */
export function realPlanMirror(): string {
  return findProviderMirror()!.dir;
}

interface Workspace {
  readonly root: string;
  readonly mirror: string;
  readonly env: NodeJS.ProcessEnv;
  /** The provider's resource schemas, read once (every scenario uses the same provider). */
  schemas?: Record<string, any>;
}

interface Plan {
  readonly json: any;
  readonly text: string;
}

/**
 * Writes `<outDir>/<scenario>/<aws stack>.json` (terraform show -json) and `.txt`
 * (terraform show -no-color) for each scenario. Returns the JSON paths.
 */
export function generateRealPlans(outDir: string, mirror: string, scenarios: readonly RealScenario[] = REAL_SCENARIOS): string[] {
  const root = mkdtempSync(join(tmpdir(), "plan-summary-real-"));
  // An empty CLI config: the machine's own (plugin caches, credentials, network mirrors) must not
  // change what these plans contain, and a TF_CLI_CONFIG_FILE pointing at a missing file only warns.
  const cliConfig = join(root, "terraformrc");
  writeFileSync(cliConfig, "");
  const ws: Workspace = {
    root,
    mirror,
    env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: cliConfig },
  };
  const written: string[] = [];
  try {
    for (const scenario of scenarios) {
      const { stack, plan } = runScenario(ws, scenario);
      const dir = join(outDir, scenario);
      mkdirSync(dir, { recursive: true });
      // Fixed timestamp: regenerating then changes a fixture only where the plan itself changed.
      const json = { ...plan.json, timestamp: "2025-01-01T00:00:00Z" };
      writeFileSync(join(dir, `${stack}.json`), `${JSON.stringify(json, null, 1)}\n`);
      writeFileSync(join(dir, `${stack}.txt`), plan.text);
      written.push(join(dir, `${stack}.json`));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return written;
}

function runScenario(ws: Workspace, scenario: RealScenario): { stack: string; plan: Plan } {
  switch (scenario) {
    case "create": {
      // The test copy of the example (the shipped platform.yaml is the user's to edit).
      const { dir, stack } = synthAws(ws, "create", EXAMPLE_PATH);
      return { stack, plan: plan(ws, dir) };
    }
    case "seed-000": {
      // Nothing changes on the AWS side: the plan is all no-op, but it carries the runner's
      // GitHubTokenOwner tag that the GitHub plan beside it is checked against.
      const { dir, stack } = synthAws(ws, "seed-000", join(CONFIGS, "seed-000.yaml"));
      const settled = settle(ws, dir);
      return { stack, plan: { json: settled, text: terraform(ws, dir, "show", "-no-color", "plan.tfplan") } };
    }
    case "changed": {
      const before = synthAws(ws, "changed-before", join(CONFIGS, "changed-before.yaml"));
      settle(ws, before.dir);
      // prevent_destroy would stop this plan with an error (which is its job); a reviewer sees
      // a replace only once someone has overridden it, which is when the summary must flag it.
      const after = synthAws(ws, "changed-after", join(CONFIGS, "changed-after.yaml"), { dropPreventDestroy: true });
      copyFileSync(join(before.dir, "terraform.tfstate"), join(after.dir, "terraform.tfstate"));
      return { stack: after.stack, plan: plan(ws, after.dir) };
    }
  }
}

/** Synthesizes the config with main.ts and prepares the AWS stack for an offline plan. */
function synthAws(ws: Workspace, name: string, config: string, options: { dropPreventDestroy?: boolean } = {}): { dir: string; stack: string } {
  const outdir = join(ws.root, name);
  // Synth writes its managed inventory beside the config: synthesize a copy in the workspace, so
  // the fixtures folder (and the project root) stay as they are.
  const copy = join(ws.root, `${name}.yaml`);
  copyFileSync(config, copy);
  // cdktf.json's app command, as `npx cdktf synth` runs it (without the CLI's own start-up).
  const [command, ...args] = String(JSON.parse(readFileSync(join(REPO_ROOT, "cdktf.json"), "utf8")).app).split(/\s+/);
  execFileSync(command === "node" ? process.execPath : command, args, {
    cwd: REPO_ROOT,
    env: { ...ws.env, CDKTF_OUTDIR: outdir, PLATFORM_CONFIG: copy },
    stdio: "pipe",
  });
  const stack = readdirSync(join(outdir, "stacks")).find((s) => s.startsWith("aws-"));
  if (stack === undefined) throw new Error(`${config}: synth wrote no aws-* stack`);
  const dir = join(outdir, "stacks", stack);
  const file = join(dir, "cdk.tf.json");
  const json = JSON.parse(readFileSync(file, "utf8"));
  offlineAwsStack(json, "terraform.tfstate");
  if (options.dropPreventDestroy) {
    for (const byName of Object.values(json.resource as Record<string, Record<string, any>>)) {
      for (const resource of Object.values(byName)) delete resource.lifecycle?.prevent_destroy;
    }
  }
  writeFileSync(file, JSON.stringify(json, null, 1));
  terraform(ws, dir, "init", "-input=false", "-no-color", `-plugin-dir=${ws.mirror}`);
  return { dir, stack };
}

function terraform(ws: Workspace, dir: string, ...args: string[]): string {
  const result = spawnSync("terraform", args, { cwd: dir, env: ws.env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${dir}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

function plan(ws: Workspace, dir: string, withText = true): Plan {
  terraform(ws, dir, "plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.tfplan");
  return {
    json: JSON.parse(terraform(ws, dir, "show", "-json", "plan.tfplan")),
    // Each terraform command starts the provider (seconds): the text only where it is kept.
    text: withText ? terraform(ws, dir, "show", "-no-color", "plan.tfplan") : "",
  };
}

/**
 * Plans and "applies" (writes the planned values as state) until the plan has no changes; returns
 * that last plan (its plan.tfplan is left in the folder).
 */
function settle(ws: Workspace, dir: string): any {
  ws.schemas ??= JSON.parse(terraform(ws, dir, "providers", "schema", "-json")).provider_schemas[AWS_PROVIDER].resource_schemas as Record<string, any>;
  const schema = ws.schemas;
  let serial = 1;
  let pending: string[] = [];
  for (let round = 0; round < 4; round++) {
    const debug = process.env.REAL_PLANS_DEBUG !== undefined;
    const { json, text } = plan(ws, dir, debug);
    const changes: any[] = json.resource_changes ?? [];
    pending = changes.filter((c) => c.change.actions.join() !== "no-op").map((c) => `${c.address} ${c.change.actions.join("/")}`);
    if (pending.length === 0) return json;
    if (debug) {
      console.error(text);
      for (const c of changes.filter((c) => c.change.actions.join() !== "no-op")) console.error(JSON.stringify(c.change, null, 1));
    }
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(stateFromPlan(json, schema, serial++), null, 1));
  }
  throw new Error(`${dir}: the prior state did not settle to a plan without changes; still changing: ${pending.join(", ")}`);
}

/** A version 4 state holding every managed resource as the plan says it will be after apply. */
function stateFromPlan(planJson: any, schemas: Record<string, any>, serial: number): object {
  const accountId = "000123456789";
  const region: string = planJson.configuration?.provider_config?.aws?.expressions?.region?.constant_value ?? "ap-northeast-1";
  const defaultTags: Record<string, string> =
    planJson.configuration?.provider_config?.aws?.expressions?.default_tags?.[0]?.tags?.constant_value ?? {};
  const schemaVersions = new Map<string, number>(
    (planJson.planned_values?.root_module?.resources ?? []).map((r: any) => [r.address, r.schema_version ?? 0]),
  );
  const resources: any[] = [];
  for (const rc of planJson.resource_changes ?? []) {
    const deleted = rc.change.actions.includes("delete") && !rc.change.actions.includes("create");
    if (rc.mode !== "managed" || rc.change.after === null || deleted) continue;
    const attributes = structuredClone(rc.change.after);
    const ctx: FillContext = { type: rc.type, values: attributes, accountId, region, defaultTags };
    fillUnknown(attributes, rc.change.after_unknown ?? {}, schemas[rc.type]?.block, ctx);
    let resource = resources.find((r) => r.type === rc.type && r.name === rc.name);
    if (resource === undefined) {
      resource = { mode: "managed", type: rc.type, name: rc.name, provider: `provider["${rc.provider_name}"]`, instances: [] };
      resources.push(resource);
    }
    resource.instances.push({
      ...(rc.index !== undefined ? { index_key: rc.index } : {}),
      schema_version: schemaVersions.get(rc.address) ?? 0,
      attributes,
      // Without the marks, terraform plans an update just to record that e.g. a webhook secret is sensitive.
      sensitive_attributes: sensitivePaths(rc.change.after_sensitive),
    });
  }
  return {
    version: 4,
    terraform_version: planJson.terraform_version,
    serial,
    lineage: "6f3f8e2a-0000-4000-8000-000000000001",
    // Outputs as the apply would record them (else every later plan shows them as changes).
    outputs: Object.fromEntries(
      Object.entries<any>(planJson.planned_values?.outputs ?? {})
        .filter(([, o]) => o.value !== undefined)
        .map(([name, o]) => [name, { value: o.value, type: o.type ?? "string", ...(o.sensitive ? { sensitive: true } : {}) }]),
    ),
    resources,
    check_results: null,
  };
}

/** after_sensitive ({ secret: true, a: [{ b: true }] }) as the state's list of cty paths. */
function sensitivePaths(marks: unknown, path: object[] = []): object[][] {
  if (marks === true) return [path];
  if (Array.isArray(marks)) return marks.flatMap((m, i) => sensitivePaths(m, [...path, { type: "index", value: { value: i, type: "number" } }]));
  if (typeof marks === "object" && marks !== null) {
    return Object.entries(marks).flatMap(([k, m]) => sensitivePaths(m, [...path, { type: "get_attr", value: k }]));
  }
  return [];
}

interface FillContext {
  readonly type: string;
  readonly values: Record<string, any>;
  readonly accountId: string;
  readonly region: string;
  readonly defaultTags: Record<string, string>;
}

/** Replaces every value after_unknown marks with what AWS would have returned (or a stand-in). */
function fillUnknown(value: Record<string, any>, unknown: Record<string, any>, block: any, ctx: FillContext): void {
  for (const [key, mark] of Object.entries(unknown)) {
    const nested = block?.block_types?.[key]?.block;
    if (mark === true) {
      const nesting = block?.block_types?.[key]?.nesting_mode;
      // A nested block is a list or set of objects (or one object) in state.
      value[key] = nesting === undefined ? standIn(key, block?.attributes?.[key]?.type, ctx) : nesting === "single" ? null : [];
    } else if (Array.isArray(mark) && Array.isArray(value[key])) {
      mark.forEach((m, i) => {
        if (m === true) value[key][i] = standIn(key, undefined, ctx);
        else if (typeof m === "object" && m !== null && typeof value[key][i] === "object") fillUnknown(value[key][i], m, nested, ctx);
      });
    } else if (typeof mark === "object" && mark !== null && typeof value[key] === "object" && value[key] !== null) {
      fillUnknown(value[key], mark, nested, ctx);
    }
  }
}

function standIn(key: string, type: unknown, ctx: FillContext): unknown {
  const { accountId, region, values } = ctx;
  const name = String(values.name ?? values.project_name ?? values.role ?? "unnamed");
  if (key === "arn") return arnOf(ctx);
  if (key === "id") {
    switch (ctx.type) {
      case "aws_iam_openid_connect_provider":
      case "aws_codeconnections_connection":
      case "aws_codebuild_project":
        return arnOf(ctx);
      case "aws_iam_role_policy":
        return `${values.role}:${values.name}`;
      case "aws_ecr_lifecycle_policy":
        return values.repository;
      default:
        return name;
    }
  }
  if (key === "tags_all") return { ...ctx.defaultTags, ...(values.tags ?? {}) };
  if (key === "connection_status") return "AVAILABLE";
  if (key === "owner_account_id" || key === "registry_id") return accountId;
  if (key === "repository_url") return `${accountId}.dkr.ecr.${region}.amazonaws.com/${name}`;
  if (key === "service_role") return `arn:aws:iam::${accountId}:role/codebuild-${name}`;
  // The AWS managed keys a service encrypts with when no key is configured.
  if (key === "kms_key") return `arn:aws:kms:${region}:${accountId}:key/${stableUuid(`${ctx.type}:${name}`)}`;
  if (key === "encryption_key") return `arn:aws:kms:${region}:${accountId}:alias/aws/s3`;
  // What AWS reports for the rest, so the prior state reads like a real one.
  const typical: Record<string, unknown> = {
    name_prefix: "",
    badge_url: "",
    public_project_alias: "",
    log_group_class: "STANDARD",
    create_date: "2025-01-01T00:00:00Z",
    unique_id: `AROA${stableUuid(name).replace(/-/g, "").slice(0, 17).toUpperCase()}`,
    payload_url: `https://codebuild.${region}.amazonaws.com/webhooks?t=stand-in&v=1`,
    url: "https://api.github.com/repos/Test-User/techblue-dev/hooks/1",
    secret: "",
  };
  if (key in typical) return typical[key];
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type)) return type[0] === "map" || type[0] === "object" ? {} : [];
  return `stand-in-${key}`;
}

function arnOf(ctx: FillContext): string {
  const { accountId, region, values } = ctx;
  switch (ctx.type) {
    case "aws_iam_openid_connect_provider":
      return `arn:aws:iam::${accountId}:oidc-provider/${String(values.url).replace(/^https:\/\//, "")}`;
    case "aws_iam_role":
      return `arn:aws:iam::${accountId}:role/${values.name}`;
    case "aws_ecr_repository":
      return `arn:aws:ecr:${region}:${accountId}:repository/${values.name}`;
    case "aws_codeconnections_connection":
      // A connection's ARN ends in an id AWS picks; a stable stand-in per name.
      return `arn:aws:codeconnections:${region}:${accountId}:connection/${stableUuid(String(values.name))}`;
    case "aws_codebuild_project":
      return `arn:aws:codebuild:${region}:${accountId}:project/${values.name}`;
    case "aws_cloudwatch_log_group":
      return `arn:aws:logs:${region}:${accountId}:log-group:${values.name}`;
    default:
      return `arn:aws:${ctx.type.replace(/^aws_/, "")}:${region}:${accountId}:${values.name ?? "unnamed"}`;
  }
}

function stableUuid(seed: string): string {
  let h = 0x811c9dc5;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-0000-4000-8000-${hex}0000`;
}

if (require.main === module) {
  const reason = realPlanSkipReason();
  if (reason !== "") {
    console.error(`real-plans: ${reason}`);
    process.exit(2);
  }
  const written = generateRealPlans(FIXTURES, realPlanMirror());
  for (const file of written) console.log(`wrote ${file} (and .txt)`);
}
