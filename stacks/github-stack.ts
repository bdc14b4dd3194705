import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { Annotations } from "cdktf";
import type { Construct } from "constructs";
import { NO_DEPARTURES, type Departures } from "../config/inventory";
import {
  ecrRegistry,
  isRunnerReady,
  subjectIdentity,
  ecrRepositoryVariable,
  roleArn,
  roleArnVariable,
  SELF_VARIABLES,
  VARIABLE_AWS_REGION,
  VARIABLE_ECR_REGISTRY,
  workflowPath,
  workflowDisplayName,
} from "../config/derive";
import type { PlatformConfig, RepositoryConfig, SelfConfig, WorkflowConfig } from "../config/schema";
import { PLATFORM_METADATA_KEY } from "../guardrails/support";
import { ActionsVariables } from "../modules/actions-variables";
import { DeployEnvironment } from "../modules/deploy-environment";
import { RepositoryAccess } from "../modules/repository-access";
import { terraformLiterals } from "../modules/terraform-text";
import { RepositoryVisibility } from "../modules/repository-visibility";
import { WorkflowFile } from "../modules/workflow-file";
import { imageBuildPushWorkflow } from "../workflows/image-build-push";
import type { Workflow } from "../workflows/model";
import { renderWorkflow } from "../workflows/render";
import { configureStateBackend } from "./backend";
import { PlatformStack } from "./platform-stack";
import { addressMap, emitDepartures } from "./inventory";
import { constructId } from "./naming";

export interface GithubPlatformStackOptions {
  /**
   * Repositories of the managed inventory that are no longer in the config: the released ones get
   * `removed` blocks (destroy = false), the deleted ones (named in intendedChanges) nothing.
   * @default - none (nothing left the config)
   */
  readonly departures?: Departures;
}

/** Values of the Actions variables a repository's workflows read; everything derived from config. */
function repositoryVariables(config: PlatformConfig, repo: RepositoryConfig): Record<string, string> {
  const { accountId, region } = config.aws;
  const ecrNames = new Set([
    ...repo.deployRoles.flatMap((r) => r.ecrPush),
    ...repo.workflows.map((w) => w.ecrRepository),
  ]);
  const variables: Record<string, string> = {
    [VARIABLE_AWS_REGION]: region,
    ...repo.variables,
  };
  if (ecrNames.size > 0) variables[VARIABLE_ECR_REGISTRY] = ecrRegistry(accountId, region);
  for (const name of ecrNames) variables[ecrRepositoryVariable(name)] = name;
  for (const role of repo.deployRoles) variables[roleArnVariable(role.name)] = roleArn(accountId, region, role.name, config.aws.iam.path);
  return variables;
}

/** Repository variables the template's own plan workflow reads (deploy values live on the environment). */
function selfRepositoryVariables(config: PlatformConfig, self: SelfConfig): Record<string, string> {
  const { accountId, region } = config.aws;
  return {
    [VARIABLE_AWS_REGION]: region,
    [SELF_VARIABLES.planRoleArn]: roleArn(accountId, region, self.planRoleName, config.aws.iam.path),
    [SELF_VARIABLES.planAppId]: String(self.planApp.appId),
    // deploy.yml's job environment: it cannot name another environment than the one the deploy role trusts.
    [SELF_VARIABLES.deployEnvironment]: self.environment,
  };
}

/** Variables of the deploy environment: only the job that passed its protection rules reads them. */
function selfEnvironmentVariables(config: PlatformConfig, self: SelfConfig): Record<string, string> {
  const { accountId, region } = config.aws;
  return {
    [SELF_VARIABLES.deployRoleArn]: roleArn(accountId, region, self.deployRoleName, config.aws.iam.path),
    [SELF_VARIABLES.deployAppId]: String(self.deployApp.appId),
  };
}

/** The header's "generated from": names, never the config's path or list positions. */
function workflowSource(repository: string, file: string): string {
  return `the platform config (repository ${repository}, workflow ${file})`;
}

/** The typed workflow model for one configured workflow. */
function workflowModel(repo: RepositoryConfig, wf: WorkflowConfig): Workflow {
  return imageBuildPushWorkflow({
    name: workflowDisplayName(wf),
    triggers: wf.on,
    // The config validator requires a deployRole for every workflow, and a runner for codebuild ones.
    runner:
      wf.runsOn === "codebuild"
        ? { kind: "codebuild", projectName: repo.runner!.projectName, roleArnVariable: roleArnVariable(wf.deployRole!) }
        : { kind: "github-hosted", label: wf.largerRunner?.label ?? wf.githubHostedLabel, roleArnVariable: roleArnVariable(wf.deployRole!) },
    environment: wf.environment,
    ecrRepositoryVariable: ecrRepositoryVariable(wf.ecrRepository),
    regionVariable: VARIABLE_AWS_REGION,
    dockerfile: wf.dockerfile,
    context: wf.context,
  });
}

/**
 * Everything on the GitHub side of one owner: who has access to each repository, the Actions
 * variables its workflows read, and the workflow files themselves.
 */
export class GithubPlatformStack extends PlatformStack {
  readonly access: Readonly<Record<string, RepositoryAccess>>;
  readonly variables: Readonly<Record<string, ActionsVariables>>;
  readonly workflowFiles: readonly WorkflowFile[];
  /** The deploy environment of the repository holding this template (config `self`). */
  readonly deployEnvironment?: DeployEnvironment;
  /** Repository name -> the addresses synthesized for it (the managed inventory's entries). */
  readonly managed: Readonly<Record<string, readonly string[]>>;
  /** Environments of the configured repositories, keyed `<repository>/<environment>`. */
  readonly environments: Readonly<Record<string, DeployEnvironment>>;

  constructor(scope: Construct, stackName: string, config: PlatformConfig, options: GithubPlatformStackOptions = {}) {
    super(scope, stackName);
    // Credentials come from the environment (GITHUB_TOKEN or GITHUB_APP_* variables), never from code.
    new GithubProvider(this, "github", terraformLiterals({ owner: config.github.owner }));
    configureStateBackend(this, stackName, config.aws);

    const access: Record<string, RepositoryAccess> = {};
    const variables: Record<string, ActionsVariables> = {};
    const workflowFiles: WorkflowFile[] = [];
    // What each repository name owns here, for the managed inventory.
    const owned = new Map<string, Construct[]>();
    const own = (repository: string, c: Construct) => owned.set(repository, [...(owned.get(repository) ?? []), c]);
    const environments: Record<string, DeployEnvironment> = {};
    const self = config.self;
    const selfKey = self?.repository.toLowerCase();
    config.repositories.forEach((repo) => {
      // An empty list would remove everyone but the owner's admins; no lists means access is not managed here.
      if (repo.collaborators.length + repo.teams.length > 0) {
        access[repo.name] = new RepositoryAccess(this, constructId("Access", repo.name), {
          repository: repo.name,
          collaborators: repo.collaborators,
          teams: repo.teams,
          ignoreTeams: repo.ignoreTeams,
        });
        own(repo.name, access[repo.name]);
      }
      variables[repo.name] = new ActionsVariables(this, constructId("Variables", repo.name), {
        repository: repo.name,
        variables: {
          ...repositoryVariables(config, repo),
          // The repository holding this template may also be managed like any other: one set of variables.
          ...(self && repo.name.toLowerCase() === selfKey ? selfRepositoryVariables(config, self) : {}),
        },
      });
      new RepositoryVisibility(this, constructId("Visibility", repo.name), {
        owner: config.github.owner,
        repository: repo.name,
        visibility: repo.visibility,
        declaredAt: `repository ${repo.name}: visibility`,
      });
      own(repo.name, variables[repo.name]);
      // Every environment a role trusts is one of these (config cross-references): none is left for
      // GitHub to create unprotected on first use. ':' is in neither name, so ids never collide.
      for (const env of repo.environments) {
        environments[`${repo.name}/${env.name}`] = new DeployEnvironment(this, constructId("Environment", `${repo.name}:${env.name}`), {
          repository: repo.name,
          environment: env.name,
          branches: env.branches.length + env.tags.length > 0 ? env.branches : [repo.defaultBranch],
          tags: env.tags,
          reviewers: env.reviewers,
          preventSelfReview: env.preventSelfReview,
        });
        own(repo.name, environments[`${repo.name}/${env.name}`]);
      }
      const identity = subjectIdentity(config, repo);
      repo.workflows.forEach((wf) => {
        if (wf.runsOn === "codebuild" && repo.runner && !isRunnerReady(config, repo.runner)) {
          // Its jobs would wait for a runner that has no webhook yet.
          Annotations.of(this).addWarning(
            `${repo.name}: ${wf.file} is not committed until codeConnection.status is available (its runner has no webhook yet).`,
          );
          return;
        }
        const file = new WorkflowFile(this, constructId("Workflow", `${repo.name}-${wf.file}`), {
          repository: repo.name,
          branch: repo.defaultBranch,
          file: wf.file,
          content: renderWorkflow(workflowModel(repo, wf), { source: workflowSource(repo.name, wf.file) }),
        });
        // The subject format GitHub uses for this repository is a repository setting, not part of
        // the file: record it where the cross-checks (OIDC-009) read it. Terraform ignores "//".
        file.resource.addOverride(`//.${PLATFORM_METADATA_KEY}.oidc_subject`, {
          owner: identity.owner,
          owner_id: identity.ownerId,
          repository: identity.repository,
          repository_id: identity.repositoryId,
          format: identity.format,
        });
        workflowFiles.push(file);
        own(repo.name, file);
        if (wf.largerRunner) {
          // An opt-in that weakens a default is printed on every synth, with its reason.
          Annotations.of(file).addWarning(
            `accepted: largerRunner of ${repo.name}/${workflowPath(wf.file)}: runs a job with id-token: write on the runner label "${wf.largerRunner.label}", not a GitHub standard hosted runner (make sure no self-hosted runner carries that label): ${wf.largerRunner.reason}`,
          );
        }
      });
    });
    if (self !== undefined) {
      if (!config.repositories.some((r) => r.name.toLowerCase() === selfKey)) {
        variables[self.repository] = new ActionsVariables(this, constructId("Variables", self.repository), {
          repository: self.repository,
          variables: selfRepositoryVariables(config, self),
        });
        own(self.repository, variables[self.repository]);
      }
      this.deployEnvironment = new DeployEnvironment(this, "PlatformDeployEnvironment", {
        repository: self.repository,
        environment: self.environment,
        branches: [self.defaultBranch],
        reviewers: self.reviewers,
        variables: selfEnvironmentVariables(config, self),
      });
      const listed = config.repositories.find((r) => r.name.toLowerCase() === selfKey)?.name;
      own(listed ?? self.repository, this.deployEnvironment);
    }
    this.access = access;
    this.variables = variables;
    this.workflowFiles = workflowFiles;
    this.environments = environments;
    this.managed = addressMap(owned);
    emitDepartures(this, "repositories", options.departures ?? NO_DEPARTURES);
  }
}
