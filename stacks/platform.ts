import type { App } from "cdktf";
import { awsStackName, githubStackName } from "../config/derive";
import type { PlatformConfig } from "../config/schema";
import { applyGuardrails } from "../guardrails/aspect";
import { AwsPlatformStack } from "./aws-stack";
import { GithubPlatformStack } from "./github-stack";

export interface Platform {
  readonly aws: AwsPlatformStack;
  readonly github: GithubPlatformStack;
}

/**
 * One stack per state and credential boundary: the AWS account and region, and the GitHub owner.
 * They share no remote state: names and ARNs that cross over are derived from the config.
 */
export function buildPlatform(app: App, config: PlatformConfig): Platform {
  const platform = {
    aws: new AwsPlatformStack(app, awsStackName(config.aws.accountId, config.aws.region), config),
    github: new GithubPlatformStack(app, githubStackName(config.github.owner), config),
  };
  // Checked together: the cross-side rules need both stacks.
  applyGuardrails([platform.aws, platform.github], { suppressions: config.guardrails.suppressions });
  return platform;
}
