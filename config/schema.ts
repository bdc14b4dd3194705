/**
 * The one config file's schema. Everything downstream trusts the types this produces, so every
 * rule a user can break is checked here, with a message that says what is allowed.
 *
 * Field names are camelCase; GitHub's UI words for permissions are accepted and mapped to the
 * values the GitHub API reports (GH-004), so plans never show a permanent diff.
 */
import { z } from "zod";
import { secretNameWord, secretValueKind } from "../guardrails/rules/github/gh-008-secret-shapes";
import { identifierProblem } from "../modules/terraform-text";
import { describePartitions, partitionOfRegion } from "../domain/arn";
import { DEFAULT_IAM_PATH, DEFAULT_PERMISSIONS_BOUNDARY_NAME } from "./derive";

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/**
 * A string that names something (branch, tag, environment, image, ARN): printable ASCII only, and
 * no `${`/`%{`, which Terraform would evaluate. Checked first, so the message names the character.
 * Free text (descriptions, variable values, display names) is escaped instead, at the boundary
 * where it becomes a Terraform string (modules/terraform-text.ts).
 */
const identifierString = () =>
  z.string().refine((s) => identifierProblem(s) === undefined, {
    error: (issue) => identifierProblem(String(issue.input)),
    abort: true,
  });

/** GitHub login: 1-39 alphanumerics or single hyphens, not starting or ending with a hyphen. */
const githubLogin = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, {
      error: `must be a GitHub ${what} login: 1-39 letters, digits or single hyphens, not starting or ending with a hyphen`,
    });

const repositoryName = z
  .string()
  .regex(/^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, {
    error: "must be a GitHub repository name: 1-100 letters, digits, '.', '_' or '-' (not '.' or '..')",
  });

const teamSlug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, {
  error: "must be a team slug as in the team's URL: lowercase letters, digits, '-' or '_'",
});

/** A positive integer id as GitHub reports it (owner id, repository id). */
const githubId = (what: string) =>
  z.number({ error: `must be the numeric ${what} id GitHub reports (an integer, no quotes)` }).int().positive();

/** Git ref names as GitHub accepts them for branches and tags, without wildcards. */
const exactRefName = (what: string) =>
  identifierString()
    .min(1, { error: `${what} name must not be empty` })
    .refine((s) => !/[*?]/.test(s), {
      error: `exact ${what} names cannot contain '*' or '?'; put patterns under wildcardSubjects with a reason`,
    })
    .refine((s) => !/[\s~^:\\[]|\.\.|@\{|^\/|\/$|\.lock$|^-/.test(s), {
      error: `is not a valid git ${what} name (no spaces, '~^:\\[', '..', '@{', leading '-' or '/', trailing '/' or '.lock')`,
    })
    .refine((s) => !s.startsWith("refs/"), { error: `give the short ${what} name, without 'refs/...'` });

/** A branch or tag filter of a workflow trigger: a name or one of GitHub's glob patterns. */
const refFilter = (what: string) =>
  identifierString()
    .min(1, { error: `${what} filter must not be empty` })
    .refine((s) => !s.startsWith("!") && !/\s/.test(s), {
      error: `${what} filters are names or glob patterns such as v* (no spaces, no '!' negations)`,
    })
    .refine((s) => !s.startsWith("refs/"), { error: `give the short ${what} name, without 'refs/...'` });

const environmentName = identifierString()
  .min(1)
  .max(255)
  .refine((s) => !/[*?]/.test(s), {
    error: "exact environment names cannot contain '*' or '?'; put patterns under wildcardSubjects with a reason",
  })
  .refine((s) => !/[\s:]/.test(s), { error: "environment names cannot contain spaces or ':'" });

const reason = z
  .string({ error: "a written reason is required (at least 10 characters)" })
  .trim()
  .min(10, { error: "the reason must say why, in at least 10 characters" })
  .describe("A written reason for an opt-in that weakens a default; cdk-nag asks for at least 10 characters.");

const awsAccountId = z
  // An unquoted number is explained by the loader, with the digits as written (see config/load.ts).
  .string({ error: (issue) => (typeof issue.input === "number" ? undefined : "must be a quoted string of 12 digits") })
  .regex(/^\d{12}$/, { error: "must be exactly 12 digits, quoted (e.g. \"000123456789\")" });

const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$/, { error: "must be an AWS region code such as ap-northeast-1 or us-east-1", abort: true })
  // The partition names every ARN: a guessed one would write ARNs that name nothing.
  .refine((region) => partitionOfRegion(region) !== undefined, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is in no AWS partition the template knows: ${describePartitions()}; use a region of one of them (a new region prefix goes into PARTITIONS in domain/arn.ts)`,
  });

const iamName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, { error: "must be an IAM role name: 1-64 letters, digits or '+=,.@_-'" });

/**
 * For values that end up as a Resource (or a condition value) of an IAM policy: there '*' and '?'
 * are wildcards, so "*" as a state key prefix lets every pull request read every state in the
 * bucket. Checked first and alone (abort), so the message says why rather than which characters.
 */
const noPolicyWildcard = (what: string) =>
  [
    (s: string) => !/[*?]/.test(s),
    {
      error: `must not contain '*' or '?': the ${what} becomes a resource of an IAM policy, where they are wildcards that widen it to other resources; name the one resource exactly`,
      abort: true,
    },
  ] as const;

/** A path inside the repository, as docker build reads it (Dockerfile and build context). */
function repositoryPathProblem(s: string, what: "file" | "directory"): string | undefined {
  const fix = what === "file" ? 'e.g. "Dockerfile" or "docker/app.Dockerfile"' : 'e.g. "." or "services/app"';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) || /^[^/]*@[^/]*:/.test(s) || s.includes("://")) {
    return `must be a path inside the repository, not a URL or remote (got a scheme, "git@host:" or "://"): docker build would fetch and build that remote source and push it to ECR under this repository's commit SHA; give a relative path, ${fix}`;
  }
  if (s.startsWith("/") || s.startsWith("~") || /^[A-Za-z]:[\\/]/.test(s)) {
    return `must be relative to the repository root, not absolute; give a relative path, ${fix}`;
  }
  if (s.split(/[\\/]/).includes("..")) {
    return `must not contain '..' segments, which can leave the repository checkout; give a path inside it, ${fix}`;
  }
  if (!/^[A-Za-z0-9._/-]+$/.test(s) || s.startsWith("-")) {
    return `may contain only letters, digits and '._-/' (not starting with '-'), ${fix}`;
  }
  if (what === "file" && (s.endsWith("/") || s.split("/").pop() === ".")) {
    return `must name a file, ${fix}`;
  }
  return undefined;
}

const repositoryPath = (what: "file" | "directory", fallback: string) =>
  z
    .string()
    .min(1)
    .superRefine((s, ctx) => {
      const problem = repositoryPathProblem(s, what);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .default(fallback);

/**
 * Labels of GitHub's standard hosted runners (docs: "GitHub-hosted runners reference", standard
 * runners): ubuntu-latest, ubuntu-24.04, ubuntu-24.04-arm, ubuntu-slim, windows-latest,
 * windows-2025, windows-2025-vs2026, windows-11-arm, macos-latest, macos-15, macos-15-intel, and the macOS larger sizes
 * (-large, -xlarge), which GitHub hosts under fixed labels too. A pattern, so a new image version
 * needs no template change.
 */
const GITHUB_HOSTED_LABEL =
  /^(?:ubuntu-(?:latest|slim|\d{2}\.04(?:-arm)?)|windows-(?:latest|20\d\d(?:-vs20\d\d)?|11-arm)|macos-(?:latest|\d{2})(?:-intel|-large|-xlarge)?)$/;

export const DEFAULT_GITHUB_HOSTED_LABEL = "ubuntu-24.04";

const githubHostedLabel = z.string().regex(GITHUB_HOSTED_LABEL, {
  error:
    "must be a label of GitHub's standard hosted runners (ubuntu-latest, ubuntu-24.04, ubuntu-24.04-arm, ubuntu-slim, windows-latest, windows-2025, windows-11-arm, macos-latest, macos-15, macos-15-intel, ...): any other label (self-hosted, a runner group's label) can be served by a machine outside GitHub, which would then run this job with id-token: write; for a larger runner use largerRunner: { label, reason }",
});

/**
 * People and teams who approve deployments to an environment. GitHub accepts at most 6 in all
 * (users and teams together). The github provider 6.9 does not check that: in
 * github/resource_github_repository_environment.go (v6.9.0) MaxItems 6 bounds the number of
 * `reviewers` blocks, while `users` and `teams` are unbounded sets, so the apply fails instead.
 * Shared by every environment the config manages.
 */
const MAX_ENVIRONMENT_REVIEWERS = 6;
const environmentReviewers = z
  .strictObject({
    users: z.array(githubId("user")).default([]),
    teams: z.array(githubId("team")).default([]),
  })
  .refine((r) => r.users.length + r.teams.length <= MAX_ENVIRONMENT_REVIEWERS, {
    error: (issue) => {
      const r = issue.input as { users: unknown[]; teams: unknown[] };
      return `lists ${r.users.length + r.teams.length} reviewers (users and teams together): GitHub allows at most ${MAX_ENVIRONMENT_REVIEWERS} per environment and refuses the apply; keep at most ${MAX_ENVIRONMENT_REVIEWERS}, e.g. put people in a team and list the team`;
    },
  })
  .prefault({});

/**
 * Extra Actions variables of a repository (or environment): never secrets (GH-008). Variables are
 * readable by anyone with read access and printed unmasked in logs.
 */
const actionsVariables = (variableName: z.ZodType<string>) =>
  z
    .record(variableName, z.string().max(48 * 1024))
    .superRefine((variables, ctx) => {
      const visible = "Actions variables are readable by anyone with read access to the repository and printed unmasked in logs";
      for (const [name, value] of Object.entries(variables)) {
        // The value is never quoted: it would land in the synth log.
        const kind = secretValueKind(value);
        const word = secretNameWord(name, value);
        if (kind) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `holds what looks like ${kind} (value not shown): ${visible}; store it as an Actions secret (gh secret set ${name}), remove it here, and rotate it`,
          });
        } else if (word) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `is named like a secret (${word}): ${visible}; store it as an Actions secret (gh secret set ${name}) and read it as secrets.${name} (an ARN that names a secret is fine)`,
          });
        }
      }
    })
    .default({});

// ---------------------------------------------------------------------------------------------
// GitHub permissions (GH-004)
// ---------------------------------------------------------------------------------------------

const PERMISSION_WORDS = ["read", "triage", "write", "maintain", "admin", "pull", "push"] as const;
export type ProviderPermission = "pull" | "triage" | "push" | "maintain" | "admin";
const PERMISSION_MAP: Record<(typeof PERMISSION_WORDS)[number], ProviderPermission> = {
  read: "pull",
  pull: "pull",
  triage: "triage",
  write: "push",
  push: "push",
  maintain: "maintain",
  admin: "admin",
};
const permission = z.enum(PERMISSION_WORDS).transform((word) => PERMISSION_MAP[word]);

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

const githubSection = z.strictObject({
  owner: githubLogin("organisation or user").describe("Organisation or user that owns the repositories."),
  ownerId: githubId("owner")
    .optional()
    .describe("Numeric owner id; needed for the immutable subject format (repo:owner@ID/repo@ID:...)."),
  ownerType: z
    .enum(["organization", "user"])
    .default("organization")
    .describe("Organisation-level runner webhooks and teams need an organisation."),
  /**
   * Split the GitHub side into this many stacks, each with its own state: a repository without a
   * `shard` goes to stack github-<owner>-<NN>, NN = a stable hash of its lowercased name modulo
   * shards. 1 keeps one stack, github-<owner>. Changing it moves repositories between stacks
   * (a state move: released in one, imported in the other; nothing is recreated).
   */
  shards: z
    .number({ error: "must be a whole number from 1 to 256" })
    .int({ error: "must be a whole number from 1 to 256" })
    .min(1, { error: "must be a whole number from 1 to 256" })
    .max(256, { error: "must be a whole number from 1 to 256" })
    .default(1)
    .describe(
      "Split the GitHub side into this many stacks (each its own state): a repository without a shard goes to github-<owner>-<NN>, NN a stable hash of its lowercased name. 1: one stack, github-<owner>.",
    ),
});

const stateBackend = z.strictObject({
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' or '-'" })
    .describe("An existing S3 bucket (versioning and encryption on) that holds the state files."),
  keyPrefix: z
    .string()
    .refine(...noPolicyWildcard("state key prefix"))
    .regex(/^[A-Za-z0-9!_.'()/-]+$/, { error: "must be an S3 key prefix of letters, digits and !_.'()/-" })
    .refine((s) => !s.startsWith("/") && !s.endsWith("/"), { error: "must not start or end with '/'" })
    .default("github-actions-platform")
    .describe("Each stack's state lives at <keyPrefix>/<stack>.tfstate."),
  region: awsRegion.optional().describe("Region of the bucket; defaults to aws.region."),
  /**
   * Put the GitHub owner in every state key: <keyPrefix>/<owner>/<stack>.tfstate, so two configs
   * (two organisations) in one bucket never share a state. Default: false for aws.accountId (the key
   * it always had: nothing moves), true for aws.accounts[] entries.
   */
  ownerInKey: z
    .boolean()
    .optional()
    .describe(
      "Put the GitHub owner in every state key (<keyPrefix>/<owner>/<stack>.tfstate), so two configs for two organisations in one bucket never share a state. Default: false with aws.accountId (the key it always had; changing it moves the state, see README), true in aws.accounts[] entries.",
    ),
});

const iamPath = z
  .string()
  .max(512)
  // At least one segment: under "/" the deploy role could manage every role of the account.
  .regex(/^\/(?:[A-Za-z0-9_+=,.@-]+\/)+$/, {
    error: "must be an IAM path like /github-actions-platform/: starts and ends with '/', one or more segments of letters, digits or '_+=,.@-', not '/' alone",
  });
const iamPolicyName = z.string().regex(/^[\w+=,.@-]{1,128}$/, { error: "must be an IAM policy name: 1-128 letters, digits or '+=,.@_-'" });

/**
 * Where the template's roles live and what caps them. The deploy role may manage roles under this
 * path only, and only with this boundary attached.
 */
const iamSection = z.strictObject({
  path: iamPath
    .default(DEFAULT_IAM_PATH)
    .describe("IAM path of every role the template creates (and of its permissions boundary); the deploy role may manage roles under it only."),
  permissionsBoundaryName: iamPolicyName
    .default(DEFAULT_PERMISSIONS_BOUNDARY_NAME)
    .describe("Name of the managed policy the stack creates as the permissions boundary of every role it creates."),
});

const oidcProviderSection = z.strictObject({
  /**
   * ARN of the account's existing GitHub OIDC provider. An account can hold only one provider per
   * URL, so when one exists already, reference it here instead of creating a second (which fails
   * with EntityAlreadyExists).
   */
  existingArn: z
    .string()
    .refine(...noPolicyWildcard("OIDC provider ARN"))
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, {
      error: "must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
    })
    .optional()
    .describe(
      "ARN of the account's existing GitHub OIDC provider. An account can hold only one provider per URL, so when one exists already, reference it here instead of creating a second (which fails with EntityAlreadyExists).",
    ),
});

const codeConnectionSection = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9.@_-]{1,32}$/, { error: "must be a connection name: 1-32 letters, digits or '.@_-'" })
      .optional()
      .describe("Name of a new CodeConnections connection (provider GitHub) that this template creates."),
    existingArn: z
      .string()
      .refine(...noPolicyWildcard("connection ARN"))
      .regex(/^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/, {
        error: "must be arn:aws:codeconnections:<region>:<account>:connection/<uuid> (or codestar-connections)",
      })
      .optional()
      .describe("ARN of an existing connection to use instead of creating one."),
    /**
     * A connection created by Terraform stays PENDING until someone completes the GitHub App
     * handshake in the AWS console. Runner webhooks are created only once this says available.
     */
    status: z
      .enum(["pending", "available"])
      .default("pending")
      .describe(
        "A connection created by Terraform stays PENDING until someone completes the GitHub App handshake in the AWS console. Runner webhooks are created only once this says available.",
      ),
  })
  .superRefine((c, ctx) => {
    if ((c.name === undefined) === (c.existingArn === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "set exactly one of name (create a connection) or existingArn (use an existing one)",
        path: [],
      });
    }
  });

/** The name config entries use to say which account they live in (ecrRepositories[].account, ...). */
const accountName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, { error: "must be an account name: 1-32 lowercase letters, digits or '-', starting with a letter (e.g. dev, prod)" });

/**
 * One AWS account and region of aws.accounts[]: its own stack (aws-<account>-<region>), state,
 * OIDC provider and connection. Entries refer to it by name.
 */
const awsAccountEntry = z.strictObject({
  name: accountName.describe("What ecrRepositories[].account, deployRoles[].account, runner.account and repositories[].account call this account (e.g. dev, prod)."),
  accountId: awsAccountId,
  region: awsRegion,
  stateBackend: stateBackend
    .optional()
    .describe("Remote state of this account's stack; the first entry's also holds the GitHub stack's state. Without it, local files."),
  oidcProvider: oidcProviderSection.prefault({}).describe("The account's GitHub OIDC provider: created by this stack unless existingArn names the account's existing one."),
  codeConnection: codeConnectionSection.optional().describe("The GitHub App connection of the runners in this account; needed when a runner lives here."),
  iam: z
    .strictObject({ path: iamPath.optional(), permissionsBoundaryName: iamPolicyName.optional() })
    .optional()
    .describe("Overrides aws.iam for this account; an account listed in two regions needs a permissionsBoundaryName of its own in one of them."),
});

const awsSection = z
  .strictObject({
    /** The one account (with region): write either accountId and region, or accounts. */
    accountId: awsAccountId.optional().describe("The one AWS account, quoted 12 digits; or list several under accounts."),
    region: awsRegion.optional().describe("Region of every regional resource of that account."),
    stateBackend: stateBackend
      .optional()
      .describe("Remote state. Without it, state stays in local files: fine for trying the template only."),
    iam: iamSection.prefault({}).describe("IAM path and permissions boundary of every role the template creates."),
    accounts: z
      .array(awsAccountEntry)
      .min(1, { error: "list at least one account" })
      .optional()
      .describe("Several AWS accounts and regions, each its own stack and state, named so that ECR repositories, deploy roles and runners say where they live; instead of accountId and region."),
  })
  .superRefine((aws, ctx) => {
    if (aws.accounts !== undefined) {
      for (const key of ["accountId", "region", "stateBackend"] as const) {
        if (aws[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `write either aws.accounts or aws.accountId/region/stateBackend, not both: move ${key} into its entry of aws.accounts (each account has its own)`,
          });
        }
      }
      return;
    }
    for (const key of ["accountId", "region"] as const) {
      if (aws[key] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `required (a string), or list several accounts under aws.accounts: [{ name, accountId, region }]`,
        });
      }
    }
  });

const collaborator = z.strictObject({
  // Compared exactly by the github provider (matchUserCollaboratorsAndInvites in
  // resource_github_repository_collaborators.go, v6.9.0: userData["username"] == has.username):
  // a login in another letter case than GitHub's is removed and re-invited on every apply.
  username: githubLogin("user").describe("GitHub login, letter case exactly as GitHub shows it (the provider compares logins exactly)."),
  permission: permission.describe("read | triage | write | maintain | admin (pull and push are accepted as well)."),
});

const team = z.strictObject({
  slug: teamSlug,
  permission: permission.describe("read | triage | write | maintain | admin (pull and push are accepted as well)."),
});

const ecrRepository = z.strictObject({
  name: z
    .string()
    .min(2)
    .max(256)
    .regex(/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/, {
      error: "must be an ECR repository name: lowercase letters, digits and ._- separated path parts, e.g. team/app",
    }),
  account: accountName.optional().describe("Name of the aws.accounts entry the ECR repository lives in; default: the repository's account (repositories[].account, else the first account)."),
  tagMutability: z
    .enum(["IMMUTABLE", "MUTABLE"])
    .default("IMMUTABLE")
    .describe("IMMUTABLE stops a tag from being pointed at another image (ECR-001)."),
  scanOnPush: z.boolean().default(true),
  encryption: z
    .strictObject({
      type: z
        .enum(["KMS", "AES256"])
        .default("KMS")
        .describe("KMS (default, AWS managed key unless kmsKeyArn) or AES256. Cannot change after creation."),
      kmsKeyArn: identifierString()
        .refine(...noPolicyWildcard("KMS key ARN"))
        .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/, {
          error: "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>) or alias ARN (...:alias/<name>)",
        })
        .optional(),
    })
    .refine((e) => e.type === "KMS" || e.kmsKeyArn === undefined, {
      error: "kmsKeyArn applies only to type KMS: remove kmsKeyArn, or set type: KMS to encrypt with that key",
      path: ["kmsKeyArn"],
    })
    .prefault({}),
  lifecycle: z
    .strictObject({
      keepLastImages: z.number().int().min(1).max(10000).default(30).describe("Tagged images kept; older ones expire."),
      untaggedExpireDays: z
        .number()
        .int()
        .min(1)
        .max(3650)
        .default(7)
        .describe("Untagged images expire this many days after push."),
    })
    .prefault({}),
});

const wildcardSubject = z.strictObject({
  /**
   * A subject suffix with '*' or '?' in the branch, tag or environment part, e.g.
   * ref:refs/heads/release/*. Matched with StringLike; the repository part is always exact.
   */
  pattern: identifierString()
    .regex(/^(ref:refs\/heads\/|ref:refs\/tags\/|environment:)[^*?].*$/, {
      error:
        "must start with ref:refs/heads/, ref:refs/tags/ or environment: followed by a name that does not start with a wildcard (e.g. ref:refs/heads/release/*)",
    })
    .refine((s) => /[*?]/.test(s), { error: "has no '*' or '?': put exact names under allow instead" })
    .describe(
      "A subject suffix with '*' or '?' in the branch, tag or environment part, e.g. ref:refs/heads/release/*. Matched with StringLike; the repository part is always exact.",
    ),
  reason,
});

/** Exact subjects a role trusts for one repository, matched with StringEquals. Nothing by default. */
const trustAllow = z
    .strictObject({
      branches: z.array(exactRefName("branch")).default([]),
      tags: z.array(exactRefName("tag")).default([]),
      environments: z.array(environmentName).default([]),
      pullRequest: z
        .boolean()
        .default(false)
        .describe("Trust the subject of pull_request runs (any pull request, including from forks of public repos)."),
    })
    .prefault({})
    .describe("Exact subjects the role trusts, matched with StringEquals. Nothing is trusted by default.");

const trustWildcards = z
    .array(wildcardSubject)
    .default([])
    .describe("Patterns the role trusts, matched with StringLike; each needs a reason.");

/**
 * Claims besides sub and aud that the trust policy pins, each for every repository the role
 * trusts. AWS STS evaluates only the GitHub claims it maps to condition keys (AWS IAM User Guide,
 * "Available keys for OIDC federation"; AWS What's New 2026-01 "AWS STS supports validation of
 * identity provider claims"): actor, actor_id, job_workflow_ref, repository, repository_id,
 * workflow, ref, environment, enterprise_id. A key STS does not map is absent from the request,
 * and a StringEquals on an absent key is false: the role could never be assumed.
 */
const pinClaims = z
  .strictObject({
    repositoryId: z
      .boolean()
      .default(false)
      .describe("Pin repository_id (StringEquals) to each trusted repository's repositories[].id: a repository deleted and re-created, or another one renamed to the name, gets no credentials."),
    jobWorkflowRef: z
      .boolean()
      .default(false)
      .describe(
        "Pin job_workflow_ref (StringLike <owner>/<repo>/.github/workflows/<file>@*) to the generated workflows of each trusted repository that use this role: only those workflow files can assume it (the subject still pins the ref or environment).",
      ),
    repositoryOwnerId: z
      .never({
        error:
          "AWS STS does not evaluate repository_owner_id (it is not one of the GitHub claims STS maps to condition keys: actor, actor_id, job_workflow_ref, repository, repository_id, workflow, ref, environment, enterprise_id), so a trust policy pinning it could never be assumed; to tie the role to the owner's numeric id, use the repository's subjectFormat: immutable (every subject then carries the owner id), or pin repositoryId",
      })
      .optional()
      .describe("Refused: AWS STS does not evaluate repository_owner_id. Use subjectFormat: immutable (the subject carries the owner id) or repositoryId."),
  })
  .prefault({})
  .describe("Claims besides sub and aud that the trust policy pins (AWS STS evaluates repository_id and job_workflow_ref since 2026-01); off by default.");

/** One repository a shared deploy role trusts, with its exact subjects. */
const sharedRoleTrust = z.strictObject({
  repository: repositoryName.describe("A repository of this config (repositories[].name); its subjects are written in its subjectFormat."),
  allow: trustAllow,
  wildcardSubjects: trustWildcards,
});

/** What every deploy role has besides its trust: permissions and session. */
const rolePermissions = {
  pinClaims,
  ecrPush: z.array(z.string()).default([]).describe("ECR repositories of this config the role may push to."),
  ecrPull: z
    .boolean()
    .default(false)
    .describe("Also allow pulling layers (BatchGetImage, GetDownloadUrlForLayer), e.g. for build caches."),
  maxSessionDurationSeconds: z.number().int().min(900).max(43200).default(3600),
};

/** A deploy role of one repository (repositories[].deployRoles[]). */
const deployRole = z.strictObject({
  name: iamName,
  account: accountName.optional().describe("Name of the aws.accounts entry the role lives in; default: the repository's account (repositories[].account, else the first account)."),
  description: z.string().max(1000).optional(),
  allow: trustAllow,
  wildcardSubjects: trustWildcards,
  ...rolePermissions,
});

/**
 * A deploy role several repositories of the config assume (top-level deployRoles[]): one trust
 * entry per repository, each with its own exact subjects; its ARN variable is set on each of them.
 */
const sharedDeployRole = z.strictObject({
  name: iamName,
  account: accountName.optional().describe("Name of the aws.accounts entry the role lives in; default: the first account."),
  description: z.string().max(1000).optional(),
  trust: z
    .array(sharedRoleTrust)
    .min(1, { error: "list at least one repository the role trusts" })
    .describe("The repositories the role trusts, each with its exact subjects (allow) and patterns (wildcardSubjects)."),
  ...rolePermissions,
});

const COMPUTE_TYPES = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
  "BUILD_LAMBDA_1GB",
  "BUILD_LAMBDA_2GB",
  "BUILD_LAMBDA_4GB",
  "BUILD_LAMBDA_8GB",
  "BUILD_LAMBDA_10GB",
] as const;

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A CodeBuild project name: what jobs select in runs-on (codebuild-<name>-...). */
const runnerProjectName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,149}$/, {
    error: "must be a CodeBuild project name: 2-150 letters, digits, '-' or '_', starting with a letter or digit",
  });

/** The CodeBuild settings every runner has, per-repository (repositories[].runner) or shared (runners[]). */
const runnerSettings = {
  computeType: z.enum(COMPUTE_TYPES).default("BUILD_GENERAL1_SMALL"),
  environmentType: z
    .enum(["LINUX_CONTAINER", "ARM_CONTAINER", "LINUX_LAMBDA_CONTAINER", "ARM_LAMBDA_CONTAINER"])
    .default("LINUX_CONTAINER"),
  image: identifierString().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
  privilegedMode: z
    .strictObject({ enabled: z.boolean(), reason: reason.optional() })
    .refine((p) => !p.enabled || p.reason !== undefined, {
      error: "privileged mode needs a reason (at least 10 characters) saying why the jobs need it",
      path: ["reason"],
    })
    .default({ enabled: false })
    .describe("Docker-in-Docker needs privileged mode; it is off unless asked for with a reason (CB-006)."),
  logRetentionDays: z
    .number()
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
      error: `must be one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(30),
  timeoutMinutes: z.number().int().min(5).max(2160).default(60),
  /**
   * Removed: the runner's service role is readable by every job on it (CodeBuild's container
   * credentials endpoint), whatever branch or pull request queued the job. Refused with the fix.
   */
  ecrPush: z
    .never({
      error:
        "runner.ecrPush is no longer supported: the runner's service role is readable by every job on the runner, whatever branch or pull request queued it. Remove runner.ecrPush, give the workflow a deployRole (one of this repository's deployRoles) and list the ECR repository in that role's ecrPush: the job then assumes the role through OIDC, pinned to the branches, tags or environments the role allows",
    })
    .optional()
    .describe("Removed. Give the workflow a deployRole with ecrPush instead: jobs on the runner assume it through OIDC."),
  /**
   * Numeric GitHub user ids whose runs may queue jobs on the runner (the webhook's
   * ACTOR_ACCOUNT_ID filter). Required for a public repository (CB-012) unless opted out.
   */
  allowedActorIds: z
    .array(githubId("user"))
    .default([])
    .describe(
      "Numeric GitHub user ids (gh api users/<login> --jq .id) whose runs may queue jobs on the runner (the webhook's ACTOR_ACCOUNT_ID filter). Required for a public repository (CB-012) unless publicRepositoryOptIns.runnerWithoutActorFilter says why not.",
    ),
};

const runner = z.strictObject({
  projectName: runnerProjectName.describe(
    "CodeBuild project name; jobs select it with runs-on: codebuild-<projectName>-${{ github.run_id }}-${{ github.run_attempt }}.",
  ),
  account: accountName.optional().describe("Name of the aws.accounts entry the runner (its CodeBuild project, service role and webhook) lives in; default: the repository's account (repositories[].account, else the first account)."),
  computeType: runnerSettings.computeType,
  environmentType: runnerSettings.environmentType,
  image: runnerSettings.image,
  privilegedMode: runnerSettings.privilegedMode,
  /**
   * One organisation webhook for the project instead of a repository webhook: every repository of
   * the organisation can then queue jobs on it. Needs github.ownerType organization.
   */
  organizationWebhook: z
    .boolean()
    .default(false)
    .describe(
      "One organisation webhook for the project instead of a repository webhook: every repository of the organisation can then queue jobs on it. Needs github.ownerType organization.",
    ),
  logRetentionDays: runnerSettings.logRetentionDays,
  timeoutMinutes: runnerSettings.timeoutMinutes,
  ecrPush: runnerSettings.ecrPush,
  allowedActorIds: runnerSettings.allowedActorIds,
  /**
   * Legacy, discouraged: authenticate with a person's GitHub token (kept in Secrets Manager)
   * instead of the connection. That person must stay admin on every repository the runner
   * serves (CB-010), or runner registration fails with "GitHub runner JIT configuration unavailable".
   */
  legacyPersonalToken: z
    .strictObject({
      owner: githubLogin("user").describe("GitHub user whose token it is; must be an admin collaborator of the repository."),
      // The service role may read exactly this secret (GetSecretValue on it): a wildcard or a
      // partial ARN would let every job on the runner read other secrets of the account.
      secretArn: z
        .string()
        .refine(...noPolicyWildcard("secret ARN"))
        .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$/, {
          error:
            "must be the full ARN of one Secrets Manager secret, arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters> (copy it from the secret's page or: aws secretsmanager describe-secret --secret-id <name> --query ARN)",
        })
        .describe("Full ARN of the Secrets Manager secret holding the token (ending in -<6 characters>), in aws.accountId and aws.region."),
      reason: reason.describe("Why the runner cannot use the GitHub App connection."),
    })
    .optional()
    .describe(
      "Legacy, discouraged: a person's GitHub token instead of the connection. That person must stay admin on every repository the runner serves.",
    ),
});

/**
 * A runner declared once and shared by the repositories whose workflows name it
 * (`runsOn: { runner: <name> }`): one CodeBuild project, one service role, one organisation webhook
 * (scope GITHUB_ORGANIZATION) admitting exactly those repositories' generated workflows.
 */
const sharedRunner = z.strictObject({
  name: runnerProjectName.describe(
    "CodeBuild project name, and what workflows name in runsOn: { runner: <name> }; jobs select it with runs-on: codebuild-<name>-${{ github.run_id }}-${{ github.run_attempt }}.",
  ),
  /**
   * The repositories that may use the runner. Without it, every repository whose workflows name
   * the runner. Either way the webhook admits only the generated workflows that run on it.
   */
  repositories: z
    .array(repositoryName)
    .min(1, { error: "list at least one repository, or remove repositories to let every repository that names the runner use it" })
    .optional()
    .describe(
      "Repositories of this config (names) that may use the runner; a workflow of any other repository naming it is an error. Without it: every repository whose workflows name the runner. The webhook admits only the generated workflows that run on it, of those repositories.",
    ),
  account: accountName
    .optional()
    .describe("Name of the aws.accounts entry the runner (its CodeBuild project, service role and organisation webhook) lives in; default: the first account."),
  ...runnerSettings,
  organizationWebhook: z
    .never({
      error:
        "a shared runner (runners[]) always has an organisation webhook, restricted to the repositories that use it: remove organizationWebhook",
    })
    .optional()
    .describe("Not needed: a shared runner always has one organisation webhook, restricted to the repositories that use it."),
  legacyPersonalToken: z
    .never({
      error:
        "a shared runner authenticates through codeConnection only: a person's token would have to stay admin on every repository it serves and on the organisation's webhooks; keep legacyPersonalToken on a repository's own runner (repositories[].runner), or remove it",
    })
    .optional()
    .describe("Not supported: a shared runner authenticates through codeConnection."),
});

const imageBuildPushWorkflow = z.strictObject({
  type: z.literal("image-build-push"),
  file: z
    .string()
    .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, { error: "must be a file name ending in .yml or .yaml, without folders" })
    .describe("File name under .github/workflows/."),
  /** Display name in the Actions tab; defaults to "Build and push <ecrRepository>". */
  name: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Display name in the Actions tab; defaults to "Build and push <ecrRepository>".'),
  /**
   * github-hosted: a GitHub-hosted runner. codebuild: this repository's runner. { runner: <name> }:
   * a shared runner of runners[]. All assume deployRole through OIDC.
   */
  runsOn: z
    .union([z.enum(["github-hosted", "codebuild"]), z.strictObject({ runner: z.string().min(1) })], {
      error: (issue) =>
        `${typeof issue.input === "string" ? `"${issue.input}" is not allowed` : "is not a runner choice"} (allowed: github-hosted, codebuild for this repository's runner, or { runner: <name> } for a shared runner of runners[])`,
    })
    .describe(
      "github-hosted: a GitHub-hosted runner. codebuild: this repository's runner. { runner: <name> }: a shared runner of runners[]. All assume deployRole through OIDC.",
    ),
  githubHostedLabel: githubHostedLabel
    .default(DEFAULT_GITHUB_HOSTED_LABEL)
    .describe("Label of a GitHub standard hosted runner (ubuntu-24.04, ubuntu-latest, windows-2025, macos-15, ...) for github-hosted jobs."),
  /**
   * A GitHub-hosted larger runner, by the custom label an organisation admin gave it: explicit,
   * with a reason, since GitHub does not tell such a label from a self-hosted runner's. Printed as
   * an accepted finding on every synth. Replaces githubHostedLabel.
   */
  largerRunner: z
    .strictObject({
      label: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { error: "must be a runner label: 1-100 letters, digits or '._-'" })
        .refine((l) => l.toLowerCase() !== "self-hosted" && !l.toLowerCase().startsWith("codebuild-"), {
          error:
            "must be the label of a GitHub-hosted larger runner: self-hosted runs the job on any self-hosted runner, and codebuild-... labels belong to runsOn: codebuild",
        })
        .refine((l) => !GITHUB_HOSTED_LABEL.test(l), { error: "is a standard hosted runner label: set it as githubHostedLabel instead" }),
      reason: reason.describe("Why the job needs a larger runner; printed with every synth."),
    })
    .optional()
    .describe(
      "A GitHub-hosted larger runner by its custom label, with a reason (printed on every synth). Replaces githubHostedLabel.",
    ),
  /** Branch and tag filters of the push trigger; GitHub's glob patterns (v*, release/**) are allowed. */
  on: z
    .strictObject({
      branches: z.array(refFilter("branch")).default([]),
      tags: z.array(refFilter("tag")).default([]),
    })
    .refine((o) => o.branches.length + o.tags.length > 0, {
      error: "give at least one branch or tag that triggers the workflow",
    })
    .describe("Branch and tag filters of the push trigger; GitHub's glob patterns (v*, release/**) are allowed."),
  ecrRepository: z.string(),
  deployRole: z
    .string()
    .optional()
    .describe("Role the job assumes through OIDC, on either runner (required); one of this repository's deployRoles."),
  environment: environmentName.optional().describe("Job environment; the OIDC subject then becomes environment:<name>."),
  dockerfile: repositoryPath("file", "Dockerfile").describe("Dockerfile, relative to the repository root (no URL, no absolute path, no '..')."),
  context: repositoryPath("directory", ".").describe("Build context directory, relative to the repository root (no URL, no absolute path, no '..')."),
});

const workflow = z.discriminatedUnion("type", [imageBuildPushWorkflow]);

/** A branch or tag pattern of an environment's deployment policy (GitHub's fnmatch patterns: release/*). */
const deploymentRefPattern = refFilter;

/**
 * A GitHub environment of the repository, managed by the template: which refs may deploy to it,
 * who approves, and never an admin bypass. Every environment a deploy role trusts or a workflow
 * uses must be listed here, or GitHub creates it unprotected on first use.
 */
const repositoryEnvironment = z.strictObject({
  name: environmentName.describe("Environment name, as in a job's environment: and the subject environment:<name>."),
  branches: z
    .array(deploymentRefPattern("branch"))
    .default([])
    .describe("Branch names or patterns (release/*) whose runs may enter the environment; with neither branches nor tags, only the repository's defaultBranch."),
  tags: z.array(deploymentRefPattern("tag")).default([]).describe("Tag names or patterns (v*) whose runs may enter the environment."),
  reviewers: environmentReviewers.describe("User ids and team ids (numbers) who must approve each deployment into the environment."),
  preventSelfReview: z
    .boolean()
    .default(true)
    .describe("Whoever triggered the run cannot approve it (GitHub's prevent self-review)."),
  /**
   * A deploy role of this repository whose ARN, account region and ECR registry become this
   * environment's Actions variables AWS_ROLE_ARN, AWS_REGION and ECR_REGISTRY: a job in the
   * environment reads the values of that role's account, so one workflow file serves every environment.
   */
  deployRole: iamName
    .optional()
    .describe("A deploy role of this repository (it must trust environment:<name>): its ARN, its account's region and ECR registry become the environment's Actions variables AWS_ROLE_ARN, AWS_REGION and ECR_REGISTRY, so a job in the environment reads that account's values and one workflow file serves every environment."),
});

const variableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be letters, digits or '_', not starting with a digit" })
  .refine((s) => !s.toUpperCase().startsWith("GITHUB_"), { error: "must not start with GITHUB_ (reserved by GitHub)" });

/** A named group of repositories with a GitHub stack of its own (github-<owner>-<shard>). */
const shardName = z.string().regex(/^[a-z][a-z0-9-]{0,29}[a-z0-9]$/, {
  error: "must be 2-31 lowercase letters, digits or '-', starting with a letter and not ending with '-' (it becomes the stack name github-<owner>-<shard>)",
});

const repository = z.strictObject({
  name: repositoryName,
  id: githubId("repository").optional().describe("Numeric repository id; needed for the immutable subject format."),
  defaultBranch: exactRefName("branch").default("main").describe("Branch the workflow files are committed to."),
  /**
   * What GitHub reports for the repository; the plan fails when it differs. A public repository gets
   * no pull_request trust, privileged runner, organisation runner or runner without an actor filter
   * unless publicRepositoryOptIns names each with a reason.
   */
  visibility: z
    .enum(["private", "internal", "public"])
    .default("private")
    .describe(
      "What GitHub reports for the repository; the plan fails when it differs. A public repository gets no pull_request trust, privileged runner, organisation runner or runner without an actor filter unless publicRepositoryOptIns names each with a reason.",
    ),
  /** Exposures a public repository accepts, each with a reason; printed on every synth as an accepted finding. */
  publicRepositoryOptIns: z
    .strictObject({
      pullRequestTrust: reason
        .optional()
        .describe("Deploy roles with allow.pullRequest: any pull request, a fork's included, gets that subject (OIDC-014)."),
      /** runner.privilegedMode on a runner anyone's workflow run can reach (CB-013). */
      privilegedRunner: reason.optional().describe("runner.privilegedMode on a runner of a public repository (CB-013)."),
      organizationRunner: reason.optional().describe("runner.organizationWebhook serving a public repository (CB-014)."),
      runnerWithoutActorFilter: reason
        .optional()
        .describe("A runner without runner.allowedActorIds: anyone whose workflow run GitHub queues starts a build (CB-012)."),
    })
    .optional()
    .describe("Exposures a public repository accepts, each with a reason; printed on every synth as an accepted finding."),
  /**
   * Subject format GitHub puts in this repository's OIDC tokens: legacy repo:owner/repo:...,
   * immutable repo:owner@OWNER_ID/repo@REPO_ID:... (default for repositories created, renamed or
   * transferred since 2026-07-15), or both while migrating.
   */
  subjectFormat: z
    .enum(["legacy", "immutable", "both"])
    .default("legacy")
    .describe(
      "Subject format GitHub puts in this repository's OIDC tokens: legacy repo:owner/repo:..., immutable repo:owner@OWNER_ID/repo@REPO_ID:... (default for repositories created, renamed or transferred since 2026-07-15), or both while migrating.",
    ),
  collaborators: z
    .array(collaborator)
    .default([])
    .describe("Managed authoritatively: anyone not listed here (or in teams) loses access on apply."),
  teams: z.array(team).default([]),
  /**
   * Teams the authoritative access list leaves alone (github provider ignore_team): teams that get
   * access to every repository at organisation level (security managers, an org-wide role) are
   * listed on the repository and would otherwise be removed, and come back, on every apply.
   */
  ignoreTeams: z
    .array(teamSlug)
    .default([])
    .describe(
      "Teams (slugs) the authoritative access list leaves alone, e.g. teams granted access at organisation level; without this they show as a change on every plan.",
    ),
  variables: actionsVariables(variableName).describe("Extra Actions variables (never secrets)."),
  account: accountName
    .optional()
    .describe("Name of the aws.accounts entry this repository's ECR repositories, deploy roles and runner live in unless they name another; its region is the repository's AWS_REGION variable. Default: the first account."),
  ecrRepositories: z.array(ecrRepository).default([]),
  deployRoles: z.array(deployRole).default([]),
  runner: runner.optional(),
  workflows: z.array(workflow).default([]),
  environments: z
    .array(repositoryEnvironment)
    .default([])
    .describe("Environments the template manages (branch/tag policy, reviewers, no admin bypass); every environment a deploy role trusts or a workflow uses must be listed."),
  /**
   * The repository's own GitHub stack, github-<owner>-<shard>, instead of the hashed one
   * (github.shards): a team's or a product's repositories together, planned and applied together.
   */
  shard: shardName
    .optional()
    .describe(
      "Put the repository in its own named GitHub stack, github-<owner>-<shard> (e.g. a team's repositories together), instead of the one github.shards hashes it to.",
    ),
});

/** A GitHub App installation the template's own workflows mint short-lived tokens from. */
const githubApp = (what: string) =>
  z
    .strictObject({
      appId: githubId("GitHub App").describe("The App's numeric id (App settings > General > App ID)."),
      installationId: githubId("installation").describe(
        "The numeric id of the App's installation on github.owner (the number at the end of the installation's settings URL).",
      ),
    })
    .describe(what);

/**
 * The repository that holds this template, and the identities its own plan and deploy workflows
 * use. Plans run with read-only credentials on pull requests; applies run from the default branch
 * in a protected environment. Neither identity is a person.
 */
const selfSection = z
  .strictObject({
    repository: repositoryName.describe("Repository (under github.owner) that holds this template and its .github/workflows."),
    id: githubId("repository").optional().describe("Numeric repository id; needed for the immutable subject format."),
    subjectFormat: z
      .enum(["legacy", "immutable", "both"])
      .default("legacy")
      .describe("Subject format GitHub puts in this repository's OIDC tokens (see repositories[].subjectFormat)."),
    defaultBranch: exactRefName("branch").default("main").describe("The only branch the deploy environment accepts deployments from."),
    environment: environmentName
      .default("production")
      .describe("GitHub environment the deploy job runs in; the deploy role trusts only its subject."),
    reviewers: environmentReviewers.describe("User ids and team ids (numbers, not names) who must approve each deployment; strongly recommended."),
    pinClaims: pinClaims.describe(
      "Claims the plan and deploy roles pin besides sub and aud: repositoryId (needs self.id), jobWorkflowRef (the plan role only to .github/workflows/plan.yml and deploy.yml, the deploy role only to deploy.yml).",
    ),
    planRoleName: iamName.default("github-actions-platform-plan").describe("IAM role the plan workflow assumes (read-only)."),
    deployRoleName: iamName.default("github-actions-platform-deploy").describe("IAM role the deploy workflow assumes."),
    planApp: githubApp("GitHub App with read-only permissions; the plan workflow mints its token (secret PLATFORM_PLAN_APP_PRIVATE_KEY)."),
    deployApp: githubApp(
      "GitHub App with write permissions; only the deploy job mints its token (environment secret PLATFORM_DEPLOY_APP_PRIVATE_KEY).",
    ),
  })
  .describe("The repository holding this template, and the plan/deploy identities of its own workflows.");

/**
 * Changes the deploy gate (`npm run plan:check`) refuses unless they are named here: the ones that
 * lose access or data. Without an entry, a repository or ECR repository that leaves the config is
 * released (Terraform forgets it; access, files and images stay) instead of deleted.
 */
const INTENDED_CHANGE_KINDS = [
  "delete-repository-access",
  "delete-ecr-repository",
  "delete-oidc-provider",
  "delete-connection",
  "remove-last-admin",
] as const;
export type IntendedChangeKind = (typeof INTENDED_CHANGE_KINDS)[number];

const intendedChange = z.strictObject({
  change: z
    .enum(INTENDED_CHANGE_KINDS)
    .describe(
      "delete-repository-access (a repository's access list, variables and workflow files), delete-ecr-repository, delete-oidc-provider, delete-connection, or remove-last-admin.",
    ),
  name: z
    .string()
    .min(1)
    .optional()
    .describe("The repository, ECR repository or connection name the change is about; not used for delete-oidc-provider."),
  reason: reason.describe("Why losing this access or data is intended; printed with every synth and plan check."),
});

export const PlatformConfigSchema = z.strictObject({
  $schema: z.string().optional().describe("Editors read this; the loader ignores it."),
  github: githubSection,
  aws: awsSection,
  oidcProvider: oidcProviderSection.prefault({}),
  codeConnection: codeConnectionSection.optional().describe("Needed when a repository has a runner, or runners[] is used."),
  repositories: z.array(repository).min(1, { error: "list at least one repository" }),
  runners: z
    .array(sharedRunner)
    .default([])
    .describe(
      "CodeBuild runners declared once and shared by several repositories (one organisation webhook each); workflows name one with runsOn: { runner: <name> }.",
    ),
  deployRoles: z
    .array(sharedDeployRole)
    .default([])
    .describe("Deploy roles shared by several repositories: each trust entry names a repository and its exact subjects; a workflow of any of them may use the role."),
  /** The repository holding this template: its plan and deploy workflows' roles, variables and environment. */
  self: selfSection.optional(),
  intendedChanges: z
    .array(intendedChange)
    .default([])
    .describe("Deletions the deploy gate (npm run plan:check) lets through; everything else that loses access or data is refused."),
  guardrails: z
    .strictObject({
      /** Accepted findings, each by rule id and construct path (as printed), with a reason. */
      suppressions: z
        .array(
          z.strictObject({
            rule: z.string().regex(/^[A-Z]+-\d{3}$/, { error: "must be a rule id such as ECR-001 (see the README's rules table)" }),
            path: z.string().min(1).describe("Construct path, or a prefix of one, as printed in the finding."),
            reason: reason.describe("Why the finding is accepted; printed with every synth."),
          }),
        )
        .default([])
        .describe("Accepted guardrail findings, each by rule id and construct path (as printed), with a reason."),
    })
    .prefault({})
    .describe("Guardrail settings."),
});

export type PlatformConfigInput = z.input<typeof PlatformConfigSchema>;
export type PlatformConfig = z.output<typeof PlatformConfigSchema>;
export type RepositoryConfig = PlatformConfig["repositories"][number];
export type DeployRoleConfig = RepositoryConfig["deployRoles"][number];
export type SharedDeployRoleConfig = PlatformConfig["deployRoles"][number];
export type PinClaimsConfig = DeployRoleConfig["pinClaims"];
export type RunnerConfig = NonNullable<RepositoryConfig["runner"]>;
export type SharedRunnerConfig = PlatformConfig["runners"][number];
export type WorkflowConfig = RepositoryConfig["workflows"][number];
export type SubjectFormat = RepositoryConfig["subjectFormat"];
export type SelfConfig = NonNullable<PlatformConfig["self"]>;
export type IntendedChange = PlatformConfig["intendedChanges"][number];
