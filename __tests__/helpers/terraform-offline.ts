/**
 * Makes a synthesized AWS stack plannable offline against a local provider mirror: the mirror may
 * hold another major version than the pinned one (the resources used exist in both), the state is
 * a local file, and no account or credential can be looked up.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function offlineAwsStack(json: any, statePath: string): void {
  json.terraform.required_providers.aws = { source: "hashicorp/aws", version: ">= 5.70" };
  json.terraform.backend = { local: { path: statePath } };
  const provider = json.provider.aws[0];
  delete provider.allowed_account_ids; // needs a real account lookup
  Object.assign(provider, {
    access_key: "mock",
    secret_key: "mock",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
  });
}

/**
 * A filesystem provider mirror holding hashicorp/aws: TF_PROVIDER_MIRROR, else the first folder
 * found two levels under a few usual roots that holds `registry.terraform.io/hashicorp/aws`.
 * Undefined when there is none (tests then skip, saying so).
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { existsSync, readdirSync } = require("node:fs") as typeof import("node:fs");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { join } = require("node:path") as typeof import("node:path");
  const holdsAws = (dir: string) => existsSync(join(dir, "registry.terraform.io", "hashicorp", "aws"));
  if (env.TF_PROVIDER_MIRROR) return holdsAws(env.TF_PROVIDER_MIRROR) ? env.TF_PROVIDER_MIRROR : undefined;
  const roots = ["/opt", "/usr/local/share", "/usr/share", join(env.HOME ?? "/root", ".terraform.d")];
  const children = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => join(dir, d.name));
    } catch {
      return [];
    }
  };
  for (const root of roots) {
    for (const dir of [root, ...children(root), ...children(root).flatMap(children)]) if (holdsAws(dir)) return dir;
  }
  return undefined;
}
