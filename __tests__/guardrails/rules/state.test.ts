import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import { STATE_RULES } from "../../../guardrails/rules/state";
import { ST_001 } from "../../../guardrails/rules/state/st-001-state-backend";
import { ST_002 } from "../../../guardrails/rules/state/st-002-prevent-destroy";
import type { Finding } from "../../../guardrails/types";
import { CodeConnection } from "../../../modules/code-connection";
import { EcrRepository } from "../../../modules/ecr-repository";
import { GithubOidcProvider } from "../../../modules/github-oidc-provider";
import { exampleFindings, findingsOfStack } from "../helpers";
import { ecrDefaults } from "../../helpers/config-defaults";

function summary(findings: readonly Finding[]): [string, string][] {
  return findings.map((f) => [f.rule.id, f.message]);
}

/** An S3 backend as stacks/backend.ts writes it (encrypt, and use_lockfile through an override). */
function s3Backend(stack: TerraformStack): void {
  new S3Backend(stack, { bucket: "my-org-terraform-state", key: "platform/test.tfstate", region: "ap-northeast-1", encrypt: true });
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}

/** The resources ST-002 protects, as the template's modules write them. */
function protectedResources(stack: TerraformStack): void {
  new GithubOidcProvider(stack, "Oidc");
  new EcrRepository(stack, "Repo", { ...ecrDefaults(), name: "techblue-dev" });
  new CodeConnection(stack, "Connection", { name: "techblue-github" });
}

describe("STATE_RULES", () => {
  test("the shipped example has no error findings (ST-001 warns about its local backend)", () => {
    const findings = exampleFindings(STATE_RULES);
    expect(summary(findings.filter((f) => f.rule.severity !== "warning"))).toEqual([]);
    expect(findings.map((f) => f.rule.id)).toEqual(["ST-001", "ST-001"]);
  });

  test("lists ST-001, ST-002 and ST-005, each with title, why, fix and source", () => {
    expect(STATE_RULES.map((r) => r.id)).toEqual(["ST-001", "ST-002", "ST-005"]);
    for (const rule of STATE_RULES) {
      expect([rule.title, rule.why, rule.fix, rule.source].every((s) => s.length > 10)).toBe(true);
    }
  });
});

describe("ST-001 state backend", () => {
  test("accepts an S3 backend with encrypt and use_lockfile", () => {
    const findings = findingsOfStack(ST_001, (stack) => {
      s3Backend(stack);
      protectedResources(stack);
    });
    expect(summary(findings)).toEqual([]);
  });

  test("warns once per stack about a local backend", () => {
    const findings = findingsOfStack(ST_001, (stack) => {
      new LocalBackend(stack, { path: "terraform.test.tfstate" });
      protectedResources(stack);
    });
    expect(ST_001.severity).toBe("warning");
    expect(summary(findings)).toEqual([["ST-001", 'stack "test" keeps its state in a local file: fine for trying the template, not for a team']]);
  });

  test("rejects an S3 backend without use_lockfile", () => {
    const findings = findingsOfStack(ST_001, (stack) => {
      new S3Backend(stack, { bucket: "my-org-terraform-state", key: "platform/test.tfstate", encrypt: true });
      protectedResources(stack);
    });
    expect(summary(findings)).toEqual([["ST-001", 's3 backend of "test" has use_lockfile = "not set", not true']]);
  });

  test("rejects an unencrypted S3 backend with DynamoDB locking", () => {
    const findings = findingsOfStack(ST_001, (stack) => {
      new S3Backend(stack, { bucket: "my-org-terraform-state", key: "platform/test.tfstate", dynamodbTable: "terraform-locks" });
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
      protectedResources(stack);
    });
    expect(summary(findings)).toEqual([
      ["ST-001", 's3 backend of "test" has encrypt = "not set", not true'],
      ["ST-001", 's3 backend of "test" sets the deprecated dynamodb_table "terraform-locks"'],
    ]);
  });
});

describe("ST-002 prevent_destroy", () => {
  test("accepts the OIDC provider, repository and connection of the modules", () => {
    expect(summary(findingsOfStack(ST_002, (stack) => protectedResources(stack)))).toEqual([]);
  });

  test("rejects an ECR repository without prevent_destroy", () => {
    const findings = findingsOfStack(ST_002, (stack) => {
      new EcrRepository(stack, "Repo", { ...ecrDefaults(), name: "techblue-dev" }).resource.addOverride("lifecycle.prevent_destroy", false);
    });
    expect(summary(findings)).toEqual([["ST-002", "lifecycle.prevent_destroy is false, not true"]]);
  });

  test("rejects a KMS key without a lifecycle block", () => {
    const findings = findingsOfStack(ST_002, (stack) => {
      new KmsKey(stack, "Key", { description: "ECR images" });
    });
    expect(summary(findings)).toEqual([["ST-002", 'lifecycle.prevent_destroy is "not set", not true']]);
  });
});
