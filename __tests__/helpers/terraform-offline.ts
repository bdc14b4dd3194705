/**
 * The real terraform engine, offline: finding the filesystem provider mirror, a CLI environment
 * that does not depend on the machine's own CLI config, and a synthesized AWS stack made plannable
 * against that mirror. Every terraform test layer (validate/plan, the HCL exit, the moto apply,
 * plan-summary's real plans) finds its engine here, so they all run or all skip for one reason.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const AWS_PROVIDER = join("registry.terraform.io", "hashicorp", "aws");

/** Terraform's name for this machine's platform, as used in mirror folders (linux_amd64). */
function terraformPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform === "win32" ? "windows" : process.platform}_${arch[process.arch] ?? process.arch}`;
}

/** The hashicorp/aws versions a mirror folder holds for this platform (empty when none). */
function awsVersionsIn(mirror: string): string[] {
  const dir = join(mirror, AWS_PROVIDER);
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir).filter((v) => existsSync(join(dir, v, terraformPlatform())));
  } catch {
    return [];
  }
}

/**
 * Where a mirror may be: Terraform's implied local mirror folders first, then a shallow search of
 * the places images put shared tools. Bounded (depth and count), so a laptop's home folder costs
 * milliseconds, not a crawl.
 */
function candidateRoots(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  const xdgData = (env.XDG_DATA_DIRS ?? "/usr/local/share:/usr/share").split(":").filter(Boolean);
  return [
    join(home, ".terraform.d", "plugins"),
    join(env.XDG_DATA_HOME ?? join(home, ".local", "share"), "terraform", "plugins"),
    ...xdgData.map((d) => join(d, "terraform", "plugins")),
    "/opt",
    "/usr/local/share",
    "/usr/share",
    home,
  ];
}

const SKIP_DIRS = new Set(["node_modules", ".git", "proc", "sys", ".cache", ".npm", ".pyenv", "site-packages"]);

function searchMirror(root: string, depth: number, budget: { dirs: number }): string | undefined {
  if (budget.dirs-- <= 0) return undefined;
  if (awsVersionsIn(root).length > 0) return root;
  if (depth === 0) return undefined;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (SKIP_DIRS.has(entry)) continue;
    const path = join(root, entry);
    try {
      if (!statSync(path).isDirectory()) continue;
    } catch {
      continue;
    }
    const found = searchMirror(path, depth - 1, budget);
    if (found !== undefined) return found;
  }
  return undefined;
}

export interface ProviderMirror {
  /** The folder holding registry.terraform.io/ (terraform init -plugin-dir=<this>). */
  readonly dir: string;
  /** The newest hashicorp/aws version it holds for this platform. */
  readonly awsVersion: string;
}

let cached: { key: string; mirror: ProviderMirror | undefined } | undefined;

/**
 * The provider mirror: TF_PROVIDER_MIRROR when set (and only it: a set variable that names no
 * mirror is a mistake to report, not to search around), else the first mirror found in the roots.
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): ProviderMirror | undefined {
  const key = `${env.TF_PROVIDER_MIRROR ?? ""}|${env.HOME ?? ""}`;
  if (cached?.key === key) return cached.mirror;
  let dir: string | undefined;
  if (env.TF_PROVIDER_MIRROR) {
    dir = awsVersionsIn(env.TF_PROVIDER_MIRROR).length > 0 ? env.TF_PROVIDER_MIRROR : undefined;
  } else {
    const budget = { dirs: 4000 };
    for (const root of candidateRoots(env)) {
      dir = searchMirror(root, root.endsWith("plugins") ? 0 : 3, budget);
      if (dir !== undefined) break;
    }
  }
  const versions = dir === undefined ? [] : awsVersionsIn(dir).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const mirror = dir === undefined ? undefined : { dir, awsVersion: versions[versions.length - 1] };
  cached = { key, mirror };
  return mirror;
}

/** Why the terraform layers cannot run here ("" when they can). */
export function terraformSkipReason(env: NodeJS.ProcessEnv = process.env): string {
  if (spawnSync("terraform", ["version"], { stdio: "ignore", env }).status !== 0) return "skipped: no terraform CLI on PATH";
  if (findProviderMirror(env) === undefined) {
    return env.TF_PROVIDER_MIRROR
      ? `skipped: TF_PROVIDER_MIRROR=${env.TF_PROVIDER_MIRROR} holds no registry.terraform.io/hashicorp/aws/<version>/${terraformPlatform()}`
      : `skipped: no terraform provider mirror holding registry.terraform.io/hashicorp/aws/<version>/${terraformPlatform()} found (set TF_PROVIDER_MIRROR)`;
  }
  return "";
}

/**
 * The environment for terraform commands: an empty CLI config written into `dir` (the machine's
 * own, with its plugin caches, credentials or network mirrors, must not change what a test sees;
 * a TF_CLI_CONFIG_FILE naming a missing file only warns, on every command), no update checks.
 */
export function terraformEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const cliConfig = join(dir, ".terraformrc");
  writeFileSync(cliConfig, "");
  return { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: cliConfig, ...extra };
}

/**
 * Makes a synthesized AWS stack plannable offline against a local provider mirror: the mirror may
 * hold another major version than the pinned one (the resources used exist in both), the state is
 * a local file, and no account or credential can be looked up.
 */
export function offlineAwsStack(json: any, statePath: string): void {
  json.terraform.required_providers.aws = MIRROR_AWS_PROVIDER;
  json.terraform.backend = { local: { path: statePath } };
  const provider = json.provider.aws[0];
  delete provider.allowed_account_ids; // needs a real account lookup
  Object.assign(provider, OFFLINE_AWS_SETTINGS);
}

// The mirror may hold another major version than the pinned one (the resources used exist in both).
const MIRROR_AWS_PROVIDER = { source: "hashicorp/aws", version: ">= 5.70" };
// No account or credential is looked up.
const OFFLINE_AWS_SETTINGS = {
  access_key: "mock",
  secret_key: "mock",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
};

/**
 * The same, for a stack folder as written (JSON or HCL): an override.tf.json next to it, with
 * `provider` settings added to the offline ones (e.g. moto's endpoints).
 */
export function writeOfflineOverride(dir: string, provider: Record<string, unknown> = {}): void {
  const aws = { allowed_account_ids: null, ...OFFLINE_AWS_SETTINGS, ...provider };
  writeFileSync(join(dir, "override.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: MIRROR_AWS_PROVIDER } }, provider: { aws } }));
}
