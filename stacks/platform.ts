import type { App } from "cdktf";
import { awsStackName, githubStackName } from "../config/derive";
import { departures, type Inventory, type ManagedNow } from "../config/inventory";
import type { PlatformConfig } from "../config/schema";
import { AwsPlatformStack } from "./aws-stack";
import { GithubPlatformStack } from "./github-stack";

export interface Platform {
  readonly aws: AwsPlatformStack;
  readonly github: GithubPlatformStack;
}

export interface BuildPlatformOptions {
  /**
   * The managed inventory of an earlier synth (config/inventory.ts): names in it that are no
   * longer in the config are released (or deleted, when intendedChanges names them).
   * @default - empty: nothing is released (tests building stacks in-process)
   */
  readonly inventory?: Inventory;
}

/** Repository names the GitHub stack manages: repositories[], and the self repository if not listed there. */
function managedRepositoryNames(config: PlatformConfig): string[] {
  const names = config.repositories.map((r) => r.name);
  const self = config.self?.repository;
  if (self !== undefined && !names.some((n) => n.toLowerCase() === self.toLowerCase())) names.push(self);
  return names;
}

/** Repositories whose access the config manages (they list collaborators or teams). */
function withAccessList(config: PlatformConfig): Set<string> {
  return new Set(config.repositories.filter((r) => r.collaborators.length + r.teams.length > 0).map((r) => r.name));
}

/**
 * One stack per state and credential boundary: the AWS account and region, and the GitHub owner.
 * They share no remote state: names and ARNs that cross over are derived from the config. The
 * guardrails are attached by the composition root (main.ts attachGuardrails).
 */
export function buildPlatform(app: App, config: PlatformConfig, options: BuildPlatformOptions = {}): Platform {
  const awsName = awsStackName(config.aws.accountId, config.aws.region);
  const githubName = githubStackName(config.github.owner);
  const inventory = options.inventory;
  const ecrNames = config.repositories.flatMap((r) => r.ecrRepositories.map((e) => e.name));
  return {
    aws: new AwsPlatformStack(app, awsName, config, {
      ecrDepartures: inventory && departures(inventory, awsName, "ecrRepositories", ecrNames, config.intendedChanges),
    }),
    github: new GithubPlatformStack(app, githubName, config, {
      departures:
        inventory &&
        departures(inventory, githubName, "repositories", managedRepositoryNames(config), config.intendedChanges, withAccessList(config)),
    }),
  };
}

/** What this synth manages, for the next managed inventory. */
export function managedNow(platform: Platform): ManagedNow {
  return {
    [platform.aws.node.id]: { ecrRepositories: platform.aws.managed },
    [platform.github.node.id]: { repositories: platform.github.managed },
  };
}
