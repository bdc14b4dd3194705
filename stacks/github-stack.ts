import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { Annotations, type TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { NO_DEPARTURES, type Arrival, type Departures } from "../config/inventory";
import { ecrRegistry } from "../domain/arn";
import { ecrRepositoryVariable, roleArnVariable, SELF_VARIABLES, VARIABLE_AWS_REGION, VARIABLE_ECR_REGISTRY, VARIABLE_ENVIRONMENT_ROLE_ARN, workflowPath } from "../domain/github";
import {
  accountRoleArn,
  entryAccount,
  findAccount,
  isRunnerReady,
  primaryAccount,
  repositoryAccount,
  rolesOfRepository,
  workflowDisplayName,
} from "../config/derive";
import { configuredRunners, indexRunners } from "../config/runners";
import { resolvedWorkflows, type ResolvedWorkflow } from "../config/resolved";
import type { PlatformConfig, RepositoryConfig, SelfConfig } from "../config/schema";
import { describeEstimate, estimateRefreshCalls } from "../domain/github-api";
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
import { addressMap, emitArrivals, emitDepartures } from "./inventory";
import { constructId } from "./naming";

export interface GithubPlatformStackOptions {
  /**
   * Repositories of the managed inventory that are no longer in the config: the released ones get
   * `removed` blocks (destroy = false), the deleted ones (named in intendedChanges) nothing.
   * @default - none (nothing left the config)
   */
  readonly departures?: Departures;
  /**
   * Repositories of this stack that another GitHub stack managed (a move between shards): their
   * recorded resources get `import` blocks here, while the other stack releases them.
   * @default - none
   */
  readonly arrivals?: readonly Arrival[];
  /**
   * The repositories of this stack (a shard of the config's).
   * @default - every repository of the config
   */
  readonly repositories?: readonly RepositoryConfig[];
  /**
   * Whether this stack holds the self repository's variables and deploy environment (config `self`).
   * @default true
   */
  readonly holdsSelf?: boolean;
}

/**
 * Values of the Actions variables a repository's workflows read; everything derived from config.
 * AWS_REGION and ECR_REGISTRY are the repository's account's; each role ARN names its own account.
 */
function repositoryVariables(config: PlatformConfig, repo: RepositoryConfig): Record<string, string> {
  const { accountId, region } = repositoryAccount(config, repo);
  // Its own roles and the shared roles that trust it.
  const roles = rolesOfRepository(config, repo);
  const ecrNames = new Set([
    ...roles.flatMap((r) => r.ecrPush),
    ...repo.workflows.map((w) => w.ecrRepository),
  ]);
  const variables: Record<string, string> = {
    [VARIABLE_AWS_REGION]: region,
    ...repo.variables,
  };
  if (ecrNames.size > 0) variables[VARIABLE_ECR_REGISTRY] = ecrRegistry(accountId, region);
  for (const name of ecrNames) variables[ecrRepositoryVariable(name)] = name;
  for (const role of roles) variables[roleArnVariable(role.name)] = accountRoleArn(findAccount(config, role.account) ?? primaryAccount(config), role.name);
  return variables;
}

/**
 * Variables of an environment with a deployRole: that role's ARN and its account's region and ECR
 * registry, under the same names in every environment. GitHub gives a job in the environment these
 * values over the repository's (environment variables take precedence), so one workflow file
 * deploys to dev or prod by naming the environment. (github_actions_environment_variable: repository,
 * environment and variable_name force a new resource; each refresh reads one variable, GET
 * .../environments/<env>/variables/<name>.)
 */
function environmentVariables(config: PlatformConfig, repo: RepositoryConfig, env: RepositoryConfig["environments"][number]): Record<string, string> {
  if (env.deployRole === undefined) return {};
  const role = repo.deployRoles.find((d) => d.name === env.deployRole);
  // The config validator requires a role of this repository.
  if (!role) throw new Error(`environment ${env.name} of ${repo.name}: unknown deploy role ${env.deployRole}`);
  const account = entryAccount(config, repo, role);
  return {
    [VARIABLE_ENVIRONMENT_ROLE_ARN]: accountRoleArn(account, role.name),
    [VARIABLE_AWS_REGION]: account.region,
    [VARIABLE_ECR_REGISTRY]: ecrRegistry(account.accountId, account.region),
  };
}

/** Repository variables the template's own plan workflow reads (deploy values live on the environment). */
function selfRepositoryVariables(config: PlatformConfig, self: SelfConfig): Record<string, string> {
  const account = primaryAccount(config);
  return {
    [VARIABLE_AWS_REGION]: account.region,
    [SELF_VARIABLES.planRoleArn]: accountRoleArn(account, self.planRoleName),
    [SELF_VARIABLES.planAppId]: String(self.planApp.appId),
    // deploy.yml's job environment: it cannot name another environment than the one the deploy role trusts.
    [SELF_VARIABLES.deployEnvironment]: self.environment,
  };
}

/** Variables of the deploy environment: only the job that passed its protection rules reads them. */
function selfEnvironmentVariables(config: PlatformConfig, self: SelfConfig): Record<string, string> {
  return {
    [SELF_VARIABLES.deployRoleArn]: accountRoleArn(primaryAccount(config), self.deployRoleName),
    [SELF_VARIABLES.deployAppId]: String(self.deployApp.appId),
  };
}

/** The header's "generated from": names, never the config's path or list positions. */
function workflowSource(repository: string, file: string): string {
  return `the platform config (repository ${repository}, workflow ${file})`;
}

/** The typed workflow model for one configured workflow. */
function workflowModel({ workflow: wf, deployRole, host }: ResolvedWorkflow): Workflow {
  return imageBuildPushWorkflow({
    name: workflowDisplayName(wf),
    triggers: wf.on,
    runner:
      host.kind === "codebuild"
        ? { kind: "codebuild", projectName: host.runner.name, roleArnVariable: roleArnVariable(deployRole) }
        : { kind: "github-hosted", label: wf.largerRunner?.label ?? wf.githubHostedLabel, roleArnVariable: roleArnVariable(deployRole) },
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
    // The GitHub stack's state lives with the primary account's.
    configureStateBackend(this, stackName, primaryAccount(config), config.github.owner);

    const access: Record<string, RepositoryAccess> = {};
    const variables: Record<string, ActionsVariables> = {};
    const workflowFiles: WorkflowFile[] = [];
    // What each repository name owns here, for the managed inventory.
    const owned = new Map<string, Construct[]>();
    const own = (repository: string, c: Construct) => owned.set(repository, [...(owned.get(repository) ?? []), c]);
    const environments: Record<string, DeployEnvironment> = {};
    // Resource -> its import id (the github provider's, v6.9.0), for repositories that move here from another stack.
    const importIds = new Map<TerraformResource, string>();
    const self = options.holdsSelf === false ? undefined : config.self;
    const selfKey = self?.repository.toLowerCase();
    const runners = indexRunners(configuredRunners(config));
    (options.repositories ?? config.repositories).forEach((repo) => {
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
      for (const [name, resource] of Object.entries(variables[repo.name].resources)) importIds.set(resource, actionsVariableImportId(repo.name, name));
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
          variables: environmentVariables(config, repo, env),
        });
        own(repo.name, environments[`${repo.name}/${env.name}`]);
        environmentImportIds(importIds, environments[`${repo.name}/${env.name}`], repo.name, env.name);
      }
      resolvedWorkflows(runners, repo).forEach((resolved) => {
        const wf = resolved.workflow;
        const runner = resolved.host.kind === "codebuild" ? resolved.host.runner : undefined;
        if (runner && !isRunnerReady(config, runner.settings, runner.ownRepository)) {
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
          content: renderWorkflow(workflowModel(resolved), { source: workflowSource(repo.name, wf.file) }),
        });
        workflowFiles.push(file);
        own(repo.name, file);
        importIds.set(file.resource, repositoryFileImportId(repo.name, file.path, repo.defaultBranch));
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
        for (const [name, resource] of Object.entries(variables[self.repository].resources)) importIds.set(resource, actionsVariableImportId(self.repository, name));
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
      environmentImportIds(importIds, this.deployEnvironment, self.repository, self.environment);
    }
    this.access = access;
    this.variables = variables;
    this.workflowFiles = workflowFiles;
    this.environments = environments;
    this.managed = addressMap(owned);
    emitArrivals(this, options.arrivals ?? [], importIds);
    emitDepartures(this, "repositories", options.departures ?? NO_DEPARTURES);
  }

  /**
   * Synth resolves each stack once (the guardrails' check, whose result is written): the GitHub API
   * estimate of exactly that Terraform is printed then, one line per stack, and the total on the
   * last GitHub stack of the app. GH-011 fails the synth of a stack over its budget.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktf declares toTerraform(): any
  override toTerraform(): any {
    const terraform = super.toTerraform();
    const estimate = estimateRefreshCalls(terraform);
    infoOnce(this, describeEstimate(this.node.id, estimate));
    const stacks = this.node.root.node.children.filter((c): c is GithubPlatformStack => c instanceof GithubPlatformStack);
    const estimates = apiEstimates.get(this.node.root) ?? new Map<string, number>();
    apiEstimates.set(this.node.root, estimates.set(this.node.id, estimate.calls));
    const calls = stacks.map((s) => estimates.get(s.node.id));
    if (stacks.length > 1 && stacks[stacks.length - 1] === this && calls.every((n) => n !== undefined)) {
      const total = calls.reduce((sum, n) => sum + n, 0);
      infoOnce(this, `GitHub API: about ${total.toLocaleString("en-US")} REST requests to refresh all ${stacks.length} GitHub stacks; a pull request plans only the stacks whose Terraform it changes`);
    }
    return terraform;
  }
}

// Per app: each GitHub stack's latest estimate, for the total line.
const apiEstimates = new WeakMap<Construct, Map<string, number>>();

/** An info line, once per construct however many times the stack is resolved. */
function infoOnce(scope: Construct, text: string): void {
  if (scope.node.metadata.some((m) => m.type === "@cdktf/info" && m.data === text)) return;
  Annotations.of(scope).addInfo(text);
}

// Import ids as the github provider v6.9.0 parses them (github/util.go parseTwoPartID and
// parseThreePartID split on ':'; resource_github_repository_file.go's importer reads
// <repository>/<file path>:<branch>). Deployment branch policies have none a config can know:
// their id ends in GitHub's numeric policy id (resource_github_repository_environment_deployment_policy.go).

/** github_actions_variable: `<repository>:<variable_name>`. */
function actionsVariableImportId(repository: string, name: string): string {
  return `${repository}:${name}`;
}

/** github_repository_environment: `<repository>:<environment>`; github_actions_environment_variable: `<repository>:<environment>:<name>`. */
function environmentImportId(repository: string, environment: string, variable?: string): string {
  return variable === undefined ? `${repository}:${environment}` : `${repository}:${environment}:${variable}`;
}

/** github_repository_file: `<repository>/<path>:<branch>` (the importer reads the branch after the ':'). */
function repositoryFileImportId(repository: string, path: string, branch: string): string {
  return `${repository}/${path}:${branch}`;
}

function environmentImportIds(ids: Map<TerraformResource, string>, env: DeployEnvironment, repository: string, environment: string): void {
  ids.set(env.environment, environmentImportId(repository, environment));
  for (const [name, variable] of Object.entries(env.variables)) ids.set(variable, environmentImportId(repository, environment, name));
}
