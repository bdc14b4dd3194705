/**
 * Layer 1 (config): values that would widen a policy, move a build, leak a secret or never
 * converge with the github provider are refused before synth, each with its path, its line, what
 * is allowed and how to fix it; the safe neighbours of each load.
 */
import { parseConfig } from "../../config/load";
import { describeBadInputs, edited, type BadInput, type Draft } from "../helpers/config-errors";

const r0 = (c: Draft) => c.repositories[0];
const wf0 = (c: Draft) => c.repositories[0].workflows[0];
const wf1 = (c: Draft) => c.repositories[0].workflows[1];

const SECRET = "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:alice-github-token-AbCdEf";
const REASON = "migrating to the GitHub App connection in Q3";

/** The example with the runner on alice's token from `secretArn`. */
function withToken(secretArn: string): string {
  return edited((c) => (r0(c).runner.legacyPersonalToken = { owner: "alice", secretArn, reason: REASON }));
}

/** The example as an organisation's, with a team. */
function asOrganisation(edit: (c: Draft) => void = () => undefined): string {
  return edited((c) => {
    c.github.ownerType = "organization";
    r0(c).teams = [{ slug: "platform", permission: "maintain" }];
    edit(c);
  });
}

/** The example with the template's own CI (`self`), which needs a state backend. */
function withSelf(reviewers: { users?: number[]; teams?: number[] }): string {
  return edited((c) => {
    c.aws.stateBackend = { bucket: "my-org-terraform-state" };
    c.self = {
      repository: "platform-infra",
      reviewers,
      planApp: { appId: 111111, installationId: 22222222 },
      deployApp: { appId: 333333, installationId: 44444444 },
    };
  });
}

// Shaped like real credentials, assembled at run time so no scanner mistakes this file for a leak.
const FAKE = {
  awsSecretKey: ["wJalrXUtnFEMI", "/K7MDENG/bPxRfiCY", "EXAMPLEKEY"].join(""),
  awsKeyId: ["AKIA", "IOSFODNN7EXAMPLE"].join(""),
  postgres: ["postgres://app:", "s3cr3t-pw", "@db.internal:5432/app"].join(""),
  httpsToken: ["https://deploy:", "tok3n-value", "@git.example.com/org/repo.git"].join(""),
};

// ---------------------------------------------------------------------------------------------
// Values that become IAM policy resources
// ---------------------------------------------------------------------------------------------

const WILDCARD = "must not contain '*' or '?'";

describeBadInputs([
  [
    "a state key prefix of * (every pull request could read every state in the bucket)",
    {
      text: edited((c) => (c.aws.stateBackend = { bucket: "my-org-terraform-state", keyPrefix: "*" })),
      path: "aws.stateBackend.keyPrefix",
      reason: `${WILDCARD}: the state key prefix becomes a resource of an IAM policy`,
      at: "keyPrefix:",
    },
  ],
  [
    "a state key prefix with ?",
    {
      text: edited((c) => (c.aws.stateBackend = { bucket: "my-org-terraform-state", keyPrefix: "platform-?" })),
      path: "aws.stateBackend.keyPrefix",
      reason: WILDCARD,
      at: "keyPrefix:",
    },
  ],
  [
    "a KMS key ARN with a wildcard",
    {
      text: edited((c) => (r0(c).ecrRepositories[0].encryption = { kmsKeyArn: "arn:aws:kms:ap-northeast-1:000123456789:key/*" })),
      path: "repositories[0].ecrRepositories[0].encryption.kmsKeyArn",
      reason: `${WILDCARD}: the KMS key ARN`,
      at: "kmsKeyArn:",
    },
  ],
  [
    "an existing OIDC provider ARN with a wildcard",
    {
      text: edited((c) => (c.oidcProvider = { existingArn: "arn:aws:iam::000123456789:oidc-provider/*" })),
      path: "oidcProvider.existingArn",
      reason: `${WILDCARD}: the OIDC provider ARN`,
      at: "existingArn:",
    },
  ],
  [
    "an existing connection ARN with a wildcard",
    {
      text: edited((c) => (c.codeConnection = { existingArn: "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/*" })),
      path: "codeConnection.existingArn",
      reason: `${WILDCARD}: the connection ARN`,
      at: "existingArn:",
    },
  ],
  [
    "a token secret ARN of secret:* (every runner job could read every secret of the region)",
    {
      text: withToken("arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:*"),
      path: "repositories[0].runner.legacyPersonalToken.secretArn",
      reason: `${WILDCARD}: the secret ARN`,
      at: "secretArn:",
    },
  ],
  [
    "a token secret ARN without the 6-character suffix (a partial ARN)",
    {
      text: withToken("arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:alice-github-token"),
      path: "repositories[0].runner.legacyPersonalToken.secretArn",
      reason: "must be the full ARN of one Secrets Manager secret, arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>",
      at: "secretArn:",
    },
  ],
  [
    "a token secret in another account",
    {
      text: withToken("arn:aws:secretsmanager:ap-northeast-1:999999999999:secret:alice-github-token-AbCdEf"),
      path: "repositories[0].runner.legacyPersonalToken.secretArn",
      reason: "names a secret in account 999999999999, region ap-northeast-1; the runner runs in aws.accountId 000123456789",
      at: "secretArn:",
    },
  ],
  [
    "a token secret in another region",
    {
      text: withToken("arn:aws:secretsmanager:us-east-1:000123456789:secret:alice-github-token-AbCdEf"),
      path: "repositories[0].runner.legacyPersonalToken.secretArn",
      reason: "use a secret of that account and region (its ARN starts with arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:)",
      at: "secretArn:",
    },
  ],
]);

describe("policy resources that name one thing exactly", () => {
  test.each([
    ["a state key prefix with folders", (c: Draft) => (c.aws.stateBackend = { bucket: "my-org-terraform-state", keyPrefix: "platform/prod" })],
    ["a KMS key ARN", (c: Draft) => (r0(c).ecrRepositories[0].encryption = { kmsKeyArn: "arn:aws:kms:ap-northeast-1:000123456789:key/1234abcd-12ab-34cd-56ef-1234567890ab" })],
    ["a KMS alias ARN", (c: Draft) => (r0(c).ecrRepositories[0].encryption = { kmsKeyArn: "arn:aws:kms:ap-northeast-1:000123456789:alias/ecr" })],
    ["a token secret of this account and region", (c: Draft) => (r0(c).runner.legacyPersonalToken = { owner: "alice", secretArn: SECRET, reason: REASON })],
  ])("load: %s", (_name, edit) => {
    expect(() => parseConfig(edited(edit))).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Build paths
// ---------------------------------------------------------------------------------------------

const REMOTE = "must be a path inside the repository, not a URL or remote";

describeBadInputs([
  [
    "a build context that is a remote repository (docker build would build and push attacker code)",
    {
      text: edited((c) => (wf0(c).context = "https://github.com/attacker/evil-build.git#main")),
      path: "repositories[0].workflows[0].context",
      reason: `${REMOTE} (got a scheme, "git@host:" or "://"): docker build would fetch and build that remote source`,
      at: "context:",
    },
  ],
  [
    "a build context given as git@host:repo",
    { text: edited((c) => (wf0(c).context = "git@github.com:attacker/evil.git")), path: "repositories[0].workflows[0].context", reason: REMOTE, at: "context:" },
  ],
  [
    "a build context with another scheme (ssh://)",
    { text: edited((c) => (wf1(c).context = "ssh://git@example.com/evil.git")), path: "repositories[0].workflows[1].context", reason: REMOTE, at: "context:" },
  ],
  [
    "a Dockerfile URL",
    { text: edited((c) => (wf0(c).dockerfile = "https://example.com/Dockerfile")), path: "repositories[0].workflows[0].dockerfile", reason: REMOTE, at: "dockerfile:" },
  ],
  [
    "an absolute Dockerfile path",
    {
      text: edited((c) => (wf0(c).dockerfile = "/etc/app/Dockerfile")),
      path: "repositories[0].workflows[0].dockerfile",
      reason: "must be relative to the repository root, not absolute",
      at: "dockerfile:",
    },
  ],
  [
    "a build context that climbs out of the repository",
    {
      text: edited((c) => (wf0(c).context = "services/../../other-checkout")),
      path: "repositories[0].workflows[0].context",
      reason: "must not contain '..' segments, which can leave the repository checkout",
      at: "context:",
    },
  ],
  [
    "a build context that reads like a docker option",
    {
      text: edited((c) => (wf0(c).context = "--build-arg=X")),
      path: "repositories[0].workflows[0].context",
      reason: "may contain only letters, digits and '._-/' (not starting with '-')",
      at: "context:",
    },
  ],
  [
    "a Dockerfile that names a directory",
    { text: edited((c) => (wf0(c).dockerfile = "docker/")), path: "repositories[0].workflows[0].dockerfile", reason: "must name a file", at: "dockerfile:" },
  ],
]);

describe("build paths inside the repository", () => {
  test("load, and reach the workflow as written", () => {
    const config = parseConfig(
      edited((c) => {
        wf0(c).dockerfile = "services/app/app.Dockerfile";
        wf0(c).context = "./services/app";
      }),
    );
    expect(config.repositories[0].workflows[0]).toMatchObject({ dockerfile: "services/app/app.Dockerfile", context: "./services/app" });
    expect(config.repositories[0].workflows[1]).toMatchObject({ dockerfile: "Dockerfile", context: "." });
  });
});

// ---------------------------------------------------------------------------------------------
// Runner labels
// ---------------------------------------------------------------------------------------------

const STANDARD = "must be a label of GitHub's standard hosted runners";

describeBadInputs([
  [
    "githubHostedLabel self-hosted (an id-token: write job on any self-hosted runner)",
    {
      text: edited((c) => (wf0(c).githubHostedLabel = "self-hosted")),
      path: "repositories[0].workflows[0].githubHostedLabel",
      reason: `${STANDARD} (ubuntu-latest, ubuntu-24.04`,
      at: "githubHostedLabel:",
    },
  ],
  [
    "githubHostedLabel of a custom runner",
    {
      text: edited((c) => (wf0(c).githubHostedLabel = "gpu-runners")),
      path: "repositories[0].workflows[0].githubHostedLabel",
      reason: "for a larger runner use largerRunner: { label, reason }",
      at: "githubHostedLabel:",
    },
  ],
  [
    "githubHostedLabel of a retired-looking image name with a typo",
    { text: edited((c) => (wf0(c).githubHostedLabel = "ubuntu-24.4")), path: "repositories[0].workflows[0].githubHostedLabel", reason: STANDARD, at: "githubHostedLabel:" },
  ],
  [
    "largerRunner without a reason",
    {
      text: edited((c) => (wf0(c).largerRunner = { label: "linux-16-core" })),
      path: "repositories[0].workflows[0].largerRunner.reason",
      reason: "a written reason is required",
      at: "largerRunner:",
    },
  ],
  [
    "largerRunner labelled self-hosted",
    {
      text: edited((c) => (wf0(c).largerRunner = { label: "self-hosted", reason: REASON })),
      path: "repositories[0].workflows[0].largerRunner.label",
      reason: "must be the label of a GitHub-hosted larger runner: self-hosted runs the job on any self-hosted runner",
      at: "label: self-hosted",
    },
  ],
  [
    "largerRunner with a standard label",
    {
      text: edited((c) => (wf0(c).largerRunner = { label: "ubuntu-latest", reason: REASON })),
      path: "repositories[0].workflows[0].largerRunner.label",
      reason: "is a standard hosted runner label: set it as githubHostedLabel instead",
      at: "label: ubuntu-latest",
    },
  ],
  [
    "largerRunner on a codebuild workflow",
    {
      text: edited((c) => (wf1(c).largerRunner = { label: "linux-16-core", reason: REASON })),
      path: "repositories[0].workflows[1].largerRunner",
      reason: "applies to runsOn github-hosted only",
      at: "largerRunner:",
    },
  ],
  [
    "largerRunner next to a githubHostedLabel",
    {
      text: edited((c) => {
        wf0(c).githubHostedLabel = "ubuntu-22.04";
        wf0(c).largerRunner = { label: "linux-16-core", reason: REASON };
      }),
      path: "repositories[0].workflows[0].githubHostedLabel",
      reason: "set either githubHostedLabel or largerRunner, not both",
      at: "githubHostedLabel:",
    },
  ],
]);

describe("runner labels", () => {
  test.each([
    "ubuntu-latest",
    "ubuntu-24.04",
    "ubuntu-22.04",
    "ubuntu-26.04",
    "ubuntu-24.04-arm",
    "ubuntu-slim",
    "windows-latest",
    "windows-2025",
    "windows-2022",
    "windows-2025-vs2026",
    "windows-11-arm",
    "macos-latest",
    "macos-15",
    "macos-26",
    "macos-15-intel",
    "macos-15-xlarge",
    "macos-latest-large",
  ])("GitHub's standard label %s loads", (label) => {
    expect(parseConfig(edited((c) => (wf0(c).githubHostedLabel = label))).repositories[0].workflows[0].githubHostedLabel).toBe(label);
  });

  test("the default is ubuntu-24.04", () => {
    expect(parseConfig(edited(() => undefined)).repositories[0].workflows[0].githubHostedLabel).toBe("ubuntu-24.04");
  });

  test("a larger runner loads with its label and reason", () => {
    const config = parseConfig(edited((c) => (wf0(c).largerRunner = { label: "linux-16-core", reason: REASON })));
    expect(config.repositories[0].workflows[0].largerRunner).toEqual({ label: "linux-16-core", reason: REASON });
  });
});

// ---------------------------------------------------------------------------------------------
// Variables (GH-008 at the edge)
// ---------------------------------------------------------------------------------------------

const NAMED = "is named like a secret";
const HOLDS = "holds what looks like";

describeBadInputs([
  ...(
    [
      ["DB_PASSWORD", "PASSWORD"],
      ["API_TOKEN", "TOKEN"],
      ["client_secret", "SECRET"],
      ["SSH_PRIVATE_KEY", "PRIVATE_KEY"],
      ["DeployCredentials", "CREDENTIAL"],
    ] as const
  ).map(
    ([name, word]) =>
      [
        `a variable named ${name}`,
        {
          text: edited((c) => (r0(c).variables = { [name]: "not-shown-1234" })),
          path: `repositories[0].variables.${name}`,
          reason: `${NAMED} (${word}): Actions variables are readable by anyone with read access to the repository and printed unmasked in logs; store it as an Actions secret (gh secret set ${name})`,
          at: `${name}:`,
          hides: "not-shown-1234",
        },
      ] as const,
  ),
  [
    "an AWS secret access key on its own",
    {
      text: edited((c) => (r0(c).variables = { UPLOAD_KEY: FAKE.awsSecretKey })),
      path: "repositories[0].variables.UPLOAD_KEY",
      reason: `${HOLDS} an AWS secret access key (40 characters of base64) (value not shown)`,
      at: "UPLOAD_KEY:",
      hides: FAKE.awsSecretKey,
    },
  ],
  [
    "an AWS key pair in one value",
    {
      text: edited((c) => (r0(c).variables = { UPLOAD: `${FAKE.awsKeyId}:${FAKE.awsSecretKey}` })),
      path: "repositories[0].variables.UPLOAD",
      reason: `${HOLDS} an AWS access key id`,
      at: "UPLOAD:",
      hides: FAKE.awsSecretKey,
    },
  ],
  [
    "a database URL with a password",
    {
      text: edited((c) => (r0(c).variables = { DATABASE_URL: FAKE.postgres })),
      path: "repositories[0].variables.DATABASE_URL",
      reason: `${HOLDS} a URL with a password (scheme://user:password@host) (value not shown): Actions variables are readable by anyone with read access to the repository and printed unmasked in logs; store it as an Actions secret (gh secret set DATABASE_URL)`,
      at: "DATABASE_URL:",
      hides: "s3cr3t-pw",
    },
  ],
  [
    "an https URL with a token",
    {
      text: edited((c) => (r0(c).variables = { MIRROR: FAKE.httpsToken })),
      path: "repositories[0].variables.MIRROR",
      reason: `${HOLDS} a URL with a password`,
      at: "MIRROR:",
      hides: "tok3n-value",
    },
  ],
] as [string, BadInput][]);

describe("variables that are not secrets", () => {
  test("load: a commit SHA, URLs without credentials, an e-mail address, ARNs (also of a secret)", () => {
    const variables = {
      BASE_COMMIT: "3d3c42e5aac5ba805825da76410c181273ba90b1",
      DOCS_URL: "https://docs.example.com/path?q=1",
      DATABASE_HOST: "postgres://db.internal:5432/app",
      CONTACT: "platform@example.com",
      BUCKET_ARN: "arn:aws:s3:::my-artifacts",
      // Named like a secret, but an ARN names the secret; it is not the secret.
      DB_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:db-AbCdEf",
      LONG_NAME: "a".repeat(40),
    };
    expect(parseConfig(edited((c) => (r0(c).variables = variables))).repositories[0].variables).toEqual(variables);
  });
});

// ---------------------------------------------------------------------------------------------
// The github provider 6.9 and GitHub's API (repository access, environments)
// ---------------------------------------------------------------------------------------------

describeBadInputs([
  [
    "the owner of a user-owned repository listed as a collaborator",
    {
      text: edited((c) => r0(c).collaborators.push({ username: "Test-User", permission: "admin" })),
      path: "repositories[0].collaborators[3].username",
      reason: '"Test-User" owns this repository (github.owner, ownerType user): the owner always has admin and is not a collaborator',
      at: "username: Test-User",
    },
  ],
  [
    "the owner listed in another letter case",
    {
      text: edited((c) => r0(c).collaborators.push({ username: "test-user", permission: "write" })),
      path: "repositories[0].collaborators[3].username",
      reason: "would show as a change on every plan (remove it)",
      at: "username: test-user",
    },
  ],
  [
    "triage on a user-owned repository",
    {
      text: edited((c) => (r0(c).collaborators[1].permission = "triage")),
      path: "repositories[0].collaborators[1].permission",
      reason: '"triage" exists only on repositories owned by an organisation: GitHub refuses it (422)',
      at: "permission: triage",
    },
  ],
  [
    "maintain on a user-owned repository",
    {
      text: edited((c) => (r0(c).collaborators[2].permission = "maintain")),
      path: "repositories[0].collaborators[2].permission",
      reason: '"maintain" exists only on repositories owned by an organisation',
      at: "permission: maintain",
    },
  ],
  [
    "ignoreTeams on a user-owned repository",
    {
      text: edited((c) => (r0(c).ignoreTeams = ["security-managers"])),
      path: "repositories[0].ignoreTeams",
      reason: "teams exist only in organisations; github.ownerType is user",
      at: "ignoreTeams:",
    },
  ],
  [
    "a team both managed and ignored",
    {
      text: asOrganisation((c) => (r0(c).ignoreTeams = ["platform"])),
      path: "repositories[0].ignoreTeams[0]",
      reason: 'team "platform" is also listed at teams[0]',
      at: "- platform",
    },
  ],
  [
    "ignoreTeams on a repository whose access is not managed",
    {
      text: asOrganisation((c) => {
        r0(c).collaborators = [];
        r0(c).teams = [];
        r0(c).ignoreTeams = ["security-managers"];
      }),
      path: "repositories[0].ignoreTeams",
      reason: "has no effect: this repository's access is not managed",
      at: "ignoreTeams:",
    },
  ],
  [
    "an ignored team that is not a slug",
    {
      text: asOrganisation((c) => (r0(c).ignoreTeams = ["Security Managers"])),
      path: "repositories[0].ignoreTeams[0]",
      reason: "must be a team slug",
      at: "- Security Managers",
    },
  ],
  [
    "seven deployment reviewers (GitHub allows six)",
    {
      text: withSelf({ users: [1, 2, 3, 4, 5], teams: [6, 7] }),
      path: "self.reviewers",
      reason: "lists 7 reviewers (users and teams together): GitHub allows at most 6 per environment and refuses the apply",
      at: "reviewers:",
    },
  ],
]);

describe("access and environments the provider converges on", () => {
  test("triage and maintain load for an organisation's repository, with ignored teams", () => {
    const config = parseConfig(
      asOrganisation((c) => {
        r0(c).collaborators[1].permission = "triage";
        r0(c).ignoreTeams = ["security-managers"];
      }),
    );
    expect(config.repositories[0].collaborators[1].permission).toBe("triage");
    expect(config.repositories[0].teams).toEqual([{ slug: "platform", permission: "maintain" }]);
    expect(config.repositories[0].ignoreTeams).toEqual(["security-managers"]);
  });

  test("six reviewers load", () => {
    const config = parseConfig(withSelf({ users: [1, 2, 3, 4], teams: [5, 6] }));
    expect(config.self?.reviewers).toEqual({ users: [1, 2, 3, 4], teams: [5, 6] });
  });

  test("ignoreTeams defaults to none", () => {
    expect(parseConfig(edited(() => undefined)).repositories[0].ignoreTeams).toEqual([]);
  });
});
