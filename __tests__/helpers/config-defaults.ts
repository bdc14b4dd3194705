/**
 * What the stacks pass a module when the config says nothing: the schema's defaults (config/schema.ts),
 * read from the schema itself, so module and guardrail tests follow the config when a default changes.
 * Modules have no defaults of their own for these settings; the config's are the only ones.
 */
import type { CodeBuildRunnerProps } from "../../modules/codebuild-runner";
import type { EcrRepositoryProps } from "../../modules/ecr-repository";
import { PlatformConfigSchema } from "../../config/schema";

const repositorySchema = PlatformConfigSchema.shape.repositories.element;

/** An ECR repository's settings for `ecrRepositories: [{ name }]`. */
export function ecrDefaults(): Omit<EcrRepositoryProps, "name"> {
  const ecr = repositorySchema.shape.ecrRepositories.unwrap().element.parse({ name: "defaults" });
  return {
    tagMutability: ecr.tagMutability,
    scanOnPush: ecr.scanOnPush,
    encryption: ecr.encryption,
    keepLastImages: ecr.lifecycle.keepLastImages,
    untaggedExpireDays: ecr.lifecycle.untaggedExpireDays,
  };
}

type RunnerSettings = Pick<
  CodeBuildRunnerProps,
  "computeType" | "environmentType" | "image" | "privilegedMode" | "timeoutMinutes" | "logRetentionDays" | "actorAccountIds"
>;

/** A runner's project settings for `runner: { projectName }`. */
export function runnerDefaults(): RunnerSettings {
  const runner = repositorySchema.shape.runner.unwrap().parse({ projectName: "defaults" });
  return {
    computeType: runner.computeType,
    environmentType: runner.environmentType,
    image: runner.image,
    privilegedMode: runner.privilegedMode.enabled,
    timeoutMinutes: runner.timeoutMinutes,
    logRetentionDays: runner.logRetentionDays,
    actorAccountIds: runner.allowedActorIds,
  };
}
