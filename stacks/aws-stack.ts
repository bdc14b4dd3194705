import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Annotations, TerraformOutput, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { NO_DEPARTURES, type Departures } from "../config/inventory";
import {
  ecrRepositoryArn,
  isRunnerReady,
  oidcProviderArn,
  permissionsBoundaryArn,
  roleArn,
  roleSubjects,
  selfSubjectIdentity,
  subjectIdentity,
  workflowDisplayName,
} from "../config/derive";
import type { PlatformConfig } from "../config/schema";
import { CodeBuildRunner } from "../modules/codebuild-runner";
import { CodeConnection } from "../modules/code-connection";
import { deployPolicy, planPolicy, type CiPolicyScope } from "../modules/ci-policies";
import { DeployRole } from "../modules/deploy-role";
import { EcrRepository } from "../modules/ecr-repository";
import { GithubOidcProvider } from "../modules/github-oidc-provider";
import { terraformLiterals } from "../modules/terraform-text";
import { PermissionsBoundary } from "../modules/permissions-boundary";
import { suppressRule } from "../guardrails/suppressions";
import { configureStateBackend } from "./backend";
import { PlatformStack } from "./platform-stack";
import { addressMap, emitDepartures } from "./inventory";
import { constructId, DEFAULT_TAGS } from "./naming";

/** The console step that turns a PENDING connection AVAILABLE; printed by synth while pending. */
function connectionHandshakeSteps(connectionName: string, region: string, owner: string): string {
  return [
    `The CodeConnections connection "${connectionName}" must be completed once by a person, in the AWS console:`,
    `  1. Open https://console.aws.amazon.com/codesuite/settings/connections?region=${region}`,
    `  2. Select "${connectionName}" (status Pending) and choose "Update pending connection".`,
    `  3. Install the "AWS Connector for GitHub" app on ${owner} (or pick its existing installation), limited to the runner repositories, and connect.`,
    `  4. Set codeConnection.status: available in platform.yaml and run cdktf deploy again: the runner webhooks are created then.`,
  ].join("\n");
}

export interface AwsPlatformStackOptions {
  /**
   * ECR repositories of the managed inventory that are no longer in the config: the released ones
   * get `removed` blocks (destroy = false), the deleted ones (named in intendedChanges) nothing.
   * @default - none (nothing left the config)
   */
  readonly ecrDepartures?: Departures;
}

/**
 * Everything on the AWS side of one account and region: the OIDC provider, ECR repositories,
 * deploy roles, the GitHub connection and the CodeBuild runners.
 */
export class AwsPlatformStack extends PlatformStack {
  readonly oidcProvider?: GithubOidcProvider;
  readonly connection?: CodeConnection;
  readonly ecrRepositories: Readonly<Record<string, EcrRepository>>;
  readonly deployRoles: Readonly<Record<string, DeployRole>>;
  readonly runners: Readonly<Record<string, CodeBuildRunner>>;
  /** The permissions boundary every role of this stack carries. */
  /** The boundary every role of the stack carries; none when the stack creates no role. */
  readonly permissionsBoundary?: PermissionsBoundary;
  /** The template's own plan and deploy roles (config `self`). */
  readonly ciRoles?: { readonly plan: DeployRole; readonly deploy: DeployRole };
  /** ECR repository name -> the addresses synthesized for it (the managed inventory's entries). */
  readonly managed: Readonly<Record<string, readonly string[]>>;

  constructor(scope: Construct, stackName: string, config: PlatformConfig, options: AwsPlatformStackOptions = {}) {
    super(scope, stackName);
    const { accountId, region } = config.aws;

    new AwsProvider(
      this,
      "aws",
      terraformLiterals({
        region,
        // Refuses to plan or apply with credentials of any other account.
        allowedAccountIds: [accountId],
        defaultTags: [{ tags: DEFAULT_TAGS }],
      }),
    );
    configureStateBackend(this, stackName, config.aws);

    // OIDC provider: created here, or the account's existing one (only one may exist).
    let providerArn = oidcProviderArn(accountId, region);
    const roleDependencies: ITerraformDependable[] = [];
    if (config.oidcProvider.existingArn !== undefined) {
      providerArn = config.oidcProvider.existingArn;
    } else {
      this.oidcProvider = new GithubOidcProvider(this, "GithubOidcProvider");
      roleDependencies.push(this.oidcProvider.resource);
    }

    // Every role lives under one IAM path and carries one boundary: the deploy role may manage
    // roles under that path only, and only with that boundary (modules/ci-policies.ts).
    const iamPath = config.aws.iam.path;
    const boundaryArn = permissionsBoundaryArn(accountId, region, iamPath, config.aws.iam.permissionsBoundaryName);
    const ciScope = this.ciScopeFor(config, providerArn, boundaryArn);
    const createsRoles = ciScope !== undefined || config.repositories.some((r) => r.deployRoles.length > 0 || r.runner !== undefined);
    // A boundary bounding no role would be a policy that grants nothing yet reads like one.
    const boundary = !createsRoles
      ? undefined
      : new PermissionsBoundary(this, "PermissionsBoundary", {
      policyName: config.aws.iam.permissionsBoundaryName,
      accountId,
      region,
      iamPath,
      permissionsBoundaryArn: boundaryArn,
      ciRoleNames: ciScope?.ciRoleNames ?? [],
      ci: ciScope,
      runnerTokenSecretArns: config.repositories.flatMap((r) => (r.runner?.legacyPersonalToken ? [r.runner.legacyPersonalToken.secretArn] : [])),
    });
    this.permissionsBoundary = boundary;
    // The boundary (its ARN is written literally, so Terraform needs the order) exists before any role.
    if (boundary) roleDependencies.push(boundary.resource);
    const roleDefaults = { path: iamPath, permissionsBoundaryArn: boundaryArn };

    const ecrRepositories: Record<string, EcrRepository> = {};
    for (const ecr of config.repositories.flatMap((r) => r.ecrRepositories)) {
      ecrRepositories[ecr.name] = new EcrRepository(this, constructId("EcrRepository", ecr.name), {
        name: ecr.name,
        tagMutability: ecr.tagMutability,
        scanOnPush: ecr.scanOnPush,
        encryption: ecr.encryption,
        keepLastImages: ecr.lifecycle.keepLastImages,
        untaggedExpireDays: ecr.lifecycle.untaggedExpireDays,
      });
    }
    this.ecrRepositories = ecrRepositories;
    const ecrArns = (names: readonly string[]) => names.map((n) => ecrRepositoryArn(accountId, region, n));

    const deployRoles: Record<string, DeployRole> = {};
    for (const repo of config.repositories) {
      const identity = subjectIdentity(config, repo);
      for (const role of repo.deployRoles) {
        const built = new DeployRole(this, constructId("DeployRole", role.name), {
          roleName: role.name,
          description: role.description ?? `GitHub Actions deploy role for ${config.github.owner}/${repo.name}`,
          oidcProviderArn: providerArn,
          subjects: roleSubjects(identity, role.allow, role.wildcardSubjects.map((w) => w.pattern)),
          ecrPushRepositoryArns: ecrArns(role.ecrPush),
          ecrPull: role.ecrPull,
          maxSessionDurationSeconds: role.maxSessionDurationSeconds,
          ...roleDefaults,
          dependsOn: roleDependencies,
        });
        for (const w of role.wildcardSubjects) suppressRule(built.resource, "OIDC-013", `${w.pattern}: ${w.reason}`);
        const pullRequestOptIn = repo.publicRepositoryOptIns?.pullRequestTrust;
        if (role.allow.pullRequest && pullRequestOptIn) suppressRule(built.resource, "OIDC-014", pullRequestOptIn);
        deployRoles[role.name] = built;
        new TerraformOutput(
          this,
          constructId("RoleArn", role.name),
          terraformLiterals({
            value: roleArn(accountId, region, role.name, iamPath),
            description: `ARN of ${role.name}, also set as an Actions variable on ${repo.name}`,
          }),
        );
      }
    }
    this.deployRoles = deployRoles;

    if (config.self !== undefined && ciScope !== undefined) {
      this.ciRoles = this.ciRolesFor(config, config.self, ciScope, roleDependencies);
    }

    const runners: Record<string, CodeBuildRunner> = {};
    const runnerRepos = config.repositories.filter((r) => r.runner !== undefined);
    const conn = config.codeConnection;
    let connectionArn: string | undefined;
    let connectionStatus: string | undefined;
    // The connection lives as long as codeConnection is configured, whatever uses it: removing the
    // last runner must not destroy it (a new one needs the console handshake again).
    if (conn !== undefined) {
      if (conn.existingArn !== undefined) {
        connectionArn = conn.existingArn;
      } else {
        this.connection = new CodeConnection(this, "GitHubConnection", { name: conn.name as string });
        connectionArn = this.connection.arn;
        connectionStatus = this.connection.status;
        new TerraformOutput(this, "GitHubConnectionStatus", {
          value: this.connection.status,
          description: "PENDING until the GitHub App handshake is completed in the AWS console",
        });
      }
      if (conn.status === "pending" && runnerRepos.some((r) => r.runner!.legacyPersonalToken === undefined)) {
        Annotations.of(this).addWarning(
          `Runner webhooks (and the workflows that run on them) are not created while codeConnection.status is pending.\n${connectionHandshakeSteps(conn.name ?? conn.existingArn ?? "", region, config.github.owner)}`,
        );
      }
    }

    for (const repo of runnerRepos) {
      const runner = repo.runner!;
      const token = runner.legacyPersonalToken;
      const built = new CodeBuildRunner(this, constructId("Runner", runner.projectName), {
        projectName: runner.projectName,
        accountId,
        region,
        scope: runner.organizationWebhook
          ? { kind: "organization", owner: config.github.owner }
          : { kind: "repository", owner: config.github.owner, repository: repo.name },
        // The config validator requires codeConnection for every runner without a legacy token.
        auth: token ? { kind: "personal-token", secretArn: token.secretArn, owner: token.owner } : { kind: "connection", connectionArn: connectionArn! },
        connectionStatus: token ? undefined : connectionStatus,
        createWebhook: isRunnerReady(config, runner),
        computeType: runner.computeType,
        environmentType: runner.environmentType,
        image: runner.image,
        privilegedMode: runner.privilegedMode.enabled,
        timeoutMinutes: runner.timeoutMinutes,
        logRetentionDays: runner.logRetentionDays,
        rolePath: iamPath,
        permissionsBoundaryArn: boundaryArn,
        roleDependsOn: boundary ? [boundary.resource] : [],
        // The webhook admits exactly the generated workflows that run on this runner, of the
        // repositories they belong to: a job of any other workflow starts no build.
        workflowNames: repo.workflows.filter((w) => w.runsOn === "codebuild").map(workflowDisplayName),
        repositories: [repo.name],
        actorAccountIds: runner.allowedActorIds,
      });
      // Opt-ins written in the config become visible suppressions: synth prints them with their reason.
      if (runner.privilegedMode.enabled && runner.privilegedMode.reason) {
        suppressRule(built.project, "CB-006", runner.privilegedMode.reason);
      }
      if (token) suppressRule(built.project, "CB-003", token.reason);
      const optIns = repo.publicRepositoryOptIns ?? {};
      if (optIns.privilegedRunner) suppressRule(built.project, "CB-013", optIns.privilegedRunner);
      if (built.webhook && optIns.organizationRunner) suppressRule(built.webhook, "CB-014", optIns.organizationRunner);
      if (built.webhook && optIns.runnerWithoutActorFilter) suppressRule(built.webhook, "CB-012", optIns.runnerWithoutActorFilter);
      if (isRunnerReady(config, runner) && built.webhook === undefined) {
        Annotations.of(this).addWarning(
          `${repo.name}: runner ${runner.projectName} gets no webhook: no workflow of the repository has runsOn: codebuild, and the webhook admits only those workflows by name.`,
        );
      }
      runners[runner.projectName] = built;
    }
    this.runners = runners;
    this.managed = addressMap(new Map(Object.entries(ecrRepositories).map(([name, ecr]) => [name, [ecr]])));
    emitDepartures(this, "ecrRepositories", options.ecrDepartures ?? NO_DEPARTURES);
  }

  /** What the CI roles (config `self`) may reach; undefined without `self` and a state backend. */
  private ciScopeFor(config: PlatformConfig, providerArn: string, boundaryArn: string): CiPolicyScope | undefined {
    const { self } = config;
    const state = config.aws.stateBackend;
    if (self === undefined || state === undefined) return undefined;
    return {
      accountId: config.aws.accountId,
      region: config.aws.region,
      iamPath: config.aws.iam.path,
      permissionsBoundaryArn: boundaryArn,
      ciRoleNames: [self.planRoleName, self.deployRoleName],
      oidcProviderArn: providerArn,
      stateBucket: state.bucket,
      stateKeyPrefix: state.keyPrefix,
      codebuildProjects: config.repositories.flatMap((r) => (r.runner ? [r.runner.projectName] : [])),
    };
  }

  /**
   * The identities of this template's own workflows: plans on pull requests of the self
   * repository (read-only), applies from its protected environment (everything the stack manages).
   */
  private ciRolesFor(
    config: PlatformConfig,
    self: NonNullable<PlatformConfig["self"]>,
    scope: CiPolicyScope,
    dependsOn: ITerraformDependable[],
  ): { plan: DeployRole; deploy: DeployRole } {
    const { accountId, region } = config.aws;
    const identity = selfSubjectIdentity(config, self);
    const none = { branches: [], tags: [], environments: [], pullRequest: false };
    const repo = `${config.github.owner}/${self.repository}`;
    const roleDefaults = { path: scope.iamPath, permissionsBoundaryArn: scope.permissionsBoundaryArn };

    const plan = new DeployRole(this, "PlatformPlanRole", {
      roleName: self.planRoleName,
      description: `Read-only plans of this platform from pull requests and ${self.defaultBranch} of ${repo}`,
      oidcProviderArn: scope.oidcProviderArn,
      // Pull requests (plan.yml), and the default branch: deploy.yml plans there, with no credential
      // that can write, and only its apply job enters the environment the deploy role trusts.
      subjects: roleSubjects(identity, { ...none, pullRequest: true, branches: [self.defaultBranch] }, []),
      inlinePolicies: { "platform-plan": planPolicy(scope) },
      ...roleDefaults,
      dependsOn,
    });
    const planPolicyConstruct = plan.inlinePolicies["platform-plan"];
    const listed = config.repositories.find((r) => r.name.toLowerCase() === self.repository.toLowerCase());
    if (listed?.publicRepositoryOptIns?.pullRequestTrust) suppressRule(plan.resource, "OIDC-014", listed.publicRepositoryOptIns.pullRequestTrust);
    suppressRule(
      planPolicyConstruct,
      "IAM-003",
      "the plan role reads every ECR repository's settings (Describe/Get/List only) so terraform plan can compare them; it cannot push or change images",
    );
    suppressRule(
      planPolicyConstruct,
      "IAM-002",
      `the plan role only reads (Get/List/Describe): roles under ${scope.iamPath}, and repositories, connections and log groups of this account and region by type, so a pull request that adds one can be planned`,
    );

    const deploy = new DeployRole(this, "PlatformDeployRole", {
      roleName: self.deployRoleName,
      description: `Applies this platform from the ${self.environment} environment of ${repo}`,
      oidcProviderArn: scope.oidcProviderArn,
      subjects: roleSubjects(identity, { ...none, environments: [self.environment] }, []),
      inlinePolicies: { "platform-deploy": deployPolicy(scope) },
      ...roleDefaults,
      dependsOn,
    });
    const deployPolicyConstruct = deploy.inlinePolicies["platform-deploy"];
    // True because of what the policy itself says (each is a tested property of deployPolicy).
    const confined = `it may create and change only roles under the IAM path ${scope.iamPath}, only with the permissions boundary ${scope.permissionsBoundaryArn} on them, pass them to codebuild.amazonaws.com only, and is explicitly denied changing itself, the plan role, the boundary or any role's boundary; only jobs in the protected ${self.environment} environment of ${repo} can assume it`;
    suppressRule(
      deployPolicyConstruct,
      "IAM-003",
      `the deploy role is what cdktf deploy runs as: it creates and configures the ECR repositories of this account and region (never pushes or deletes images); ${confined}`,
    );
    suppressRule(deployPolicyConstruct, "IAM-004", `the deploy role is what cdktf deploy runs as: ${confined}`);
    suppressRule(
      deployPolicyConstruct,
      "IAM-002",
      `the deploy role's wildcards stay inside what the stack manages: roles under ${scope.iamPath} (with the boundary), and ECR repositories, connections, log groups and ECR's KMS grants of this account and region by type, so a pull request that adds one is deployable without an administrator`,
    );

    for (const [id, role, what] of [
      ["PlatformPlanRoleArn", self.planRoleName, "plan"],
      ["PlatformDeployRoleArn", self.deployRoleName, "deploy"],
    ] as const) {
      new TerraformOutput(
        this,
        id,
        terraformLiterals({
          value: roleArn(accountId, region, role, scope.iamPath),
          description: `ARN of the ${what} role of ${repo}'s own workflows, also set as an Actions variable there`,
        }),
      );
    }
    return { plan, deploy };
  }
}
