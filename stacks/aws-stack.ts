import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Annotations, TerraformOutput, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { NO_DEPARTURES, type Departures } from "../config/inventory";
import { ecrRepositoryArn, oidcProviderArn, policyArn, roleArn } from "../domain/arn";
import {
  accountRoleArn,
  entryAccount,
  isRunnerReady,
  findAccount,
  jobWorkflowRefPattern,
  primaryAccount,
  resolvedDeployRoles,
  roleSubjects,
  type ResolvedDeployRole,
  type RoleTrustEntry,
  SELF_ROLE_WORKFLOWS,
  selfSubjectIdentity,
  stateKeyFolder,
  subjectIdentity,
  workflowDisplayName,
  type AwsAccount,
} from "../config/derive";
import type { PlatformConfig, RepositoryConfig, WorkflowConfig } from "../config/schema";
import { formatPath } from "../config/cross-references";
import { configuredRunners } from "../config/runners";
import { resolvedConnection, resolvedRunners, type ResolvedConnection, type ResolvedRunner } from "../config/resolved";
import type { TrustedRepository } from "../modules/policy-document";
import { CodeBuildRunner, type CodeBuildRunnerProps } from "../modules/codebuild-runner";
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

/**
 * One repository's part of a deploy role's trust: its subjects in its subject format, and the
 * claims the role pins (the config validator guarantees the ids and workflows these need).
 */
function trustedRepository(config: PlatformConfig, role: ResolvedDeployRole, t: RoleTrustEntry): TrustedRepository {
  const subjects = roleSubjects(subjectIdentity(config, t.repository), t.allow, t.wildcardSubjects.map((w) => w.pattern));
  const files = t.repository.workflows.filter((w) => w.deployRole === role.name).map((w) => w.file);
  return {
    subjects,
    pinned: role.pinClaims.repositoryId && t.repository.id !== undefined ? { repository_id: [String(t.repository.id)] } : undefined,
    pinnedLike: role.pinClaims.jobWorkflowRef ? { job_workflow_ref: files.map((f) => jobWorkflowRefPattern(config.github.owner, t.repository.name, f)) } : undefined,
  };
}

export interface AwsPlatformStackOptions {
  /**
   * ECR repositories of the managed inventory that are no longer in the config: the released ones
   * get `removed` blocks (destroy = false), the deleted ones (named in intendedChanges) nothing.
   * @default - none (nothing left the config)
   */
  readonly ecrDepartures?: Departures;
  /**
   * The account and region this stack manages: only the ECR repositories, deploy roles and runners
   * that live in it are created here.
   * @default - the config's first (or only) account
   */
  readonly account?: AwsAccount;
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

  /** The account and region of this stack. */
  readonly account: AwsAccount;

  constructor(scope: Construct, stackName: string, config: PlatformConfig, options: AwsPlatformStackOptions = {}) {
    super(scope, stackName);
    const account = options.account ?? primaryAccount(config);
    this.account = account;
    const { accountId, region } = account;
    const here = (repo: RepositoryConfig, entry: { readonly account?: string }) => entryAccount(config, repo, entry).name === account.name;
    const roleHere = (role: { readonly account?: string }) => findAccount(config, role.account)?.name === account.name;

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
    configureStateBackend(this, stackName, account, config.github.owner);

    // OIDC provider: created here, or the account's existing one (only one may exist).
    let providerArn = oidcProviderArn(accountId, region);
    const roleDependencies: ITerraformDependable[] = [];
    if (account.oidcProvider.existingArn !== undefined) {
      providerArn = account.oidcProvider.existingArn;
    } else {
      this.oidcProvider = new GithubOidcProvider(this, "GithubOidcProvider");
      roleDependencies.push(this.oidcProvider.resource);
    }

    // Every role lives under one IAM path and carries one boundary: the deploy role may manage
    // roles under that path only, and only with that boundary (modules/ci-policies.ts).
    const iamPath = account.iam.path;
    const boundaryArn = policyArn(accountId, region, iamPath, account.iam.permissionsBoundaryName);
    // The template's own CI roles live in the primary account (several accounts with self are refused).
    const ciScope = account.name === primaryAccount(config).name ? this.ciScopeFor(config, providerArn, boundaryArn) : undefined;
    const configured = resolvedRunners(config).filter((r) => r.account.name === account.name);
    const createsRoles =
      ciScope !== undefined || configured.length > 0 || resolvedDeployRoles(config).some(roleHere);
    // A boundary bounding no role would be a policy that grants nothing yet reads like one.
    const boundary = !createsRoles
      ? undefined
      : new PermissionsBoundary(this, "PermissionsBoundary", {
      policyName: account.iam.permissionsBoundaryName,
      accountId,
      region,
      iamPath,
      permissionsBoundaryArn: boundaryArn,
      ciRoleNames: ciScope?.ciRoleNames ?? [],
      ci: ciScope,
      runnerTokenSecretArns: configured.flatMap((r) => (r.settings.legacyPersonalToken ? [r.settings.legacyPersonalToken.secretArn] : [])),
    });
    this.permissionsBoundary = boundary;
    // The boundary (its ARN is written literally, so Terraform needs the order) exists before any role.
    if (boundary) roleDependencies.push(boundary.resource);
    const roleDefaults = { path: iamPath, permissionsBoundaryArn: boundaryArn };

    const ecrRepositories: Record<string, EcrRepository> = {};
    for (const ecr of config.repositories.flatMap((r) => r.ecrRepositories.filter((e) => here(r, e)))) {
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
    for (const role of resolvedDeployRoles(config).filter(roleHere)) {
      const repos = role.trust.map((t) => t.repository.name);
      const built = new DeployRole(this, constructId("DeployRole", role.name), {
        roleName: role.name,
        description:
          role.description ??
          (role.shared
            ? `GitHub Actions deploy role shared by ${repos.map((r) => `${config.github.owner}/${r}`).join(", ")}`
            : `GitHub Actions deploy role for ${config.github.owner}/${repos[0]}`),
        oidcProviderArn: providerArn,
        subjects: role.trust.map((t) => trustedRepository(config, role, t)),
        ecrPushRepositoryArns: ecrArns(role.ecrPush),
        ecrPull: role.ecrPull,
        maxSessionDurationSeconds: role.maxSessionDurationSeconds,
        ...roleDefaults,
        dependsOn: roleDependencies,
      });
      for (const t of role.trust) {
        for (const w of t.wildcardSubjects) suppressRule(built.resource, "OIDC-013", `${w.pattern}: ${w.reason}`);
        const pullRequestOptIn = t.repository.publicRepositoryOptIns?.pullRequestTrust;
        if (t.allow.pullRequest && pullRequestOptIn) suppressRule(built.resource, "OIDC-014", pullRequestOptIn);
      }
      deployRoles[role.name] = built;
      new TerraformOutput(
        this,
        constructId("RoleArn", role.name),
        terraformLiterals({
          value: accountRoleArn(account, role.name),
          description: `ARN of ${role.name}, also set as an Actions variable on ${repos.join(", ")}`,
        }),
      );
    }
    this.deployRoles = deployRoles;

    if (config.self !== undefined && ciScope !== undefined) {
      this.ciRoles = this.ciRolesFor(config, config.self, ciScope, roleDependencies);
    }

    const runners: Record<string, CodeBuildRunner> = {};
    const conn = resolvedConnection(account);
    // The connection this stack creates (an account has one), by name: one construct, whoever asks first.
    const created = new Map<string, CodeConnection>();
    const createdConnection = (name: string): CodeConnection => {
      const existing = created.get(name);
      if (existing !== undefined) return existing;
      const connection = new CodeConnection(this, "GitHubConnection", { name });
      created.set(name, connection);
      return connection;
    };
    // How a runner without a token reaches GitHub; a created connection's status lets the webhook wait for AVAILABLE.
    const connectionAuth = (c: ResolvedConnection): RunnerConnectionAuth => {
      if (c.kind === "existing") return { auth: { kind: "connection", connectionArn: c.existingArn } };
      const connection = createdConnection(c.name);
      return { auth: { kind: "connection", connectionArn: connection.arn }, connectionStatus: connection.status };
    };
    // The connection lives as long as codeConnection is configured, whatever uses it: removing the
    // last runner must not destroy it (a new one needs the console handshake again).
    if (conn !== undefined) {
      if (conn.kind === "created") {
        this.connection = createdConnection(conn.name);
        new TerraformOutput(this, "GitHubConnectionStatus", {
          value: this.connection.status,
          description: "PENDING until the GitHub App handshake is completed in the AWS console",
        });
      }
      if (conn.status === "pending" && configured.some((r) => r.auth.kind === "connection")) {
        Annotations.of(this).addWarning(
          `Runner webhooks (and the workflows that run on them) are not created while codeConnection.status is pending.\n${connectionHandshakeSteps(conn.kind === "created" ? conn.name : conn.existingArn, region, config.github.owner)}`,
        );
      }
    }

    const runnerContext: RunnerContext = {
      accountId,
      region,
      owner: config.github.owner,
      connectionAuth,
      ready: (runner) => isRunnerReady(config, runner.settings, runner.ownRepository),
      iamPath,
      permissionsBoundaryArn: boundaryArn,
      roleDependsOn: boundary ? [boundary.resource] : [],
    };
    for (const runner of configured) runners[runner.name] = addRunner(this, runner, runnerContext);
    this.runners = runners;
    this.managed = addressMap(new Map(Object.entries(ecrRepositories).map(([name, ecr]) => [name, [ecr]])));
    emitDepartures(this, "ecrRepositories", options.ecrDepartures ?? NO_DEPARTURES);
  }

  /** What the CI roles (config `self`) may reach; undefined without `self` and a state backend. */
  private ciScopeFor(config: PlatformConfig, providerArn: string, boundaryArn: string): CiPolicyScope | undefined {
    const { self } = config;
    const account = primaryAccount(config);
    const state = account.stateBackend;
    if (self === undefined || state === undefined) return undefined;
    return {
      accountId: account.accountId,
      region: account.region,
      iamPath: account.iam.path,
      permissionsBoundaryArn: boundaryArn,
      ciRoleNames: [self.planRoleName, self.deployRoleName],
      oidcProviderArn: providerArn,
      stateBucket: state.bucket,
      stateKeyPrefix: stateKeyFolder(state, config.github.owner),
      codebuildProjects: configuredRunners(config).map((r) => r.name),
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
    const { accountId, region } = primaryAccount(config);
    const identity = selfSubjectIdentity(config, self);
    const none = { branches: [], tags: [], environments: [], pullRequest: false };
    const repo = `${config.github.owner}/${self.repository}`;
    const roleDefaults = { path: scope.iamPath, permissionsBoundaryArn: scope.permissionsBoundaryArn };

    // The template knows which of its own workflows assume which role: pinClaims.jobWorkflowRef ties them to those files.
    const pinned = (subjects: ReturnType<typeof roleSubjects>, files: readonly string[]): TrustedRepository[] => [
      {
        subjects,
        pinned: self.pinClaims.repositoryId && self.id !== undefined ? { repository_id: [String(self.id)] } : undefined,
        pinnedLike: self.pinClaims.jobWorkflowRef ? { job_workflow_ref: files.map((f) => jobWorkflowRefPattern(config.github.owner, self.repository, f)) } : undefined,
      },
    ];
    const plan = new DeployRole(this, "PlatformPlanRole", {
      roleName: self.planRoleName,
      description: `Read-only plans of this platform from pull requests and ${self.defaultBranch} of ${repo}`,
      oidcProviderArn: scope.oidcProviderArn,
      // Pull requests (plan.yml), and the default branch: deploy.yml plans there, with no credential
      // that can write, and only its apply job enters the environment the deploy role trusts.
      subjects: pinned(roleSubjects(identity, { ...none, pullRequest: true, branches: [self.defaultBranch] }, []), SELF_ROLE_WORKFLOWS.plan),
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
      subjects: pinned(roleSubjects(identity, { ...none, environments: [self.environment] }, []), SELF_ROLE_WORKFLOWS.deploy),
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

/** What every runner of one AWS stack shares: where it lives, how it reaches GitHub, its role defaults. */
export interface RunnerContext {
  readonly accountId: string;
  readonly region: string;
  /** github.owner: the organisation of an organisation webhook, the owner of a repository's. */
  readonly owner: string;
  /** The stack's side of the account's connection, for the runners that authenticate with it. */
  readonly connectionAuth: (connection: ResolvedConnection) => RunnerConnectionAuth;
  /** Can the runner take jobs (connection available, or a legacy token)? Only then is its webhook created. */
  readonly ready: (runner: ResolvedRunner) => boolean;
  readonly iamPath: string;
  readonly permissionsBoundaryArn: string;
  readonly roleDependsOn: ITerraformDependable[];
}

/** A runner's connection ARN and, for a connection this stack creates, its status attribute. */
type RunnerConnectionAuth = Pick<CodeBuildRunnerProps, "auth" | "connectionStatus">;

/**
 * One runner's AWS resources (project, service role, log group, webhook), for a repository's own
 * runner and a shared one alike, with the opt-ins of the config as visible suppressions.
 */
function addRunner(scope: Construct, runner: ResolvedRunner, ctx: RunnerContext): CodeBuildRunner {
  const settings = runner.settings;
  const token = runner.auth.kind === "personal-token" ? runner.auth.token : undefined;
  const ready = ctx.ready(runner);
  const own = runner.ownRepository;
  const names = (workflows: readonly WorkflowConfig[]) => workflows.map(workflowDisplayName);
  const built = new CodeBuildRunner(scope, constructId("Runner", runner.name), {
    projectName: runner.name,
    accountId: ctx.accountId,
    region: ctx.region,
    scope:
      runner.organizationWebhook || own === undefined
        ? { kind: "organization", owner: ctx.owner }
        : { kind: "repository", owner: ctx.owner, repository: own.name },
    ...(runner.auth.kind === "personal-token"
      ? { auth: { kind: "personal-token", secretArn: runner.auth.token.secretArn, owner: runner.auth.token.owner } }
      : ctx.connectionAuth(runner.auth.connection)),
    createWebhook: ready,
    computeType: settings.computeType,
    environmentType: settings.environmentType,
    image: settings.image,
    privilegedMode: settings.privilegedMode.enabled,
    timeoutMinutes: settings.timeoutMinutes,
    logRetentionDays: settings.logRetentionDays,
    rolePath: ctx.iamPath,
    permissionsBoundaryArn: ctx.permissionsBoundaryArn,
    roleDependsOn: ctx.roleDependsOn,
    // The webhook admits exactly the generated workflows that run on this runner, of the
    // repositories they belong to: a job of any other workflow starts no build.
    ...(runner.kind === "shared"
      ? { repositoryWorkflows: runner.served.map((s) => ({ repository: s.repository.name, workflowNames: names(s.workflows) })) }
      : { workflowNames: names(runner.served[0]?.workflows ?? []), repositories: own ? [own.name] : [] }),
    actorAccountIds: settings.allowedActorIds,
  });
  // Opt-ins written in the config become visible suppressions: synth prints them with their reason.
  if (settings.privilegedMode.enabled && settings.privilegedMode.reason) {
    suppressRule(built.project, "CB-006", settings.privilegedMode.reason);
  }
  if (token) suppressRule(built.project, "CB-003", token.reason);
  // A repository's own opt-ins as written; a shared runner carries those of each public repository it serves.
  const optInsOf = runner.kind === "shared"
    ? runner.served.flatMap((s) => (s.repository.publicRepositoryOptIns ? [{ of: `${s.repository.name}: `, optIns: s.repository.publicRepositoryOptIns }] : []))
    : [{ of: "", optIns: own?.publicRepositoryOptIns ?? {} }];
  for (const { of, optIns } of optInsOf) {
    if (optIns.privilegedRunner) suppressRule(built.project, "CB-013", `${of}${optIns.privilegedRunner}`);
    if (built.webhook && optIns.organizationRunner) suppressRule(built.webhook, "CB-014", `${of}${optIns.organizationRunner}`);
    if (built.webhook && optIns.runnerWithoutActorFilter) suppressRule(built.webhook, "CB-012", `${of}${optIns.runnerWithoutActorFilter}`);
  }
  if (ready && built.webhook === undefined) {
    Annotations.of(scope).addWarning(
      runner.kind === "shared"
        ? `runner ${runner.name} (${formatPath(runner.path)}) gets no webhook: no workflow names it with runsOn: { runner: ${runner.name} }, and the webhook admits only those workflows by name.`
        : `${runner.ownRepository.name}: runner ${runner.name} gets no webhook: no workflow of the repository has runsOn: codebuild, and the webhook admits only those workflows by name.`,
    );
  }
  return built;
}
