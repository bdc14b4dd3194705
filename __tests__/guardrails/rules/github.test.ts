import { ActionsEnvironmentSecret } from "@cdktf/provider-github/lib/actions-environment-secret";
import { ActionsEnvironmentVariable } from "@cdktf/provider-github/lib/actions-environment-variable";
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { RepositoryCollaborator } from "@cdktf/provider-github/lib/repository-collaborator";
import { RepositoryCollaborators } from "@cdktf/provider-github/lib/repository-collaborators";
import { TeamRepository } from "@cdktf/provider-github/lib/team-repository";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { TerraformStack } from "cdktf";
import { GITHUB_RULES } from "../../../guardrails/rules/github";
import { GH_004 } from "../../../guardrails/rules/github/gh-004-permission-values";
import { GH_005 } from "../../../guardrails/rules/github/gh-005-one-management-style";
import { GH_006 } from "../../../guardrails/rules/github/gh-006-authoritative-collaborators";
import { GH_008 } from "../../../guardrails/rules/github/gh-008-no-plaintext-secrets";
import { GH_009 } from "../../../guardrails/rules/github/gh-009-variable-names";
import { GH_010 } from "../../../guardrails/rules/github/gh-010-provider-credentials";
import { GH_011 } from "../../../guardrails/rules/github/gh-011-api-budget";
import type { Finding } from "../../../guardrails/types";
import { escapeForTerraform } from "../../../workflows/render";
import { exampleFindings, findingsOfStack } from "../helpers";

/** `[rule id, message]` per finding: what the tests assert on. */
function summary(findings: readonly Finding[]): [string, string][] {
  return findings.map((f) => [f.rule.id, f.message]);
}

// Shaped like real tokens, assembled at run time so no scanner mistakes this file for a leak.
const FAKE = {
  awsKeyId: ["AKIA", "Z".repeat(16)].join(""),
  classicPat: ["ghp", "_", "a1B2".repeat(9)].join(""),
  fineGrainedPat: ["github", "_pat_", "11AAAA", "x".repeat(20)].join(""),
  pem: ["-----BEGIN RSA ", "PRIVATE KEY-----\nMIIB\n-----END RSA ", "PRIVATE KEY-----"].join(""),
  slack: ["xoxb", "-123-456-abc"].join(""),
  awsSecretKey: ["wJalrXUtnFEMI", "/K7MDENG/bPxRfiCY", "EXAMPLEKEY"].join(""),
  postgres: ["postgres://app:", "s3cr3t-pw", "@db.internal:5432/app"].join(""),
  httpsToken: ["https://deploy:", "tok3n-value", "@git.example.com/org/repo.git"].join(""),
};

describe("GITHUB_RULES", () => {
  test("the shipped example has no findings", () => {
    expect(summary(exampleFindings(GITHUB_RULES))).toEqual([]);
  });

  test("lists the rules in id order, each with title, why, fix and source", () => {
    const ids = GITHUB_RULES.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of GITHUB_RULES) {
      expect([rule.title, rule.why, rule.fix, rule.source].every((s) => s.length > 10)).toBe(true);
    }
  });
});

describe("GH-004 permission values", () => {
  test("accepts pull, triage, push, maintain and admin", () => {
    // GIVEN every API word on users and teams
    const findings = findingsOfStack(GH_004, (stack) => {
      new RepositoryCollaborators(stack, "Access", {
        repository: "app",
        user: ["pull", "triage", "push", "maintain", "admin"].map((permission, i) => ({ username: `user${i}`, permission })),
        team: [{ teamId: "ops", permission: "maintain" }],
      });
    });
    // THEN
    expect(summary(findings)).toEqual([]);
  });

  test("rejects write on a collaborators user block: GitHub reports it as push", () => {
    const findings = findingsOfStack(GH_004, (stack) => {
      new RepositoryCollaborators(stack, "Access", { repository: "app", user: [{ username: "bob", permission: "write" }] });
    });
    expect(summary(findings)).toEqual([["GH-004", expect.stringContaining('user "bob" has permission "write": GitHub reports it as "push"')]]);
  });

  test("rejects read on a collaborators team block", () => {
    const findings = findingsOfStack(GH_004, (stack) => {
      new RepositoryCollaborators(stack, "Access", { repository: "app", team: [{ teamId: "ops", permission: "read" }] });
    });
    expect(summary(findings)).toEqual([["GH-004", expect.stringContaining('team "ops" has permission "read": GitHub reports it as "pull"')]]);
  });

  test("rejects a word that is no repository permission on github_team_repository", () => {
    const findings = findingsOfStack(GH_004, (stack) => {
      new TeamRepository(stack, "Team", { repository: "app", teamId: "ops", permission: "owner" });
    });
    expect(summary(findings)).toEqual([["GH-004", expect.stringContaining('team "ops" has permission "owner": not a repository permission')]]);
  });

  test("rejects write on the singular github_repository_collaborator", () => {
    const findings = findingsOfStack(GH_004, (stack) => {
      new RepositoryCollaborator(stack, "Bob", { repository: "app", username: "bob", permission: "write" });
    });
    expect(summary(findings)).toEqual([["GH-004", expect.stringContaining('user "bob" has permission "write"')]]);
  });
});

describe("GH-005 one management style per repository", () => {
  test("accepts one github_team_repository per team on the same repository", () => {
    const findings = findingsOfStack(GH_005, (stack) => {
      new TeamRepository(stack, "Ops", { repository: "app", teamId: "ops", permission: "pull" });
      new TeamRepository(stack, "Dev", { repository: "app", teamId: "dev", permission: "push" });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("accepts different styles on different repositories", () => {
    const findings = findingsOfStack(GH_005, (stack) => {
      new RepositoryCollaborators(stack, "Access", { repository: "app", user: [{ username: "bob", permission: "push" }] });
      new TeamRepository(stack, "Ops", { repository: "other", teamId: "ops", permission: "pull" });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects a github_team_repository next to the example's authoritative collaborators, on both resources", () => {
    // GIVEN the example plus a hand-added team grant on the same repository
    const findings = exampleFindings([GH_005], (platform) => {
      new TeamRepository(platform.github, "ExtraTeam", { repository: "techblue-dev", teamId: "ops", permission: "pull" });
    });
    // THEN each side names the other
    expect(summary(findings)).toEqual([
      ["GH-005", expect.stringContaining('repository "techblue-dev" is also managed by github_team_repository at github-test-user/ExtraTeam')],
      ["GH-005", expect.stringContaining("is also managed by github_repository_collaborators at github-test-user/Access-techblue-dev/Resource")],
    ]);
  });

  test("rejects two github_repository_collaborators for one repository", () => {
    const findings = findingsOfStack(GH_005, (stack) => {
      new RepositoryCollaborators(stack, "A", { repository: "app", user: [{ username: "alice", permission: "admin" }] });
      new RepositoryCollaborators(stack, "B", { repository: "app", user: [{ username: "bob", permission: "push" }] });
    });
    expect(summary(findings)).toEqual([
      ["GH-005", expect.stringContaining("also managed by github_repository_collaborators at test/B")],
      ["GH-005", expect.stringContaining("also managed by github_repository_collaborators at test/A")],
    ]);
  });
});

describe("GH-006 authoritative collaborators", () => {
  test("accepts github_repository_collaborators", () => {
    const findings = findingsOfStack(GH_006, (stack) => {
      new RepositoryCollaborators(stack, "Access", { repository: "app", user: [{ username: "bob", permission: "push" }] });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("flags the singular github_repository_collaborator", () => {
    const findings = findingsOfStack(GH_006, (stack) => {
      new RepositoryCollaborator(stack, "Bob", { repository: "app", username: "bob", permission: "push" });
    });
    expect(summary(findings)).toEqual([["GH-006", expect.stringContaining('user "bob" on repository "app" is managed with the singular github_repository_collaborator')]]);
  });
});

describe("GH-008 no plaintext secrets", () => {
  test("accepts a secret given as encrypted_value and an ARN as a variable value", () => {
    const findings = findingsOfStack(GH_008, (stack) => {
      new ActionsSecret(stack, "Secret", { repository: "app", secretName: "NPM_TOKEN", encryptedValue: "c2VhbGVkLWJveA==" });
      new ActionsVariable(stack, "Role", { repository: "app", variableName: "AWS_ROLE_ARN", value: "arn:aws:iam::000123456789:role/app-push" });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects github_actions_secret with plaintext_value, without quoting it", () => {
    const findings = findingsOfStack(GH_008, (stack) => {
      new ActionsSecret(stack, "Secret", { repository: "app", secretName: "NPM_TOKEN", plaintextValue: "npm_abcdef" });
    });
    expect(summary(findings)).toEqual([["GH-008", expect.stringContaining('secret "NPM_TOKEN" sets plaintext_value')]]);
    expect(findings[0].message).not.toContain("npm_abcdef");
  });

  test("rejects github_actions_environment_secret with plaintext_value", () => {
    const findings = findingsOfStack(GH_008, (stack) => {
      new ActionsEnvironmentSecret(stack, "Secret", { repository: "app", environment: "prod", secretName: "DEPLOY_KEY", plaintextValue: "x" });
    });
    expect(summary(findings)).toEqual([["GH-008", expect.stringContaining('secret "DEPLOY_KEY" sets plaintext_value')]]);
  });

  test.each([
    ["an AWS access key id", FAKE.awsKeyId, "AWS access key id"],
    ["a classic GitHub token", FAKE.classicPat, "GitHub token"],
    ["a fine-grained GitHub token", FAKE.fineGrainedPat, "fine-grained token"],
    ["a PEM private key", FAKE.pem, "PEM private key"],
    ["a Slack bot token", FAKE.slack, "Slack token"],
  ])("rejects a variable holding %s, without quoting it", (_what, value, kind) => {
    const findings = findingsOfStack(GH_008, (stack) => {
      new ActionsVariable(stack, "Leak", { repository: "app", variableName: "DEPLOY_CREDENTIAL", value });
    });
    expect(summary(findings)).toEqual([["GH-008", expect.stringContaining(`variable "DEPLOY_CREDENTIAL" holds what looks like`)]]);
    expect(findings[0].message).toContain(kind);
    expect(findings[0].message).not.toContain(value);
  });
});

describe("GH-008 secret access keys, URLs with passwords, secret-like names", () => {
  test.each([
    ["an AWS secret access key", FAKE.awsSecretKey, "AWS secret access key"],
    ["an AWS key pair", `${FAKE.awsKeyId} ${FAKE.awsSecretKey}`, "AWS access key id"],
    ["a database URL with a password", FAKE.postgres, "URL with a password"],
    ["an https URL with a token", FAKE.httpsToken, "URL with a password"],
  ])("rejects a variable holding %s, without quoting it", (_what, value, kind) => {
    const findings = findingsOfStack(GH_008, (stack) => {
      new ActionsVariable(stack, "Leak", { repository: "app", variableName: "UPLOAD", value });
    });
    expect(summary(findings)).toEqual([["GH-008", expect.stringMatching(new RegExp(`^variable "UPLOAD" holds what looks like an? ${kind}`))]]);
    expect(findings[0].message).not.toContain(value);
  });

  test("rejects an environment variable holding a URL with a password", () => {
    const findings = findingsOfStack(GH_008, (stack) => {
      new ActionsEnvironmentVariable(stack, "Leak", { repository: "app", environment: "prod", variableName: "DB", value: FAKE.postgres });
    });
    expect(summary(findings)).toEqual([["GH-008", expect.stringContaining('variable "DB" holds what looks like a URL with a password')]]);
  });

  test.each(["DB_PASSWORD", "NPM_TOKEN", "client_secret", "SSH_PRIVATE_KEY", "DeployCredentials", "AWS_ROLE_ARN_TOKEN"])(
    "rejects a variable named %s whatever its value",
    (name) => {
      const findings = findingsOfStack(GH_008, (stack) => {
        new ActionsVariable(stack, "Named", { repository: "app", variableName: name, value: "plain-value" });
      });
      expect(summary(findings)).toEqual([["GH-008", expect.stringContaining(`variable "${name}" is named like a secret`)]]);
      expect(findings[0].message).not.toContain("plain-value");
    },
  );

  test("accepts values that only resemble secrets: a commit SHA, URLs without a password, the template's derived variables", () => {
    const findings = findingsOfStack(GH_008, (stack) => {
      const variables: Record<string, string> = {
        BASE_COMMIT: "3d3c42e5aac5ba805825da76410c181273ba90b1",
        DATABASE_HOST: "postgres://db.internal:5432/app",
        DOCS: "https://user@docs.example.com/x",
        // A role or ECR repository whose name contains a secret word gives a derived variable of that name.
        AWS_ROLE_ARN_TOKEN_SERVICE: "arn:aws:iam::000123456789:role/token-service",
        ECR_REPOSITORY_SECRET_SCANNER: "secret-scanner",
        // An ARN names the secret; it is not the secret.
        DB_SECRET_ARN: "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:db-AbCdEf",
      };
      for (const [name, value] of Object.entries(variables)) {
        new ActionsVariable(stack, name, { repository: "app", variableName: name, value });
      }
    });
    expect(summary(findings)).toEqual([]);
  });
});

describe("GH-009 variable names and workflow reads", () => {
  test("accepts a valid name", () => {
    const findings = findingsOfStack(GH_009, (stack) => {
      new ActionsVariable(stack, "Var", { repository: "app", variableName: "_ECR_REPOSITORY_2", value: "app" });
    });
    expect(summary(findings)).toEqual([]);
  });

  test.each(["1ST_VARIABLE", "ECR-REPOSITORY", "AWS REGION"])("rejects the invalid name %j", (name) => {
    const findings = findingsOfStack(GH_009, (stack) => {
      new ActionsVariable(stack, "Var", { repository: "app", variableName: name, value: "x" });
    });
    expect(summary(findings)).toEqual([["GH-009", expect.stringContaining(`variable name ${JSON.stringify(name)} is not a valid Actions variable name`)]]);
  });

  test.each(["GITHUB_TOKEN", "github_region"])("rejects the reserved prefix in %j", (name) => {
    const findings = findingsOfStack(GH_009, (stack) => {
      new ActionsVariable(stack, "Var", { repository: "app", variableName: name, value: "x" });
    });
    expect(summary(findings)).toEqual([["GH-009", expect.stringContaining("starts with GITHUB_, which GitHub reserves")]]);
  });

  test("rejects a workflow reading a variable its repository does not define, naming the defined ones", () => {
    // GIVEN the example's first workflow edited to read vars.DEPLOY_BUCKET
    const findings = exampleFindings([GH_009], (platform) => {
      const file = platform.github.workflowFiles[0];
      file.resource.addOverride("content", escapeForTerraform(file.content.replace("DOCKERFILE: Dockerfile", "DOCKERFILE: ${{ vars.DEPLOY_BUCKET }}")));
    });
    // THEN
    expect(summary(findings)).toEqual([
      [
        "GH-009",
        expect.stringContaining(
          '.github/workflows/ecr-push.yml reads vars.DEPLOY_BUCKET, which repository "techblue-dev" does not define as github_actions_variable (defined: AWS_REGION, AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH,',
        ),
      ],
    ]);
  });

  test("matches workflow reads to variables case-insensitively, as GitHub does", () => {
    const findings = exampleFindings([GH_009], (platform) => {
      const file = platform.github.workflowFiles[0];
      file.resource.addOverride("content", escapeForTerraform(file.content.replace("vars.AWS_REGION", "vars.aws_region")));
    });
    expect(summary(findings)).toEqual([]);
  });
});

describe("GH-010 provider credentials", () => {
  const someResource = (stack: TerraformStack) =>
    new ActionsVariable(stack, "Var", { repository: "app", variableName: "AWS_REGION", value: "eu-west-1" });

  test("accepts an owner and credentials from the environment, including an empty app_auth", () => {
    const findings = findingsOfStack(GH_010, (stack) => {
      // The typed binding wants id/installationId/pemFile; the provider reads GITHUB_APP_* into an empty block.
      new GithubProvider(stack, "github", { owner: "octo-org" }).addOverride("app_auth", {});
      someResource(stack);
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects a token in the github provider, without quoting it", () => {
    const findings = findingsOfStack(GH_010, (stack) => {
      new GithubProvider(stack, "github", { owner: "octo-org", token: FAKE.classicPat });
      someResource(stack);
    });
    expect(summary(findings)).toEqual([["GH-010", expect.stringContaining("provider github sets token")]]);
    expect(findings[0].message).not.toContain(FAKE.classicPat);
  });

  test("rejects a private key in the github provider's app_auth", () => {
    const findings = findingsOfStack(GH_010, (stack) => {
      new GithubProvider(stack, "github", { owner: "octo-org", appAuth: { id: "1", installationId: "2", pemFile: FAKE.pem } });
      someResource(stack);
    });
    expect(summary(findings)).toEqual([["GH-010", expect.stringContaining("provider github sets app_auth.pem_file")]]);
  });

  test("rejects a github provider without owner", () => {
    const findings = findingsOfStack(GH_010, (stack) => {
      new GithubProvider(stack, "github", {});
      someResource(stack);
    });
    expect(summary(findings)).toEqual([["GH-010", expect.stringContaining("provider github has no owner")]]);
  });

  test("rejects access keys in the aws provider", () => {
    const findings = findingsOfStack(GH_010, (stack) => {
      new AwsProvider(stack, "aws", { region: "eu-west-1", accessKey: FAKE.awsKeyId, secretKey: "s3cr3t" });
      someResource(stack);
    });
    expect(summary(findings)).toEqual([["GH-010", expect.stringContaining("provider aws sets access_key, secret_key")]]);
  });

  test("reports once per stack, on the stack's first resource", () => {
    // GIVEN the example with credentials in both stacks' providers
    const findings = exampleFindings([GH_010], (platform) => {
      (platform.github.node.findChild("github") as GithubProvider).token = FAKE.classicPat;
      (platform.aws.node.findChild("aws") as AwsProvider).accessKey = FAKE.awsKeyId;
    });
    // THEN one finding per stack, each on the first resource of that stack
    expect(findings.map((f) => [f.resource.stack, f.message])).toEqual([
      ["aws-000123456789-ap-northeast-1", expect.stringContaining("provider aws sets access_key")],
      ["github-test-user", expect.stringContaining("provider github sets token")],
    ]);
    expect(findings[1].resource.path).toBe("github-test-user/Access-techblue-dev/Resource");
  });
});

describe("GH-011 GitHub API budget per stack", () => {
  const variables = (stack: TerraformStack, n: number) => {
    new GithubProvider(stack, "github", { owner: "acme" });
    for (let i = 0; i < n; i++) new ActionsVariable(stack, `v${i}`, { repository: "web", variableName: `V${i}`, value: "x" });
  };

  test("a stack of 999 variables (1,000 requests with the provider's own) is within the budget", () => {
    expect(summary(findingsOfStack(GH_011, (stack) => variables(stack, 999)))).toEqual([]);
  });

  test("one more is over it: one finding for the stack, with the estimate and the split to make", () => {
    const found = findingsOfStack(GH_011, (stack) => variables(stack, 1000));
    expect(summary(found)).toEqual([
      [
        "GH-011",
        "stack test is over its GitHub API budget: GitHub API: about 1,001 REST requests per refresh of test (budget 1,000 per stack; github_actions_variable 1,000); split it into at least 2 stacks (github.shards 2x what it is now, or repositories[].shard for its largest repositories)",
      ],
    ]);
    expect(found[0].resource.path).toBe("test/v0");
  });
});
