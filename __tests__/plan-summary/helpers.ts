import { join } from "node:path";
import { readStackInput } from "../../plan-summary/input";
import { parsePlan, type StackPlan } from "../../plan-summary/plan";
import type { StackInput } from "../../plan-summary/summary";

const FIXTURE_DIR = join(__dirname, "fixtures");
export const AWS_STACK = "aws-000123456789-ap-northeast-1";

export function fixture(...parts: string[]): string {
  return join(FIXTURE_DIR, ...parts);
}

/** Every `<stack>.json` of a fixture folder, as the CLI reads them. */
export function fixtureInputs(folder: string, stacks: readonly string[]): StackInput[] {
  return stacks.map((s) => readStackInput(fixture(folder, `${s}.json`)));
}

export interface RC {
  readonly address: string;
  readonly actions: string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly mode?: string;
  readonly [extra: string]: unknown;
}

/** A plan in Terraform's JSON format from a few resource changes (type and name come from the address). */
export function planOf(stack: string, changes: readonly RC[], extra: Record<string, unknown> = {}): StackPlan {
  const resource_changes = changes.map(({ address, actions, before, after, after_unknown, mode, importing, replace_paths, ...rest }) => {
    const parts = address.replace(/^data\./, "").split(".");
    return {
      address,
      mode: mode ?? (address.startsWith("data.") ? "data" : "managed"),
      type: parts[parts.length - 2],
      name: parts[parts.length - 1],
      provider_name: "registry.terraform.io/test/test",
      change: { actions, before: before ?? null, after: after ?? null, after_unknown: after_unknown ?? {}, importing, replace_paths },
      ...rest,
    };
  });
  return parsePlan(JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", resource_changes, ...extra }), stack, `${stack}.json`);
}

export function collaborators(repository: string, users: [string, string][], teams: [string, string][] = []): object {
  return {
    id: repository,
    repository,
    user: users.map(([username, permission]) => ({ username, permission })),
    team: teams.map(([team_id, permission]) => ({ team_id, permission })),
  };
}

export function githubProvider(owner: string): Record<string, unknown> {
  return { configuration: { provider_config: { github: { name: "github", expressions: { owner: { constant_value: owner } } } } } };
}

export function codebuildProject(name: string, options: { tokenOwner?: string; location?: string; auth?: object }): object {
  return {
    name,
    service_role: `arn:aws:iam::000123456789:role/codebuild-${name}`,
    source: [
      {
        type: "GITHUB",
        location: options.location ?? `https://github.com/acme/${name}.git`,
        auth: [options.auth ?? (options.tokenOwner ? { type: "SECRETS_MANAGER", resource: "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:t" } : { type: "CODECONNECTIONS", resource: "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/x" })],
      },
    ],
    tags: options.tokenOwner ? { GitHubTokenOwner: options.tokenOwner } : null,
  };
}
