import type { App, TerraformStack } from "cdktf";
import { awsAccounts, awsStackName, entryAccount, githubStackName, githubStackNameFor, githubStackNames } from "../config/derive";
import { arrivals, departures, type Inventory, type ManagedNow } from "../config/inventory";
import type { PlatformConfig, RepositoryConfig, SelfConfig } from "../config/schema";
import { AwsPlatformStack } from "./aws-stack";
import { GithubPlatformStack } from "./github-stack";

export interface Platform {
  /** The stack of the first (or only) account. */
  readonly aws: AwsPlatformStack;
  /** One stack per account and region, in config order (the first is `aws`). */
  readonly awsStacks: readonly AwsPlatformStack[];
  /**
   * The GitHub stack of an unsharded config (github-<owner>); with shards, the first of
   * {@link githubStacks}, by name.
   */
  readonly github: GithubPlatformStack;
  /** Every GitHub stack, by name: one per shard (github.shards, repositories[].shard), or just github-<owner>. */
  readonly githubStacks: readonly GithubPlatformStack[];
  /** Every stack of the platform, AWS first: what the guardrails check together and deploys apply in order. */
  readonly stacks: readonly TerraformStack[];
}

export interface BuildPlatformOptions {
  /**
   * The managed inventory of an earlier synth (config/inventory.ts): names in it that are no
   * longer in the config are released (or deleted, when intendedChanges names them).
   * @default - empty: nothing is released (tests building stacks in-process)
   */
  readonly inventory?: Inventory;
}

/** Repositories whose access the config manages (they list collaborators or teams). */
function withAccessList(config: PlatformConfig): Set<string> {
  return new Set(config.repositories.filter((r) => r.collaborators.length + r.teams.length > 0).map((r) => r.name));
}

/** What goes into one GitHub stack: its repositories, and the self repository's variables and environment if it holds them. */
export interface GithubShard {
  readonly stackName: string;
  readonly repositories: readonly RepositoryConfig[];
  /** The config's `self`, when this stack holds the self repository's variables and environment. */
  readonly self?: SelfConfig;
}

/**
 * The GitHub side split into stacks (github.shards, repositories[].shard): every stack the config
 * defines, and every GitHub stack of the inventory it no longer defines (retired: it still has to
 * release what it managed, so that the stacks the names moved to can import them). Sorted by name.
 */
function githubShards(config: PlatformConfig, inventory?: Inventory): GithubShard[] {
  const stackOf = (repo: { name: string; shard?: string }) => githubStackNameFor(config.github, repo);
  const names = new Set(githubStackNames(config.github, config.repositories));
  const prefix = githubStackName(config.github.owner);
  for (const [name, stack] of Object.entries(inventory?.stacks ?? {})) {
    if ((name === prefix || name.startsWith(`${prefix}-`)) && stack.repositories !== undefined) names.add(name);
  }
  const self = config.self;
  const selfStack =
    self === undefined
      ? undefined
      : stackOf(config.repositories.find((r) => r.name.toLowerCase() === self.repository.toLowerCase()) ?? { name: self.repository });
  return [...names].sort().map((stackName) => ({
    stackName,
    repositories: config.repositories.filter((r) => stackOf(r) === stackName),
    self: selfStack === stackName ? self : undefined,
  }));
}

/**
 * One stack per state and credential boundary: each AWS account and region, and the GitHub owner
 * (split into shards when configured). They share no remote state: names and ARNs that cross
 * over are derived from the config. The guardrails are attached by the composition root
 * (main.ts attachGuardrails).
 */
export function buildPlatform(app: App, config: PlatformConfig, options: BuildPlatformOptions = {}): Platform {
  const inventory = options.inventory;
  const awsStacks = awsAccounts(config).map((account) => {
    const awsName = awsStackName(account.accountId, account.region);
    const ecrNames = config.repositories.flatMap((r) => r.ecrRepositories.filter((e) => entryAccount(config, r, e).name === account.name).map((e) => e.name));
    return new AwsPlatformStack(app, awsName, config, {
      account,
      ecrDepartures: inventory && departures(inventory, awsName, "ecrRepositories", ecrNames, config.intendedChanges),
    });
  });
  const shards = githubShards(config, inventory);
  const names = ({ repositories, self }: GithubShard) => [
    ...repositories.map((r) => r.name),
    ...(self && !repositories.some((r) => r.name.toLowerCase() === self.repository.toLowerCase()) ? [self.repository] : []),
  ];
  // Folded repository name -> the stack that holds it now: a name that left a stack for another is a move.
  const holder = new Map(shards.flatMap((s) => names(s).map((n) => [n.toLowerCase(), s.stackName] as const)));
  const access = withAccessList(config);
  const githubStacks = shards.map(
    (shard) =>
      new GithubPlatformStack(app, shard.stackName, config, {
        repositories: shard.repositories,
        holdsSelf: shard.self !== undefined,
        departures: inventory && departures(inventory, shard.stackName, "repositories", names(shard), config.intendedChanges, access, holder),
        arrivals: inventory && arrivals(inventory, shard.stackName, "repositories", names(shard)),
      }),
  );
  const github = githubStacks.find((s) => s.node.id === githubStackName(config.github.owner)) ?? githubStacks[0];
  const stacks = [...awsStacks, ...githubStacks];
  return { aws: awsStacks[0], awsStacks, github, githubStacks, stacks };
}


/** What this synth manages, for the next managed inventory. */
export function managedNow(platform: Platform): ManagedNow {
  return {
    ...Object.fromEntries(platform.awsStacks.map((s) => [s.node.id, { ecrRepositories: s.managed }])),
    ...Object.fromEntries(platform.githubStacks.map((s) => [s.node.id, { repositories: s.managed }])),
  };
}
