/**
 * The organisation-scale part of dev/bench.ts (`npm run bench -- --scale` runs only this part).
 *
 * 1. A pull request that changes one repository, in organisations of 1, 100 and 2,000 generated
 *    repositories (two accounts, shared runners, sharded GitHub stacks): plan-ready time = the app
 *    synth of the base and of the head + `changed-stacks` deciding what to plan + `terraform plan` of
 *    the changed AWS stacks. Two changes: one repository's access list (a collaborator added: GitHub
 *    only) and its deploy role trusting one more branch that its workflow runs on (its account's
 *    AWS stack and its GitHub shard). Against planning everything: the head's synth + a plan of every
 *    AWS stack. The GitHub stacks cannot be planned here (no integrations/github provider binary):
 *    they are counted, with the REST requests one refresh costs (domain/github-api.ts).
 * 2. The same head's changed AWS stack written as plain HCL (`cdktf synth --hcl`, prepared beforehand
 *    and not timed): `terraform plan` of that folder, no synth step, is what an engineer who writes
 *    the same resources by hand waits for after an edit.
 * 3. App synth of 5,000 and 10,000 repositories (time, peak RSS), for linearity and memory.
 *
 * terraform plans run offline: the hashicorp/aws provider from the filesystem mirror
 * (__tests__/helpers/terraform-offline.ts finds it: TF_PROVIDER_MIRROR or a bounded search), mock
 * credentials, an empty local state and -refresh=false. So a plan here is Terraform's and the
 * provider's own work for every resource of the stack, without the AWS reads a real refresh adds
 * (one or more per resource): the real plan of a big stack is slower, which only widens what
 * planning fewer stacks saves. `terraform init` runs before, untimed, on both sides.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { changedStacks, readStacks } from "../cli/changed-stacks";
import type { PlatformConfigInput } from "../config/schema";
import { estimateRefreshCalls } from "../domain/github-api";
import { findProviderMirror, offlineAwsStack, terraformEnv, terraformSkipReason, writeOfflineOverride } from "../__tests__/helpers/terraform-offline";

export const DEFAULT_PR_SIZES = [1, 100, 2000] as const;
export const DEFAULT_SYNTH_SIZES = [5000, 10000] as const;
/**
 * Repositories per hashed GitHub shard the generated organisations aim for: a hash spreads them
 * unevenly, and at about 24 requests per repository a shard of 42 is over GH-011's 1,000.
 */
const REPOSITORIES_PER_SHARD = 16;
/** Above 256 hashed shards (GitHub's matrix limit), repositories go to named shards of a team's size. */
const MAX_HASHED_SHARDS = 256;
const TEAM_SIZE = 25;
/** Repositories per shared runner: its webhook admits each by an anchored REPOSITORY_NAME. */
const REPOSITORIES_PER_RUNNER = 250;
const GiB = 1024 * 1024; // maxRSS figures are in KiB

// ---------------------------------------------------------------------------------------------
// What the bench hands this part (dev/bench.ts's child runner and probe), so that both measure alike
// ---------------------------------------------------------------------------------------------

interface ScaleCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface ScaleTools {
  readonly root: string;
  /** Runs a command to completion (rejects on a non-zero exit); wall time spawn to exit. */
  readonly run: (command: ScaleCommand) => Promise<{ wallMs: number; stdout: string; stderr: string }>;
  /** The bench's environment for children, with `extra`. */
  readonly env: (extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** The app command of cdktf.json wrapped so that its peak RSS (KiB) can be read afterwards. */
  readonly appWithUsage: (usageFile: string) => { file: string; args: string[] };
  readonly readPeakRssKiB: (usageFile: string) => number;
  readonly log: (message: string) => void;
}

// ---------------------------------------------------------------------------------------------
// Generated organisations
// ---------------------------------------------------------------------------------------------

export type Change = "access" | "trust";

const repoName = (i: number) => `repo-${String(i).padStart(5, "0")}`;
const runnerName = (k: number) => `org-linux-${String(k).padStart(2, "0")}`;

/** Hashed GitHub shards for `repositories`: about REPOSITORIES_PER_SHARD each, at most GitHub's 256 matrix jobs. */
export function shardsFor(repositories: number): number {
  return Math.min(MAX_HASHED_SHARDS, Math.max(1, Math.ceil(repositories / REPOSITORIES_PER_SHARD)));
}

/** Organisations too large for hashed shards put every repository in its team's named shard (TEAM_SIZE each). */
const namedShards = (repositories: number) => repositories > MAX_HASHED_SHARDS * REPOSITORIES_PER_SHARD;

/** The repository a one-repository pull request changes: the middle one. */
export const changedRepository = (repositories: number) => repoName(Math.ceil(repositories / 2));

/**
 * An organisation of `repositories`, shaped like examples/organization.yaml: dev and prod accounts;
 * per repository two collaborators and a team, an ECR repository in each account, a dev role
 * (pushes to main) and a prod role (its prod environment, with reviewers), an image workflow on a
 * shared runner (one per REPOSITORIES_PER_RUNNER repositories) and a release workflow on a
 * GitHub-hosted runner in prod. `change` edits the middle repository as a pull request would.
 */
export function organizationConfig(repositories: number, change?: Change): PlatformConfigInput {
  const changed = changedRepository(repositories);
  const runners = Math.ceil(repositories / REPOSITORIES_PER_RUNNER);
  const repos = Array.from({ length: repositories }, (_, i) => {
    const name = repoName(i + 1);
    const trustChange = change === "trust" && name === changed;
    const branches = trustChange ? ["main", "release"] : ["main"];
    return {
      name,
      ...(namedShards(repositories) ? { shard: `team-${String(Math.floor(i / TEAM_SIZE)).padStart(4, "0")}` } : {}),
      collaborators: [
        { username: "alice", permission: "admin" as const },
        { username: "bob", permission: "write" as const },
        ...(change === "access" && name === changed ? [{ username: "carol", permission: "write" as const }] : []),
      ],
      teams: [{ slug: `team-${i % 20}`, permission: "write" as const }],
      ecrRepositories: [{ name }, { name: `${name}-prod`, account: "prod" }],
      deployRoles: [
        { name: `${name}-dev`, allow: { branches }, ecrPush: [name] },
        { name: `${name}-prod`, account: "prod", allow: { environments: ["prod"] }, ecrPush: [`${name}-prod`] },
      ],
      environments: [{ name: "prod", deployRole: `${name}-prod`, tags: ["v*"], reviewers: { teams: [4200001] } }],
      workflows: [
        {
          type: "image-build-push" as const,
          file: "image.yml",
          name: "Build and push image",
          runsOn: { runner: runnerName(Math.floor(i / REPOSITORIES_PER_RUNNER) + 1) },
          on: { branches },
          ecrRepository: name,
          deployRole: `${name}-dev`,
        },
        {
          type: "image-build-push" as const,
          file: "release.yml",
          name: "Release",
          runsOn: "github-hosted" as const,
          environment: "prod",
          on: { tags: ["v*"] },
          ecrRepository: `${name}-prod`,
          deployRole: `${name}-prod`,
        },
      ],
    };
  });
  return {
    github: { owner: "bench-org", ownerType: "organization", shards: namedShards(repositories) ? 1 : shardsFor(repositories) },
    aws: {
      accounts: [
        { name: "dev", accountId: "111111111111", region: "eu-west-1", codeConnection: { name: "bench-github", status: "available" } },
        {
          name: "prod",
          accountId: "222222222222",
          region: "eu-west-1",
          oidcProvider: { existingArn: "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com" },
        },
      ],
    },
    runners: Array.from({ length: runners }, (_, k) => ({
      name: runnerName(k + 1),
      computeType: "BUILD_GENERAL1_MEDIUM" as const,
      privilegedMode: { enabled: true, reason: "docker build needs the Docker daemon inside the build container" },
    })),
    repositories: repos,
  } as PlatformConfigInput;
}

/** Writes the config into its own folder (synth writes the inventory beside it) and returns its path. */
function writeConfig(dir: string, config: PlatformConfigInput): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "platform.yaml");
  writeFileSync(file, stringify(config));
  return file;
}

function countResources(stacksDir: string, names?: readonly string[]): number {
  let n = 0;
  for (const stack of names ?? readdirSync(stacksDir)) {
    const json = JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8")) as { resource?: Record<string, object> };
    for (const byName of Object.values(json.resource ?? {})) n += Object.keys(byName).length;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

interface Synth {
  readonly wallMs: number;
  readonly peakRssKiB: number;
  readonly stacksDir: string;
}

async function appSynth(tools: ScaleTools, configFile: string, workDir: string): Promise<Synth> {
  const outdir = join(workDir, "cdktf.out");
  rmSync(outdir, { recursive: true, force: true });
  const usageFile = join(workDir, "usage.txt");
  const { file, args } = tools.appWithUsage(usageFile);
  const result = await tools.run({ file, args, cwd: tools.root, env: tools.env({ PLATFORM_CONFIG: configFile, CDKTF_OUTDIR: outdir }) });
  return { wallMs: result.wallMs, peakRssKiB: tools.readPeakRssKiB(usageFile), stacksDir: join(outdir, "stacks") };
}

interface Plan {
  readonly stack: string;
  readonly resources: number;
  readonly wallMs: number;
}

const terraform = (tools: ScaleTools, cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  tools.run({ file: "terraform", args, cwd, env });

/** init (untimed), then a timed offline plan of a folder holding one AWS stack's Terraform. */
async function planFolder(tools: ScaleTools, dir: string, stack: string, resources: number): Promise<Plan> {
  const env = terraformEnv(dir);
  const mirror = findProviderMirror();
  if (mirror === undefined) throw new Error("no provider mirror (terraformSkipReason should have said so)");
  await terraform(tools, dir, env, "init", "-input=false", "-no-color", `-plugin-dir=${mirror.dir}`);
  const plan = await terraform(tools, dir, env, "plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", "-out=plan.tfplan");
  return { stack, resources, wallMs: plan.wallMs };
}

/** The synthesized JSON of an AWS stack, made plannable offline as the terraform test layers do it. */
async function planJsonStack(tools: ScaleTools, stacksDir: string, stack: string, workDir: string): Promise<Plan> {
  const dir = join(workDir, `plan-${stack}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8"));
  offlineAwsStack(json, join(dir, "terraform.tfstate"));
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
  return planFolder(tools, dir, stack, countResources(stacksDir, [stack]));
}

/** The same stack's plain HCL (cdktf synth --hcl, produced beforehand), with an override file for the offline provider. */
async function planHclStack(tools: ScaleTools, hclStacksDir: string, stack: string, resources: number, workDir: string): Promise<Plan> {
  const dir = join(workDir, `hcl-${stack}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(hclStacksDir, stack), dir, { recursive: true });
  writeOfflineOverride(dir);
  return planFolder(tools, dir, stack, resources);
}

interface PullRequest {
  readonly change: Change;
  readonly synthHeadMs: number;
  readonly decideMs: number;
  readonly changed: readonly string[];
  readonly awsPlanned: readonly Plan[];
  readonly githubPlanned: readonly string[];
  readonly githubCalls: number;
  /** Synth of base and head + decide + the plans of the changed AWS stacks, one after the other. */
  readonly planReadyMs: number;
  /** As GitHub Actions runs it: base and head synth in parallel jobs, then decide, then the plans in parallel. */
  readonly criticalPathMs: number;
  /** Plain HCL of the changed AWS stacks: their plans alone, no synth (trust change at the HCL size only). */
  readonly hcl?: readonly Plan[];
}

interface Organisation {
  readonly repositories: number;
  readonly shards: number;
  readonly stacks: number;
  readonly resources: number;
  readonly synthBaseMs: number;
  readonly peakRssKiB: number;
  readonly awsPlans: readonly Plan[];
  readonly githubStacks: number;
  readonly githubCallsAll: number;
  /** Head synth + a plan of every AWS stack. */
  readonly everythingMs: number;
  readonly pullRequests: readonly PullRequest[];
}

export interface ScaleResults {
  readonly skipped?: string;
  readonly organisations: readonly Organisation[];
  readonly synth: readonly { repositories: number; resources: number; wallMs: number; peakRssKiB: number }[];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const isAws = (stack: string) => stack.startsWith("aws-");

async function measureOrganisation(tools: ScaleTools, repositories: number, tmp: string, hclAt: number): Promise<Organisation> {
  const dir = join(tmp, `org-${repositories}`);
  tools.log(`scale: ${repositories} repositories: synth of the base`);
  const baseDir = join(dir, "base");
  const base = await appSynth(tools, writeConfig(baseDir, organizationConfig(repositories)), baseDir);
  const stacks = readdirSync(base.stacksDir).sort();
  const awsStacks = stacks.filter(isAws);
  const githubStacks = stacks.filter((s) => !isAws(s));
  const baseJson = readStacks(base.stacksDir);
  const callsOf = (names: readonly string[], json: ReadonlyMap<string, unknown>) => sum(names.map((n) => estimateRefreshCalls(json.get(n)).calls));

  tools.log(`scale: ${repositories} repositories: terraform plan of each AWS stack (${awsStacks.join(", ")})`);
  const awsPlans: Plan[] = [];
  for (const stack of awsStacks) awsPlans.push(await planJsonStack(tools, base.stacksDir, stack, dir));

  const pullRequests: PullRequest[] = [];
  for (const change of ["access", "trust"] as const) {
    tools.log(`scale: ${repositories} repositories: a pull request changing ${changedRepository(repositories)} (${change})`);
    const headDir = join(dir, `head-${change}`);
    const head = await appSynth(tools, writeConfig(headDir, organizationConfig(repositories, change)), headDir);
    const decide = await tools.run({
      file: process.execPath,
      args: ["--require", "./dev/register.js", "cli/changed-stacks.ts", "--base", base.stacksDir, "--head", head.stacksDir],
      cwd: tools.root,
      env: tools.env(),
    });
    const headJson = readStacks(head.stacksDir);
    // The CLI's own answer, by the same function: the bench plans what plan.yml would.
    const changed = changedStacks(headJson, baseJson).stacks;
    if (!decide.stdout.includes(`${changed.length} stack${changed.length === 1 ? "" : "s"} to plan`)) {
      throw new Error(`changed-stacks printed another answer than changedStacks(): ${decide.stdout}`);
    }
    const awsPlanned: Plan[] = [];
    for (const stack of changed.filter(isAws)) awsPlanned.push(await planJsonStack(tools, head.stacksDir, stack, headDir));
    const githubPlanned = changed.filter((s) => !isAws(s));
    let hcl: Plan[] | undefined;
    if (repositories === hclAt && change === "trust") {
      tools.log(`scale: ${repositories} repositories: the changed AWS stacks as plain HCL (cdktf synth --hcl, untimed), then their plans`);
      const hclOut = join(headDir, "hcl");
      await tools.run({
        file: "npx",
        args: ["--no", "--", "cdktf", "synth", "--hcl", "--output", hclOut],
        cwd: tools.root,
        env: tools.env({ PLATFORM_CONFIG: join(headDir, "platform.yaml") }),
      });
      hcl = [];
      for (const p of awsPlanned) hcl.push(await planHclStack(tools, join(hclOut, "stacks"), p.stack, p.resources, headDir));
    }
    const plansMs = sum(awsPlanned.map((p) => p.wallMs));
    pullRequests.push({
      change,
      synthHeadMs: head.wallMs,
      decideMs: decide.wallMs,
      changed,
      awsPlanned,
      githubPlanned,
      githubCalls: callsOf(githubPlanned, headJson),
      planReadyMs: base.wallMs + head.wallMs + decide.wallMs + plansMs,
      criticalPathMs: Math.max(base.wallMs, head.wallMs) + decide.wallMs + Math.max(0, ...awsPlanned.map((p) => p.wallMs)),
      hcl,
    });
    rmSync(join(headDir, "cdktf.out"), { recursive: true, force: true });
  }
  const synthHeadMs = pullRequests[pullRequests.length - 1].synthHeadMs;
  const result: Organisation = {
    repositories,
    shards: shardsFor(repositories),
    stacks: stacks.length,
    resources: countResources(base.stacksDir),
    synthBaseMs: base.wallMs,
    peakRssKiB: base.peakRssKiB,
    awsPlans,
    githubStacks: githubStacks.length,
    githubCallsAll: callsOf(githubStacks, baseJson),
    everythingMs: synthHeadMs + sum(awsPlans.map((p) => p.wallMs)),
    pullRequests,
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

export async function measureScale(
  tools: ScaleTools,
  tmp: string,
  sizes: { pr: readonly number[]; synth: readonly number[] },
): Promise<ScaleResults> {
  const synth: ScaleResults["synth"][number][] = [];
  const allSynth = [...new Set([...sizes.pr.filter((n) => n >= 100), ...sizes.synth])].sort((a, b) => a - b);
  const organisations: Organisation[] = [];
  const skipped = terraformSkipReason();
  if (skipped === "") {
    for (const n of sizes.pr) organisations.push(await measureOrganisation(tools, n, tmp, 100));
  } else {
    tools.log(`scale: the pull request part ${skipped}`);
  }
  for (const n of allSynth) {
    const fromPr = organisations.find((o) => o.repositories === n);
    if (fromPr) {
      synth.push({ repositories: n, resources: fromPr.resources, wallMs: fromPr.synthBaseMs, peakRssKiB: fromPr.peakRssKiB });
      continue;
    }
    tools.log(`scale: app synth of ${n} repositories`);
    const dir = join(tmp, `synth-${n}`);
    const s = await appSynth(tools, writeConfig(dir, organizationConfig(n)), dir);
    synth.push({ repositories: n, resources: countResources(s.stacksDir), wallMs: s.wallMs, peakRssKiB: s.peakRssKiB });
    // Printed at once: a later size that fails or is interrupted does not lose this one.
    tools.log(`scale: ${n} repositories: ${(s.wallMs / 1000).toFixed(1)} s, peak RSS ${(s.peakRssKiB / 1024).toFixed(0)} MiB`);
    rmSync(dir, { recursive: true, force: true });
  }
  return { ...(skipped === "" ? {} : { skipped }), organisations, synth };
}

// ---------------------------------------------------------------------------------------------
// Targets and report
// ---------------------------------------------------------------------------------------------

interface ScaleTarget {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean | undefined;
}

const s = (ms: number) => (ms / 1000).toFixed(1);
const n = (x: number) => x.toLocaleString("en-US");

export function scaleTargets(r: ScaleResults): ScaleTarget[] {
  const org = (size: number) => r.organisations.find((o) => o.repositories === size);
  const one = org(1);
  const big = org(2000);
  const targets: ScaleTarget[] = [];
  for (const change of ["access", "trust"] as const) {
    const a = one?.pullRequests.find((p) => p.change === change);
    const b = big?.pullRequests.find((p) => p.change === change);
    targets.push({
      target: `Plan-ready for a one-repository change (${change === "access" ? "its access list" : "its role's trust and workflow"}) at 2,000 within 1.5x of a one-repository organisation`,
      measured: a && b ? `${s(b.planReadyMs)} s vs ${s(a.planReadyMs)} s: ${(b.planReadyMs / a.planReadyMs).toFixed(2)}x` : "not measured",
      pass: a && b ? b.planReadyMs <= 1.5 * a.planReadyMs : undefined,
    });
  }
  const at100 = org(100)?.pullRequests.find((p) => p.change === "trust");
  const hclMs = at100?.hcl ? sum(at100.hcl.map((p) => p.wallMs)) : undefined;
  targets.push({
    target: "Edit -> plan-ready at 100 repositories (trust change) no slower than the same resources as plain HCL (terraform plan, no synth)",
    measured: at100 && hclMs !== undefined ? `${s(at100.planReadyMs)} s vs ${s(hclMs)} s: ${(at100.planReadyMs / hclMs).toFixed(2)}x` : "not measured",
    pass: at100 && hclMs !== undefined ? at100.planReadyMs <= hclMs : undefined,
  });
  const sorted = [...r.synth].sort((x, y) => x.repositories - y.repositories);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const reaches = last !== undefined && last.repositories >= 10000;
  const perResource = (x: { wallMs: number; resources: number }) => x.wallMs / x.resources;
  const linear = first !== undefined && last !== undefined && sorted.length >= 2 && perResource(last) <= 1.5 * perResource(first);
  targets.push({
    target: "App synth linear to 10,000 repositories (time per resource at 10,000 within 1.5x of the smallest size measured)",
    measured:
      reaches && first && last
        ? `${(perResource(last)).toFixed(2)} vs ${(perResource(first)).toFixed(2)} ms per resource (${n(last.resources)} vs ${n(first.resources)} resources)`
        : "not measured",
    pass: reaches ? linear : undefined,
  });
  targets.push({
    target: "… under 4 GiB at 10,000 repositories",
    measured: reaches && last ? `${(last.peakRssKiB / GiB).toFixed(2)} GiB peak RSS` : "not measured",
    pass: reaches && last ? last.peakRssKiB < 4 * GiB : undefined,
  });
  return targets;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function scaleSection(r: ScaleResults): string {
  const out = ["## 5. Organisation scale (`dev/bench-scale.ts`; one run of each, wall time)", ""];
  if (r.skipped) out.push(`Pull requests: ${r.skipped}.`, "");
  if (r.organisations.length > 0) {
    out.push(
      table(
        ["Repositories", "Stacks (GitHub shards)", "Resources", "Change", "Stacks planned (AWS + GitHub)", "Synth base + head (s)", "Decide (s)", "AWS plans (s)", "Plan-ready (s)", "CI critical path (s)", "GitHub API calls planned / all", "Everything: synth + every AWS plan (s)"],
        r.organisations.flatMap((o) =>
          o.pullRequests.map((p) => [
            n(o.repositories),
            `${o.stacks} (${o.githubStacks})`,
            n(o.resources),
            p.change,
            `${p.awsPlanned.length} + ${p.githubPlanned.length} of ${o.stacks}`,
            `${s(o.synthBaseMs)} + ${s(p.synthHeadMs)}`,
            s(p.decideMs),
            p.awsPlanned.length === 0 ? "0 (none changed)" : p.awsPlanned.map((a) => `${s(a.wallMs)} (${n(a.resources)} resources)`).join(" + "),
            s(p.planReadyMs),
            s(p.criticalPathMs),
            `${n(p.githubCalls)} / ${n(o.githubCallsAll)}`,
            `${s(o.everythingMs)} (${o.awsPlans.map((a) => s(a.wallMs)).join(" + ")} plans)`,
          ]),
        ),
      ),
      "",
      "Change `access`: one collaborator added to one repository (its GitHub shard only). Change `trust`: that repository's dev role " +
        "trusts one more branch and its workflow runs on it (the dev account's AWS stack and the shard). Plan-ready is measured " +
        "one step after the other on this machine; the CI critical path is what plan.yml waits for (base and head synth in " +
        "parallel jobs, then changed-stacks, then one plan job per stack in parallel). GitHub stacks are not planned (no provider " +
        "binary): the API column is the estimate of one refresh of the planned GitHub stacks against all of them. terraform plans " +
        "are offline (mirror provider, mock credentials, empty state, -refresh=false); init untimed.",
      "",
    );
    const hclRows = r.organisations.flatMap((o) =>
      o.pullRequests.filter((p) => p.hcl).map((p) => [n(o.repositories), s(p.planReadyMs), (p.hcl ?? []).map((h) => `${s(h.wallMs)} (${h.stack}, ${n(h.resources)} resources)`).join(" + ")]),
    );
    if (hclRows.length > 0) {
      out.push(
        "Plain HCL: the changed AWS stack as `cdktf synth --hcl` wrote it (prepared beforehand, untimed), planned like the JSON: what someone who wrote the same resources in HCL waits for after an edit.",
        "",
        table(["Repositories", "Template: plan-ready (s)", "Plain HCL: terraform plan (s)"], hclRows),
        "",
      );
    }
  }
  out.push(
    table(
      ["Repositories", "Resources", "App synth (s)", "ms / resource", "Peak RSS (MiB)"],
      r.synth.map((x) => [n(x.repositories), n(x.resources), s(x.wallMs), (x.wallMs / x.resources).toFixed(2), (x.peakRssKiB / 1024).toFixed(0)]),
    ),
  );
  return out.join("\n");
}
