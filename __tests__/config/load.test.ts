/**
 * Layer 1 (config): the shipped example loads with its defaults, and every bad input a user can
 * write is rejected with its path, the line it is on and a reason that says what is allowed.
 *
 * Bad inputs are small edits of the shipped platform.yaml: either of its text (where the YAML
 * spelling matters, e.g. an unquoted account id) or of its parsed form, rendered back to YAML.
 */
import { EXAMPLE_PATH, EXAMPLE_TEXT } from "../helpers/example";
import { configError, type Draft, edited, example, FILE, issueLine, lineContaining } from "../helpers/config-errors";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  CONFIG_PATH_ENV,
  ConfigError,
  configPathFromEnv,
  DEFAULT_CONFIG_PATH,
  loadConfig,
  parseConfig,
} from "../../config/load";

/** The example with one edit of its text; fails if the text to replace is not there exactly once. */
function replaced(search: string, replacement: string): string {
  const count = EXAMPLE_TEXT.split(search).length - 1;
  if (count !== 1) throw new Error(`test setup: "${search}" occurs ${count} times in platform.yaml`);
  return EXAMPLE_TEXT.replace(search, replacement);
}

// ---------------------------------------------------------------------------------------------
// The shipped example
// ---------------------------------------------------------------------------------------------

describe("the example config", () => {
  const config = loadConfig(EXAMPLE_PATH);
  const repo = config.repositories[0];

  it("loads", () => {
    expect(config.github.owner).toBe("Test-User");
    expect(config.aws).toEqual({
      accountId: "000123456789",
      region: "ap-northeast-1",
      iam: { path: "/github-actions-platform/", permissionsBoundaryName: "github-actions-platform-boundary" },
    });
    expect(config.repositories.map((r) => r.name)).toEqual(["techblue-dev"]);
  });

  it("gives ECR repositories the safe defaults: immutable tags, scan on push, KMS", () => {
    const ecr = repo.ecrRepositories[0];
    expect(ecr.tagMutability).toBe("IMMUTABLE");
    expect(ecr.scanOnPush).toBe(true);
    expect(ecr.encryption).toEqual({ type: "KMS" });
  });

  it("keeps the last 30 tagged images and expires untagged ones after 7 days", () => {
    expect(repo.ecrRepositories[0].lifecycle).toEqual({ keepLastImages: 30, untaggedExpireDays: 7 });
  });

  it("maps GitHub's UI permission words to the values the API reports (GH-004)", () => {
    expect(repo.collaborators).toEqual([
      { username: "alice", permission: "admin" },
      { username: "bob", permission: "push" },
      { username: "carol", permission: "pull" },
    ]);
  });

  it("trusts nothing the role does not list: no tags, environments, pull requests or patterns", () => {
    expect(repo.deployRoles[0].allow).toEqual({ branches: ["main"], tags: [], environments: [], pullRequest: false });
    expect(repo.deployRoles[0].wildcardSubjects).toEqual([]);
    expect(repo.deployRoles[0].maxSessionDurationSeconds).toBe(3600);
  });

  it("creates the OIDC provider (no existing ARN) and keeps the runner's opt-ins as written", () => {
    expect(config.oidcProvider).toEqual({});
    expect(repo.runner?.privilegedMode).toEqual({
      enabled: true,
      reason: "docker build needs the Docker daemon inside the build container",
    });
    expect(repo.runner?.organizationWebhook).toBe(false);
    expect(repo.runner?.logRetentionDays).toBe(30);
  });

  it("is deeply frozen, so no stack can change what another one sees", () => {
    // GIVEN every object and array of the loaded config
    const unfrozen: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (value === null || typeof value !== "object") return;
      if (!Object.isFrozen(value)) unfrozen.push(path);
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    };

    // WHEN walked
    walk(config, "config");

    // THEN none is mutable, and a write throws (test files are strict-mode modules)
    expect(unfrozen).toEqual([]);
    expect(() => {
      (repo.ecrRepositories[0] as { tagMutability: string }).tagMutability = "MUTABLE";
    }).toThrow(TypeError);
    expect(() => (repo.collaborators as unknown[]).push({})).toThrow(TypeError);
  });
});

describe("defaults of a minimal config", () => {
  const config = parseConfig(
    ["github:", "  owner: octo-org", "aws:", '  accountId: "000123456789"', "  region: us-east-1", "repositories:", "  - name: app", "    ecrRepositories: [{ name: app }]"].join("\n"),
  );

  it("assumes an organisation owner and the legacy subject format", () => {
    expect(config.github.ownerType).toBe("organization");
    expect(config.repositories[0].subjectFormat).toBe("legacy");
  });

  it("manages no collaborators, teams, roles, runner or workflows unless listed", () => {
    const repo = config.repositories[0];
    expect(repo).toMatchObject({ collaborators: [], teams: [], variables: {}, deployRoles: [], workflows: [] });
    expect(repo.runner).toBeUndefined();
    expect(config.codeConnection).toBeUndefined();
  });

  it("fills every ECR default", () => {
    expect(config.repositories[0].ecrRepositories[0]).toEqual({
      name: "app",
      tagMutability: "IMMUTABLE",
      scanOnPush: true,
      encryption: { type: "KMS" },
      lifecycle: { keepLastImages: 30, untaggedExpireDays: 7 },
    });
  });
});

describe("the $schema key", () => {
  it("is accepted, for editors that read the schema from a key instead of a comment", () => {
    const config = parseConfig(`$schema: ./config/platform.schema.json\n${EXAMPLE_TEXT}`);
    expect(config.$schema).toBe("./config/platform.schema.json");
    expect(config.repositories).toHaveLength(1);
  });

  it("is not offered as a did-you-mean hint or listed among the allowed keys", () => {
    const message = configError(replaced("codeConnection:\n", "schema: x\ncodeConnection:\n")).message;
    expect(message).toContain('unknown key "schema"');
    expect(message).not.toContain("$schema");
  });
});

// ---------------------------------------------------------------------------------------------
// Bad inputs
// ---------------------------------------------------------------------------------------------

interface BadInput {
  /** The config text. */
  text: string;
  /** The issue's path as printed. */
  path: string;
  /** A fragment of the issue's reason. */
  reason: string;
  /** A snippet of the line the issue must point at (with its 0-based occurrence), or null: no line. */
  at: string | [string, number] | null;
  /** How many issues the config has in all. */
  issues?: number;
}

const ANOTHER_CONNECTION = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0";
const r0 = (c: Draft) => c.repositories[0];
const role0 = (c: Draft) => c.repositories[0].deployRoles[0];

const BAD_INPUTS: [string, BadInput][] = [
  // --- github ----------------------------------------------------------------------------------
  [
    "github.owner missing",
    { text: edited((c) => delete c.github.owner), path: "github.owner", reason: "required (a string)", at: "github:" },
  ],
  [
    "owner that is not a GitHub login",
    {
      text: edited((c) => (c.github.owner = "-test-user")),
      path: "github.owner",
      reason: "must be a GitHub organisation or user login: 1-39 letters, digits or single hyphens",
      at: "owner: -test-user",
    },
  ],
  [
    "ownerType that is neither organization nor user",
    {
      text: edited((c) => (c.github.ownerType = "org")),
      path: "github.ownerType",
      reason: '"org" is not allowed (allowed: organization, user)',
      at: "ownerType: org",
    },
  ],
  [
    "ownerId quoted",
    {
      text: edited((c) => (c.github.ownerId = "1234")),
      path: "github.ownerId",
      reason: "must be the numeric owner id GitHub reports (an integer, no quotes)",
      at: "ownerId:",
    },
  ],
  [
    "unknown key, with a did-you-mean hint and the allowed keys",
    {
      text: replaced("    collaborators:", "    colaborators:"),
      path: "repositories[0]",
      reason: 'unknown key "colaborators" (did you mean "collaborators"?) (allowed: name, id, defaultBranch',
      at: "colaborators:",
    },
  ],
  [
    "unknown top-level key",
    {
      text: replaced("codeConnection:\n", "codeConection:\n"),
      path: "(top level)",
      reason: 'unknown key "codeConection" (did you mean "codeConnection"?)',
      at: "codeConection:",
    },
  ],
  // --- aws ---------------------------------------------------------------------------------------
  [
    "accountId unquoted: YAML drops the leading zeros",
    {
      text: replaced('accountId: "000123456789"', "accountId: 000123456789"),
      path: "aws.accountId",
      reason: 'must be a quoted string: YAML reads the unquoted 000123456789 as the number 123456789 and drops its leading zeros; write it as "000123456789"',
      at: "accountId: 000123456789",
    },
  ],
  [
    "accountId unquoted: the hint quotes the user's own digits",
    {
      text: replaced('accountId: "000123456789"', "accountId: 012345678901"),
      path: "aws.accountId",
      reason: 'YAML reads the unquoted 012345678901 as the number 12345678901 and drops its leading zeros; write it as "012345678901"',
      at: "accountId: 012345678901",
    },
  ],
  [
    "accountId unquoted without leading zeros: still a string, quoted as written",
    {
      text: replaced('accountId: "000123456789"', "accountId: 123456789012"),
      path: "aws.accountId",
      reason: 'must be a quoted string: YAML reads the unquoted 123456789012 as the number 123456789012; write it as "123456789012"',
      at: "accountId: 123456789012",
    },
  ],
  [
    "accountId with 11 digits",
    {
      text: edited((c) => (c.aws.accountId = "00012345678")),
      path: "aws.accountId",
      reason: "must be exactly 12 digits, quoted",
      at: "accountId:",
    },
  ],
  [
    "region that is not a region code",
    {
      text: edited((c) => (c.aws.region = "Tokyo")),
      path: "aws.region",
      reason: "must be an AWS region code such as ap-northeast-1",
      at: "region: Tokyo",
    },
  ],
  [
    "state bucket with uppercase letters",
    {
      text: edited((c) => (c.aws.stateBackend = { bucket: "My-Terraform-State" })),
      path: "aws.stateBackend.bucket",
      reason: "must be an S3 bucket name: 3-63 lowercase letters",
      at: "bucket: My-Terraform-State",
    },
  ],
  [
    "state key prefix with a trailing slash",
    {
      text: edited((c) => (c.aws.stateBackend = { bucket: "my-state", keyPrefix: "platform/" })),
      path: "aws.stateBackend.keyPrefix",
      reason: "must not start or end with '/'",
      at: "keyPrefix: platform/",
    },
  ],
  [
    "IAM path '/' (the deploy role would manage every role of the account)",
    {
      text: edited((c) => (c.aws.iam = { path: "/" })),
      path: "aws.iam.path",
      reason: "must be an IAM path like /github-actions-platform/",
      at: "path: /",
    },
  ],
  [
    "IAM path with a wildcard",
    {
      text: edited((c) => (c.aws.iam = { path: "/platform*/" })),
      path: "aws.iam.path",
      reason: "not '/' alone",
      at: "path: /platform*/",
    },
  ],
  [
    "IAM path with a Terraform interpolation",
    {
      text: edited((c) => (c.aws.iam = { path: "/${path.cwd}/" })),
      path: "aws.iam.path",
      reason: "one or more segments of letters, digits or '_+=,.@-'",
      at: "path: /${path.cwd}/",
    },
  ],
  [
    "IAM path without its trailing slash",
    {
      text: edited((c) => (c.aws.iam = { path: "/platform" })),
      path: "aws.iam.path",
      reason: "starts and ends with '/'",
      at: "path: /platform",
    },
  ],
  [
    "boundary policy name with a slash",
    {
      text: edited((c) => (c.aws.iam = { permissionsBoundaryName: "team/boundary" })),
      path: "aws.iam.permissionsBoundaryName",
      reason: "must be an IAM policy name",
      at: "permissionsBoundaryName: team/boundary",
    },
  ],
  // --- oidcProvider / codeConnection --------------------------------------------------------------
  [
    "existing OIDC provider ARN for another issuer",
    {
      text: edited((c) => (c.oidcProvider = { existingArn: "arn:aws:iam::000123456789:oidc-provider/github.com" })),
      path: "oidcProvider.existingArn",
      reason: "must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
      at: "existingArn:",
    },
  ],
  [
    "codeConnection with both name and existingArn",
    {
      text: edited((c) => (c.codeConnection.existingArn = ANOTHER_CONNECTION)),
      path: "codeConnection",
      reason: "set exactly one of name (create a connection) or existingArn (use an existing one)",
      at: "codeConnection:",
    },
  ],
  [
    "codeConnection with neither name nor existingArn",
    {
      text: edited((c) => (c.codeConnection = { status: "available" })),
      path: "codeConnection",
      reason: "set exactly one of name (create a connection) or existingArn (use an existing one)",
      at: "codeConnection:",
    },
  ],
  [
    "connection name with a space",
    {
      text: edited((c) => (c.codeConnection.name = "techblue github")),
      path: "codeConnection.name",
      reason: "must be a connection name: 1-32 letters, digits or '.@_-'",
      at: "name: techblue github",
    },
  ],
  [
    "connection ARN of another service",
    {
      text: edited((c) => (c.codeConnection = { existingArn: "arn:aws:codecommit:ap-northeast-1:000123456789:repo" })),
      path: "codeConnection.existingArn",
      reason: "must be arn:aws:codeconnections:<region>:<account>:connection/<uuid>",
      at: "existingArn:",
    },
  ],
  [
    "connection status that is not pending or available",
    {
      text: edited((c) => (c.codeConnection.status = "active")),
      path: "codeConnection.status",
      reason: '"active" is not allowed (allowed: pending, available)',
      at: "status: active",
    },
  ],
  [
    "runner without a codeConnection",
    {
      text: edited((c) => delete c.codeConnection),
      path: "codeConnection",
      reason: "required by repositories[0].runner: runners authenticate to GitHub through a CodeConnections GitHub App connection",
      at: null,
    },
  ],
  // --- repositories, collaborators, teams ------------------------------------------------------
  [
    "empty repositories list",
    { text: edited((c) => (c.repositories = [])), path: "repositories", reason: "list at least one repository", at: "repositories:" },
  ],
  [
    "repositories missing",
    { text: edited((c) => delete c.repositories), path: "repositories", reason: "required (a list)", at: null },
  ],
  [
    "repository name with a space",
    {
      text: edited((c) => (r0(c).name = "techblue dev")),
      path: "repositories[0].name",
      reason: "must be a GitHub repository name: 1-100 letters, digits, '.', '_' or '-'",
      at: "- name: techblue dev",
    },
  ],
  [
    "duplicate repository name, differing only in case",
    {
      text: edited((c) => c.repositories.push({ name: "TechBlue-Dev" })),
      path: "repositories[1].name",
      reason: 'duplicate repository "TechBlue-Dev": already defined at repositories[0].name (names are compared ignoring case); list each repository once',
      at: "- name: TechBlue-Dev",
    },
  ],
  [
    "permission owner",
    {
      text: edited((c) => (r0(c).collaborators[0].permission = "owner")),
      path: "repositories[0].collaborators[0].permission",
      reason: '"owner" is not allowed (allowed: read, triage, write, maintain, admin, pull, push)',
      at: "permission: owner",
    },
  ],
  [
    "collaborator login that is not a GitHub login",
    {
      text: edited((c) => (r0(c).collaborators[0].username = "alice@example.com")),
      path: "repositories[0].collaborators[0].username",
      reason: "must be a GitHub user login",
      at: "username: alice@example.com",
    },
  ],
  [
    "duplicate collaborator, differing only in case",
    {
      text: edited((c) => r0(c).collaborators.push({ username: "Alice", permission: "read" })),
      path: "repositories[0].collaborators[3].username",
      reason: 'duplicate collaborator "Alice": already defined at repositories[0].collaborators[0].username',
      at: "- username: Alice",
    },
  ],
  [
    "teams under ownerType user",
    {
      text: edited((c) => (r0(c).teams = [{ slug: "platform", permission: "write" }])),
      path: "repositories[0].teams",
      reason: "teams exist only in organisations; github.ownerType is user",
      at: "teams:",
    },
  ],
  [
    "team slug with uppercase letters and a space",
    {
      text: edited((c) => {
        c.github.ownerType = "organization";
        r0(c).teams = [{ slug: "Platform Team", permission: "write" }];
      }),
      path: "repositories[0].teams[0].slug",
      reason: "must be a team slug as in the team's URL",
      at: "slug: Platform Team",
    },
  ],
  [
    "variable name starting with GITHUB_",
    {
      text: edited((c) => (r0(c).variables = { GITHUB_TOKEN: "x" })),
      path: "repositories[0].variables.GITHUB_TOKEN",
      reason: "must not start with GITHUB_ (reserved by GitHub)",
      at: "GITHUB_TOKEN:",
    },
  ],
  [
    "variable name starting with a digit",
    {
      text: edited((c) => (r0(c).variables = { "1ST_STAGE": "x" })),
      path: "repositories[0].variables.1ST_STAGE",
      reason: "must be letters, digits or '_', not starting with a digit",
      at: "1ST_STAGE:",
    },
  ],
  [
    "variable colliding with a generated name (AWS_REGION)",
    {
      text: edited((c) => (r0(c).variables = { AWS_REGION: "us-east-1" })),
      path: "repositories[0].variables.AWS_REGION",
      reason: '"AWS_REGION" is set by the template itself',
      at: "AWS_REGION:",
    },
  ],
  [
    "variable colliding with a generated role ARN variable",
    {
      text: edited((c) => (r0(c).variables = { AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH: "arn" })),
      path: "repositories[0].variables.AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH",
      reason: "is set by the template itself",
      at: "AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH:",
    },
  ],
  [
    "subjectFormat that is not legacy, immutable or both",
    {
      text: edited((c) => (r0(c).subjectFormat = "new")),
      path: "repositories[0].subjectFormat",
      reason: '"new" is not allowed (allowed: legacy, immutable, both)',
      at: "subjectFormat: new",
    },
  ],
  [
    "subjectFormat immutable without github.ownerId and repository id",
    {
      text: edited((c) => (r0(c).subjectFormat = "immutable")),
      path: "github.ownerId",
      reason: "required because repositories[0] (techblue-dev) uses subjectFormat immutable",
      at: "github:",
      issues: 2,
    },
  ],
  // --- ECR ---------------------------------------------------------------------------------------
  [
    "ECR repository name with uppercase letters",
    {
      text: edited((c) => (r0(c).ecrRepositories[0].name = "TechBlue-Dev")),
      path: "repositories[0].ecrRepositories[0].name",
      reason: "must be an ECR repository name: lowercase letters, digits and ._- separated path parts",
      at: "- name: TechBlue-Dev",
    },
  ],
  [
    "duplicate ECR repository name across repositories (reported once)",
    {
      text: edited((c) => c.repositories.push({ name: "techblue-api", ecrRepositories: [{ name: "techblue-dev" }] })),
      path: "repositories[1].ecrRepositories[0].name",
      reason: 'duplicate ECR repository "techblue-dev": already defined at repositories[0].ecrRepositories[0].name',
      at: ["- name: techblue-dev", 2], // the repository, its ECR repository, then this one
    },
  ],
  [
    "ECR repository names that give the same Actions variable",
    {
      text: edited((c) => r0(c).ecrRepositories.push({ name: "techblue.dev" })),
      path: "repositories[0].ecrRepositories[1].name",
      reason: 'ECR repository "techblue.dev" gives the same Actions variable ECR_REPOSITORY_TECHBLUE_DEV as "techblue-dev"',
      at: "- name: techblue.dev",
    },
  ],
  [
    "tagMutability in lowercase",
    {
      text: edited((c) => (r0(c).ecrRepositories[0].tagMutability = "mutable")),
      path: "repositories[0].ecrRepositories[0].tagMutability",
      reason: '"mutable" is not allowed (allowed: IMMUTABLE, MUTABLE)',
      at: "tagMutability: mutable",
    },
  ],
  [
    "kmsKeyArn with encryption type AES256",
    {
      text: edited(
        (c) =>
          (r0(c).ecrRepositories[0].encryption = {
            type: "AES256",
            kmsKeyArn: "arn:aws:kms:ap-northeast-1:000123456789:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          }),
      ),
      path: "repositories[0].ecrRepositories[0].encryption.kmsKeyArn",
      reason: "kmsKeyArn applies only to type KMS: remove kmsKeyArn, or set type: KMS",
      at: "kmsKeyArn:",
    },
  ],
  [
    "keepLastImages 0",
    {
      text: edited((c) => (r0(c).ecrRepositories[0].lifecycle.keepLastImages = 0)),
      path: "repositories[0].ecrRepositories[0].lifecycle.keepLastImages",
      reason: "must be at least 1 (got number 0)",
      at: "keepLastImages: 0",
    },
  ],
  [
    "untaggedExpireDays not a whole number",
    {
      text: edited((c) => (r0(c).ecrRepositories[0].lifecycle.untaggedExpireDays = 1.5)),
      path: "repositories[0].ecrRepositories[0].lifecycle.untaggedExpireDays",
      reason: "expected a whole number, got number 1.5",
      at: "untaggedExpireDays: 1.5",
    },
  ],
  // --- deploy roles ------------------------------------------------------------------------------
  [
    "deploy role name longer than 64 characters",
    {
      text: edited((c) => (role0(c).name = "r".repeat(65))),
      path: "repositories[0].deployRoles[0].name",
      reason: "must be an IAM role name: 1-64 letters, digits or '+=,.@_-'",
      at: `- name: ${"r".repeat(65)}`,
    },
  ],
  [
    "deploy role name with a space",
    {
      text: edited((c) => (role0(c).name = "ecr push")),
      path: "repositories[0].deployRoles[0].name",
      reason: "must be an IAM role name",
      at: "- name: ecr push",
    },
  ],
  [
    "duplicate deploy role across repositories",
    {
      text: edited((c) =>
        c.repositories.push({ name: "techblue-api", deployRoles: [{ name: "TECHBLUE-DEV-ECR-PUSH", allow: { branches: ["main"] } }] }),
      ),
      path: "repositories[1].deployRoles[0].name",
      reason: 'duplicate deploy role "TECHBLUE-DEV-ECR-PUSH": already defined at repositories[0].deployRoles[0].name',
      at: "- name: TECHBLUE-DEV-ECR-PUSH",
    },
  ],
  [
    "role that trusts no subject at all",
    {
      text: edited((c) => (role0(c).allow = { branches: [] })),
      path: "repositories[0].deployRoles[0].allow",
      reason: "the role trusts no subject and could never be assumed: list branches, tags, environments or pullRequest: true",
      at: "allow:",
    },
  ],
  [
    "wildcard '*' in an exact branch",
    {
      text: edited((c) => (role0(c).allow.branches = ["main", "release/*"])),
      path: "repositories[0].deployRoles[0].allow.branches[1]",
      reason: "exact branch names cannot contain '*' or '?'; put patterns under wildcardSubjects with a reason",
      at: "- release/*",
    },
  ],
  [
    "wildcard '?' in an exact environment",
    {
      text: edited((c) => (role0(c).allow.environments = ["prod-?"])),
      path: "repositories[0].deployRoles[0].allow.environments[0]",
      reason: "exact environment names cannot contain '*' or '?'",
      at: "- prod-?",
    },
  ],
  [
    "exact tag given as a full ref",
    {
      text: edited((c) => (role0(c).allow.tags = ["refs/tags/v1"])),
      path: "repositories[0].deployRoles[0].allow.tags[0]",
      reason: "give the short tag name, without 'refs/...'",
      at: "- refs/tags/v1",
    },
  ],
  [
    "wildcard subject '*'",
    {
      text: edited((c) => (role0(c).wildcardSubjects = [{ pattern: "*", reason: "trust everything, for now" }])),
      path: "repositories[0].deployRoles[0].wildcardSubjects[0].pattern",
      reason: "must start with ref:refs/heads/, ref:refs/tags/ or environment: followed by a name that does not start with a wildcard",
      at: "pattern:",
    },
  ],
  [
    "wildcard subject 'repo:*'",
    {
      text: edited((c) => (role0(c).wildcardSubjects = [{ pattern: "repo:*", reason: "any repository of anyone" }])),
      path: "repositories[0].deployRoles[0].wildcardSubjects[0].pattern",
      reason: "must start with ref:refs/heads/, ref:refs/tags/ or environment:",
      at: "pattern:",
    },
  ],
  [
    "wildcard subject for any branch",
    {
      text: edited((c) => (role0(c).wildcardSubjects = [{ pattern: "ref:refs/heads/*", reason: "every branch may deploy" }])),
      path: "repositories[0].deployRoles[0].wildcardSubjects[0].pattern",
      reason: "followed by a name that does not start with a wildcard",
      at: "pattern:",
    },
  ],
  [
    "wildcard subject without a wildcard",
    {
      text: edited((c) => (role0(c).wildcardSubjects = [{ pattern: "ref:refs/heads/main", reason: "main deploys to production" }])),
      path: "repositories[0].deployRoles[0].wildcardSubjects[0].pattern",
      reason: "has no '*' or '?': put exact names under allow instead",
      at: "pattern:",
    },
  ],
  [
    "wildcard subject without a reason",
    {
      text: edited((c) => (role0(c).wildcardSubjects = [{ pattern: "ref:refs/heads/release/*" }])),
      path: "repositories[0].deployRoles[0].wildcardSubjects[0].reason",
      reason: "a written reason is required (at least 10 characters)",
      at: "- pattern:",
    },
  ],
  [
    "wildcard subject with a reason shorter than 10 characters",
    {
      text: edited((c) => (role0(c).wildcardSubjects = [{ pattern: "ref:refs/heads/release/*", reason: "releases " }])),
      path: "repositories[0].deployRoles[0].wildcardSubjects[0].reason",
      reason: "the reason must say why, in at least 10 characters",
      at: "reason:",
    },
  ],
  [
    "ecrPush naming an ECR repository that is not defined",
    {
      text: edited((c) => (role0(c).ecrPush = ["techblue-dev", "techblue-api"])),
      path: "repositories[0].deployRoles[0].ecrPush[1]",
      reason: 'unknown ECR repository "techblue-api" (defined: techblue-dev)',
      at: "- techblue-api",
    },
  ],
  [
    "maxSessionDurationSeconds below 15 minutes",
    {
      text: edited((c) => (role0(c).maxSessionDurationSeconds = 600)),
      path: "repositories[0].deployRoles[0].maxSessionDurationSeconds",
      reason: "must be at least 900 (got number 600)",
      at: "maxSessionDurationSeconds: 600",
    },
  ],
  [
    "maxSessionDurationSeconds above 12 hours",
    {
      text: edited((c) => (role0(c).maxSessionDurationSeconds = 86400)),
      path: "repositories[0].deployRoles[0].maxSessionDurationSeconds",
      reason: "must be at most 43200 (got number 86400)",
      at: "maxSessionDurationSeconds: 86400",
    },
  ],
  // --- runner ------------------------------------------------------------------------------------
  [
    "runner projectName starting with a hyphen",
    {
      text: edited((c) => (r0(c).runner.projectName = "-runner")),
      path: "repositories[0].runner.projectName",
      reason: "must be a CodeBuild project name: 2-150 letters, digits, '-' or '_', starting with a letter or digit",
      at: "projectName: -runner",
    },
  ],
  [
    "runner computeType that does not exist",
    {
      text: edited((c) => (r0(c).runner.computeType = "BUILD_GENERAL1_HUGE")),
      path: "repositories[0].runner.computeType",
      reason: '"BUILD_GENERAL1_HUGE" is not allowed (allowed: BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM',
      at: "computeType: BUILD_GENERAL1_HUGE",
    },
  ],
  [
    "privileged mode enabled without a reason",
    {
      text: edited((c) => (r0(c).runner.privilegedMode = { enabled: true })),
      path: "repositories[0].runner.privilegedMode.reason",
      reason: "privileged mode needs a reason (at least 10 characters) saying why the jobs need it",
      at: "privilegedMode:",
    },
  ],
  [
    "logRetentionDays that CloudWatch does not offer",
    {
      text: edited((c) => (r0(c).runner.logRetentionDays = 42)),
      path: "repositories[0].runner.logRetentionDays",
      reason: "must be one of CloudWatch's retention values: 1, 3, 5, 7, 14, 30, 60, 90",
      at: "logRetentionDays: 42",
    },
  ],
  [
    "organisation webhook under ownerType user",
    {
      text: edited((c) => (r0(c).runner.organizationWebhook = true)),
      path: "repositories[0].runner.organizationWebhook",
      reason: "organisation webhooks need github.ownerType organization",
      at: "organizationWebhook: true",
    },
  ],
  [
    "runner.ecrPush, which no longer exists (the service role is every job's)",
    {
      text: edited((c) => (r0(c).runner.ecrPush = ["techblue-dev"])),
      path: "repositories[0].runner.ecrPush",
      reason:
        "runner.ecrPush is no longer supported: the runner's service role is readable by every job on the runner, whatever branch or pull request queued it. Remove runner.ecrPush, give the workflow a deployRole",
      at: ["ecrPush:", 2],
    },
  ],
  [
    "a public repository with a runner that admits anyone",
    {
      text: edited((c) => {
        r0(c).visibility = "public";
        r0(c).runner.privilegedMode = { enabled: false };
      }),
      path: "repositories[0].runner.allowedActorIds",
      reason:
        "techblue-dev is public and the runner admits jobs of anyone's workflow run (no runner.allowedActorIds): remove it by listing the numeric GitHub ids of the people whose runs may use the runner under runner.allowedActorIds, or accept it with publicRepositoryOptIns.runnerWithoutActorFilter: <reason>",
      // The field is absent: the line is its parent's.
      at: "runner:",
    },
  ],
  [
    "a public repository with a privileged runner and no opt-in",
    {
      text: edited((c) => {
        r0(c).visibility = "public";
        r0(c).runner.allowedActorIds = [583231];
      }),
      path: "repositories[0].runner.privilegedMode.enabled",
      reason: "techblue-dev is public and the runner is privileged, and any workflow run GitHub queues on it gets the Docker daemon: remove it, or accept it with publicRepositoryOptIns.privilegedRunner: <reason>",
      at: "enabled: true",
    },
  ],
  [
    "a public repository with a role trusting pull_request and no opt-in",
    {
      text: edited((c) => {
        r0(c).visibility = "public";
        r0(c).runner.allowedActorIds = [583231];
        r0(c).publicRepositoryOptIns = { privilegedRunner: "docker build needs the daemon; only maintainers' runs reach it" };
        r0(c).deployRoles[0].allow.pullRequest = true;
      }),
      path: "repositories[0].deployRoles[0].allow.pullRequest",
      reason: 'techblue-dev is public and role "techblue-dev-ecr-push" trusts pull_request, the subject of every pull request, a fork\'s included: remove it, or accept it with publicRepositoryOptIns.pullRequestTrust',
      at: "pullRequest: true",
    },
  ],
  [
    "a public-repository opt-in on a private repository",
    {
      text: edited((c) => (r0(c).publicRepositoryOptIns = { organizationRunner: "shared runner for all repositories" })),
      path: "repositories[0].publicRepositoryOptIns.organizationRunner",
      reason: "opt-ins apply to public repositories only, and techblue-dev is private: remove publicRepositoryOptIns.organizationRunner",
      at: "organizationRunner: shared runner for all repositories",
    },
  ],
  [
    "a public-repository opt-in with nothing to accept",
    {
      text: edited((c) => {
        r0(c).visibility = "public";
        r0(c).runner.allowedActorIds = [583231];
        r0(c).publicRepositoryOptIns = {
          privilegedRunner: "docker build needs the daemon; only maintainers' runs reach it",
          organizationRunner: "shared runner for all repositories",
        };
      }),
      path: "repositories[0].publicRepositoryOptIns.organizationRunner",
      reason: "nothing to accept: techblue-dev has no organisation runner; remove publicRepositoryOptIns.organizationRunner",
      at: "organizationRunner: shared runner for all repositories",
    },
  ],
  // --- workflows ---------------------------------------------------------------------------------
  [
    "workflow type that does not exist",
    {
      text: edited((c) => (r0(c).workflows[0].type = "image-build")),
      path: "repositories[0].workflows[0].type",
      reason: '"image-build" is not allowed (allowed: image-build-push)',
      at: "- type: image-build",
    },
  ],
  [
    "workflow without a type",
    {
      text: edited((c) => delete r0(c).workflows[0].type),
      path: "repositories[0].workflows[0].type",
      reason: "required (allowed: image-build-push)",
      at: "- file: ecr-push.yml",
    },
  ],
  [
    "workflow file without .yml",
    {
      text: edited((c) => (r0(c).workflows[0].file = "ecr-push")),
      path: "repositories[0].workflows[0].file",
      reason: "must be a file name ending in .yml or .yaml, without folders",
      at: "file: ecr-push",
    },
  ],
  [
    "workflow file in a folder",
    {
      text: edited((c) => (r0(c).workflows[0].file = ".github/workflows/ecr-push.yml")),
      path: "repositories[0].workflows[0].file",
      reason: "without folders",
      at: "file: .github/workflows/ecr-push.yml",
    },
  ],
  [
    "duplicate workflow file",
    {
      text: edited((c) => (r0(c).workflows[1].file = "ECR-push.yml")),
      path: "repositories[0].workflows[1].file",
      reason: 'duplicate workflow file "ECR-push.yml": already defined at repositories[0].workflows[0].file',
      at: "file: ECR-push.yml",
    },
  ],
  [
    "workflow with no triggers",
    {
      text: edited((c) => (r0(c).workflows[0].on = {})),
      path: "repositories[0].workflows[0].on",
      reason: "give at least one branch or tag that triggers the workflow",
      at: "on: {}",
    },
  ],
  [
    "workflow trigger with a '!' negation",
    {
      text: edited((c) => (r0(c).workflows[0].on = { branches: ["!main"] })),
      path: "repositories[0].workflows[0].on.branches[0]",
      reason: "branch filters are names or glob patterns such as v* (no spaces, no '!' negations)",
      at: '- "!main"',
    },
  ],
  [
    "github-hosted workflow without a deployRole",
    {
      text: edited((c) => delete r0(c).workflows[0].deployRole),
      path: "repositories[0].workflows[0].deployRole",
      reason: "required for runsOn github-hosted: the job assumes this role through OIDC to push (this repository's roles: techblue-dev-ecr-push, techblue-dev-release-push)",
      at: "- type: image-build-push",
    },
  ],
  [
    "github-hosted workflow with the deployRole of another repository",
    {
      text: edited((c) => {
        c.repositories.push({
          name: "techblue-api",
          ecrRepositories: [{ name: "techblue-api" }],
          deployRoles: [{ name: "techblue-api-deploy", allow: { branches: ["main"] }, ecrPush: ["techblue-api"] }],
        });
        r0(c).workflows[0].deployRole = "techblue-api-deploy";
      }),
      path: "repositories[0].workflows[0].deployRole",
      reason: `unknown deploy role "techblue-api-deploy": a workflow assumes one of its own repository's roles or a shared role that trusts it (defined: techblue-dev-ecr-push, techblue-dev-release-push)`,
      at: "deployRole: techblue-api-deploy",
    },
  ],
  [
    "github-hosted workflow with an unknown deployRole",
    {
      text: edited((c) => (r0(c).workflows[0].deployRole = "ecr-push")),
      path: "repositories[0].workflows[0].deployRole",
      reason: 'unknown deploy role "ecr-push"',
      at: "deployRole: ecr-push",
    },
  ],
  [
    "workflow pushing to an ECR repository that is not defined",
    {
      text: edited((c) => (r0(c).workflows[1].ecrRepository = "techblue-web")),
      path: "repositories[0].workflows[1].ecrRepository",
      reason: 'unknown ECR repository "techblue-web" (defined: techblue-dev)',
      at: "ecrRepository: techblue-web",
    },
  ],
  [
    "github-hosted workflow whose role may not push to its ECR repository",
    {
      text: edited((c) => (role0(c).ecrPush = [])),
      path: "repositories[0].workflows[0].ecrRepository",
      reason: `role "techblue-dev-ecr-push" may not push to "techblue-dev": add it to that role's ecrPush`,
      at: ["ecrRepository: techblue-dev", 0],
    },
  ],
  [
    "codebuild workflow on a repository without a runner",
    {
      text: edited((c) => delete r0(c).runner),
      path: "repositories[0].workflows[1].runsOn",
      reason: "runsOn codebuild needs a runner on this repository (add a runner section)",
      at: "runsOn: codebuild",
    },
  ],
  [
    "codebuild workflow without a deployRole (jobs on the runner assume roles like GitHub-hosted ones)",
    {
      text: edited((c) => delete r0(c).workflows[1].deployRole),
      path: "repositories[0].workflows[1].deployRole",
      reason:
        "required for runsOn codebuild: the job assumes this role through OIDC to push (this repository's roles: techblue-dev-ecr-push, techblue-dev-release-push); the runner's service role holds no ECR permissions",
      at: ["- type: image-build-push", 1],
    },
  ],
  [
    "codebuild workflow whose role may not push to its ECR repository",
    {
      text: edited((c) => (r0(c).deployRoles[1].ecrPush = [])),
      path: "repositories[0].workflows[1].ecrRepository",
      reason: 'role "techblue-dev-release-push" may not push to "techblue-dev": add it to that role\'s ecrPush',
      at: ["ecrRepository: techblue-dev", 1],
    },
  ],
  [
    "runsOn that is neither github-hosted nor codebuild",
    {
      text: edited((c) => (r0(c).workflows[0].runsOn = "self-hosted")),
      path: "repositories[0].workflows[0].runsOn",
      reason: '"self-hosted" is not allowed (allowed: github-hosted, codebuild for this repository\'s runner, or { runner: <name> } for a shared runner of runners[])',
      at: "runsOn: self-hosted",
    },
  ],
  // --- the file itself ---------------------------------------------------------------------------
  [
    "YAML syntax error: an unclosed quote",
    {
      text: replaced("  region: ap-northeast-1", '  region: "ap-northeast-1'),
      path: "(top level)",
      reason: 'YAML syntax error: Missing closing "quote',
      at: 'region: "ap-northeast-1',
    },
  ],
  [
    "YAML syntax error: a key indented differently from its siblings",
    {
      text: replaced("  region: ap-northeast-1", "   region: ap-northeast-1"),
      path: "(top level)",
      reason: "YAML syntax error: All mapping items must start at the same column",
      at: "region: ap-northeast-1",
    },
  ],
  [
    "the same key twice",
    {
      text: replaced("repositories:\n", "github:\n  owner: other\n\nrepositories:\n"),
      path: "(top level)",
      reason: "YAML syntax error: Map keys must be unique",
      at: ["github:", 1],
    },
  ],
  [
    "a list at the top level instead of a mapping",
    {
      text: stringify([example()]),
      path: "(top level)",
      reason: "the config must be a YAML mapping with github, aws and repositories",
      at: null,
    },
  ],
  [
    "an empty file",
    { text: "# nothing here yet\n", path: "(top level)", reason: "the config must be a YAML mapping", at: null },
  ],
];

describe("bad inputs", () => {
  it("cover the required ground", () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(35);
    expect(new Set(BAD_INPUTS.map(([name]) => name)).size).toBe(BAD_INPUTS.length);
  });

  describe.each(BAD_INPUTS)("%s", (_name, bad) => {
    let error: ConfigError;
    beforeAll(() => {
      error = configError(bad.text);
    });

    it(`is reported at ${bad.path} with a reason that says what is wrong`, () => {
      expect(issueLine(error, bad.path)).toContain(bad.reason);
    });

    it(bad.at === null ? "has no line (the node does not exist)" : "points at the line of the node", () => {
      let expected = `  ${FILE} ${bad.path}: `;
      if (bad.at !== null) {
        const [snippet, occurrence] = typeof bad.at === "string" ? [bad.at, 0] : bad.at;
        expected = `  ${FILE}:${lineContaining(bad.text, snippet, occurrence)} ${bad.path}: `;
      }
      expect(issueLine(error, bad.path)?.slice(0, expected.length)).toBe(expected);
    });

    it(`has ${bad.issues ?? 1} problem(s) in all, each in the header count and the list`, () => {
      const count = bad.issues ?? 1;
      expect(error.issues).toHaveLength(count);
      expect(error.message.startsWith(`${count === 1 ? "1 problem" : `${count} problems`} in ${FILE}:\n`)).toBe(true);
      expect(error.message.split("\n").filter((l) => l.startsWith(`  ${FILE}`))).toHaveLength(count);
    });

    it("carries no stack trace in its message", () => {
      expect(error.message).not.toContain("    at ");
      expect(error.message.endsWith("Nothing was synthesized. Fix the config and run again.")).toBe(true);
    });
  });
});

describe("issues that come in pairs", () => {
  it("immutable subjects without ids report both the owner id and the repository id, each with how to find it", () => {
    // GIVEN the example switched to immutable subjects, without ids
    const error = configError(edited((c) => (r0(c).subjectFormat = "immutable")));

    // THEN both ids are asked for, with the gh command that prints them
    expect(issueLine(error, "github.ownerId")).toContain("gh api users/Test-User --jq .id");
    expect(issueLine(error, "repositories[0].id")).toContain(
      "required because subjectFormat is immutable: immutable subjects carry the repository's numeric id (find it with: gh api repos/Test-User/techblue-dev --jq .id)",
    );
  });

  it("immutable subjects load once both ids are given", () => {
    const config = parseConfig(
      edited((c) => {
        c.github.ownerId = 1234;
        r0(c).id = 5678;
        r0(c).subjectFormat = "both";
      }),
    );
    expect(config.repositories[0].subjectFormat).toBe("both");
  });
});

describe("several problems at once", () => {
  it("reports every schema problem in one error", () => {
    // GIVEN four unrelated mistakes in different sections
    const text = edited((c) => {
      c.github.owner = "-test-user";
      c.aws.region = "Tokyo";
      r0(c).ecrRepositories[0].tagMutability = "mutable";
      role0(c).maxSessionDurationSeconds = 60;
    });

    // WHEN loaded
    const error = configError(text);

    // THEN all four are listed, in file order, each with its line
    expect(error.issues.map((i) => i.path.join("."))).toEqual([
      "github.owner",
      "aws.region",
      "repositories.0.ecrRepositories.0.tagMutability",
      "repositories.0.deployRoles.0.maxSessionDurationSeconds",
    ]);
    expect(error.message.startsWith("4 problems in platform.yaml:\n")).toBe(true);
    expect(error.issues.every((i) => typeof i.line === "number")).toBe(true);
  });

  it("reports every cross-reference problem in one error", () => {
    // GIVEN three mistakes that only the whole-config checks can see
    const text = edited((c) => {
      c.repositories.push({ name: "TechBlue-Dev" });
      role0(c).ecrPush = ["techblue-web"];
      r0(c).variables = { ECR_REGISTRY: "x" };
    });

    // WHEN loaded
    const error = configError(text);

    // THEN each is listed (the role also may no longer push the workflow's image)
    expect(error.issues.map((i) => i.path.join("."))).toEqual([
      "repositories.1.name",
      "repositories.0.variables.ECR_REGISTRY",
      "repositories.0.deployRoles.0.ecrPush.0",
      "repositories.0.workflows.0.ecrRepository",
    ]);
    expect(error.message.startsWith("4 problems in platform.yaml:\n")).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The file on disk
// ---------------------------------------------------------------------------------------------

describe("loading from disk", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "platform-config-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the file it is given", () => {
    const file = join(dir, "other.yaml");
    writeFileSync(file, EXAMPLE_TEXT.replace("owner: Test-User", "owner: octo-org"));
    expect(loadConfig(file).github.owner).toBe("octo-org");
  });

  it("names the file in every issue", () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, EXAMPLE_TEXT.replace("region: ap-northeast-1", "region: Tokyo"));
    expect(() => loadConfig(file)).toThrow(`  ${file}:${lineContaining(EXAMPLE_TEXT, "region: ap-northeast-1")} aws.region: `);
  });

  it("a missing file is a ConfigError that says how to point at the config (PLATFORM_CONFIG)", () => {
    const file = join(dir, "missing.yaml");
    let error: unknown;
    try {
      loadConfig(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(`  ${file} (top level): file not found; copy platform.yaml from the template or set PLATFORM_CONFIG`);
    expect(message).not.toContain("    at ");
  });
});

describe("configPathFromEnv", () => {
  it("is platform.yaml by default", () => {
    expect(configPathFromEnv({})).toBe("platform.yaml");
    expect(DEFAULT_CONFIG_PATH).toBe("platform.yaml");
  });

  it("honours PLATFORM_CONFIG", () => {
    expect(CONFIG_PATH_ENV).toBe("PLATFORM_CONFIG");
    expect(configPathFromEnv({ PLATFORM_CONFIG: "configs/prod.yaml" })).toBe("configs/prod.yaml");
  });

  it("ignores an empty PLATFORM_CONFIG", () => {
    expect(configPathFromEnv({ PLATFORM_CONFIG: "" })).toBe("platform.yaml");
  });

  it("reads process.env when given no environment", () => {
    const before = process.env.PLATFORM_CONFIG;
    process.env.PLATFORM_CONFIG = "from-env.yaml";
    try {
      expect(configPathFromEnv()).toBe("from-env.yaml");
    } finally {
      if (before === undefined) delete process.env.PLATFORM_CONFIG;
      else process.env.PLATFORM_CONFIG = before;
    }
  });
});
