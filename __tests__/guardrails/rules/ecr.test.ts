import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRegistryScanningConfiguration } from "@cdktf/provider-aws/lib/ecr-registry-scanning-configuration";
import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import type { TerraformStack } from "cdktf";
import { ECR_RULES } from "../../../guardrails/rules/ecr";
import { ECR_001 } from "../../../guardrails/rules/ecr/ecr-001-immutable-tags";
import { ECR_002 } from "../../../guardrails/rules/ecr/ecr-002-scan-on-push";
import { ECR_003 } from "../../../guardrails/rules/ecr/ecr-003-kms-encryption";
import { ECR_004 } from "../../../guardrails/rules/ecr/ecr-004-policy-not-public";
import { ECR_005 } from "../../../guardrails/rules/ecr/ecr-005-lifecycle-policy";
import { ECR_006 } from "../../../guardrails/rules/ecr/ecr-006-no-force-delete";
import type { Finding } from "../../../guardrails/types";
import { EcrRepository } from "../../../modules/ecr-repository";
import { exampleFindings, findingsOfStack } from "../helpers";
import { ecrDefaults } from "../../helpers/config-defaults";

function summary(findings: readonly Finding[]): [string, string][] {
  return findings.map((f) => [f.rule.id, f.message]);
}

/** The repository of the example (seed 001), as the template's module writes it. */
function repository(stack: TerraformStack): EcrRepository {
  return new EcrRepository(stack, "Repo", { ...ecrDefaults(), name: "techblue-dev" });
}

/** A repository policy with one statement. */
function repositoryPolicy(stack: TerraformStack, statement: object): void {
  new EcrRepositoryPolicy(stack, "Policy", {
    repository: "techblue-dev",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], ...statement }] }),
  });
}

/** The example repository with its lifecycle policy replaced by these rules. */
function withLifecycleRules(rules: object[]): (stack: TerraformStack) => void {
  return (stack) => repository(stack).lifecyclePolicy.addOverride("policy", JSON.stringify({ rules }));
}

const UNTAGGED = { rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } };
const ANY = { rulePriority: 2, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } };

describe("ECR_RULES", () => {
  test("the shipped example has no findings", () => {
    expect(summary(exampleFindings(ECR_RULES))).toEqual([]);
  });

  test("lists ECR-001 to ECR-006 in id order, each with title, why, fix and source", () => {
    expect(ECR_RULES.map((r) => r.id)).toEqual(["ECR-001", "ECR-002", "ECR-003", "ECR-004", "ECR-005", "ECR-006"]);
    for (const rule of ECR_RULES) {
      expect([rule.title, rule.why, rule.fix, rule.source].every((s) => s.length > 10)).toBe(true);
    }
  });
});

describe("ECR-001 immutable tags", () => {
  test("accepts the module's default", () => {
    expect(summary(findingsOfStack(ECR_001, (stack) => repository(stack)))).toEqual([]);
  });

  test("rejects MUTABLE", () => {
    const findings = findingsOfStack(ECR_001, (stack) => repository(stack).resource.addOverride("image_tag_mutability", "MUTABLE"));
    expect(summary(findings)).toEqual([["ECR-001", 'image_tag_mutability is "MUTABLE", not "IMMUTABLE"']]);
  });

  test("rejects an unset mutability (provider default MUTABLE)", () => {
    const findings = findingsOfStack(ECR_001, (stack) => new EcrRepositoryResource(stack, "Raw", { name: "techblue-dev" }));
    expect(summary(findings)).toEqual([["ECR-001", "image_tag_mutability is not set (the provider default is MUTABLE)"]]);
  });
});

describe("ECR-002 scan on push", () => {
  test("accepts the module's default", () => {
    expect(summary(findingsOfStack(ECR_002, (stack) => repository(stack)))).toEqual([]);
  });

  test("rejects scan_on_push false", () => {
    const findings = findingsOfStack(ECR_002, (stack) => repository(stack).resource.addOverride("image_scanning_configuration.scan_on_push", false));
    expect(summary(findings)).toEqual([
      ["ECR-002", "image_scanning_configuration.scan_on_push is false, and no registry scanning configuration of this stack covers the repository"],
    ]);
  });

  test("accepts scan_on_push false with a registry scanning rule covering the repository", () => {
    const findings = findingsOfStack(ECR_002, (stack) => {
      repository(stack).resource.addOverride("image_scanning_configuration.scan_on_push", false);
      new EcrRegistryScanningConfiguration(stack, "Scanning", {
        scanType: "ENHANCED",
        rule: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilter: [{ filter: "techblue-*", filterType: "WILDCARD" }] }],
      });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects a registry scanning rule that does not cover the repository", () => {
    const findings = findingsOfStack(ECR_002, (stack) => {
      repository(stack).resource.addOverride("image_scanning_configuration.scan_on_push", false);
      new EcrRegistryScanningConfiguration(stack, "Scanning", {
        scanType: "BASIC",
        rule: [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilter: [{ filter: "other-*", filterType: "WILDCARD" }] }],
      });
    });
    expect(summary(findings)[0][0]).toBe("ECR-002");
  });
});

describe("ECR-003 KMS encryption", () => {
  test("accepts the module's default", () => {
    expect(summary(findingsOfStack(ECR_003, (stack) => repository(stack)))).toEqual([]);
  });

  test("rejects AES256", () => {
    const findings = findingsOfStack(ECR_003, (stack) => {
      new EcrRepository(stack, "Repo", { ...ecrDefaults(), name: "techblue-dev", encryption: { type: "AES256" } });
    });
    expect(summary(findings)).toEqual([["ECR-003", 'encryption_configuration.encryption_type is "AES256", not "KMS"']]);
  });

  test("rejects a repository without encryption_configuration", () => {
    const findings = findingsOfStack(ECR_003, (stack) => new EcrRepositoryResource(stack, "Raw", { name: "techblue-dev" }));
    expect(summary(findings)[0][1]).toContain('the default is "AES256"');
  });
});

describe("ECR-004 repository policy never public", () => {
  test("accepts a named account principal", () => {
    const findings = findingsOfStack(ECR_004, (stack) => repositoryPolicy(stack, { Principal: { AWS: "arn:aws:iam::000123456789:root" } }));
    expect(summary(findings)).toEqual([]);
  });

  test('accepts Principal "*" restricted by aws:PrincipalOrgID', () => {
    const findings = findingsOfStack(ECR_004, (stack) =>
      repositoryPolicy(stack, { Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }),
    );
    expect(summary(findings)).toEqual([]);
  });

  test('rejects Principal "*"', () => {
    const findings = findingsOfStack(ECR_004, (stack) => repositoryPolicy(stack, { Principal: "*" }));
    expect(summary(findings)).toEqual([["ECR-004", 'statement "Pull" allows Principal "*" without a condition restricting the account or organisation']]);
  });

  test('rejects {"AWS": "*"} with a condition that does not restrict the caller', () => {
    const findings = findingsOfStack(ECR_004, (stack) =>
      repositoryPolicy(stack, { Principal: { AWS: "*" }, Condition: { StringNotEquals: { "aws:PrincipalAccount": "000123456789" } } }),
    );
    expect(summary(findings)).toEqual([["ECR-004", 'statement "Pull" allows Principal {"AWS":"*"} without a condition restricting the account or organisation']]);
  });
});

describe("ECR-005 lifecycle policy present and valid", () => {
  test("accepts the module's lifecycle policy", () => {
    expect(summary(findingsOfStack(ECR_005, (stack) => repository(stack)))).toEqual([]);
  });

  test("rejects a repository without a lifecycle policy", () => {
    const findings = findingsOfStack(ECR_005, (stack) => new EcrRepositoryResource(stack, "Raw", { name: "techblue-dev" }));
    expect(summary(findings)).toEqual([["ECR-005", 'no aws_ecr_lifecycle_policy references repository "techblue-dev"']]);
  });

  test("accepts a lifecycle policy naming the repository literally", () => {
    const findings = findingsOfStack(ECR_005, (stack) => {
      new EcrRepositoryResource(stack, "Raw", { name: "techblue-dev" });
      new EcrLifecyclePolicy(stack, "Lifecycle", { repository: "techblue-dev", policy: JSON.stringify({ rules: [UNTAGGED, ANY] }) });
    });
    expect(summary(findings)).toEqual([]);
  });

  test("rejects duplicate rule priorities", () => {
    const findings = findingsOfStack(ECR_005, withLifecycleRules([UNTAGGED, { ...ANY, rulePriority: 1 }]));
    expect(summary(findings)[0]).toEqual(["ECR-005", 'lifecycle policy of "techblue-dev": rulePriority 1 is used by 2 rules']);
  });

  test("rejects a policy that never expires untagged images", () => {
    const findings = findingsOfStack(ECR_005, withLifecycleRules([ANY]));
    expect(summary(findings)).toEqual([["ECR-005", expect.stringContaining("no rule expires untagged images")]]);
  });

  test('rejects a tagStatus "any" rule that is not the highest priority', () => {
    const findings = findingsOfStack(ECR_005, withLifecycleRules([{ ...UNTAGGED, rulePriority: 2 }, { ...ANY, rulePriority: 1 }]));
    expect(summary(findings)).toEqual([["ECR-005", 'lifecycle policy of "techblue-dev": the tagStatus "any" rule has rulePriority 1, but 2 is higher']]);
  });

  test("rejects a policy that does not parse", () => {
    const findings = findingsOfStack(ECR_005, (stack) => repository(stack).lifecyclePolicy.addOverride("policy", "{rules: ["));
    expect(summary(findings)).toEqual([["ECR-005", 'the lifecycle policy of "techblue-dev" does not parse as a document with a "rules" list']]);
  });
});

describe("ECR-006 no force_delete, prevent_destroy", () => {
  test("accepts the module's repository", () => {
    expect(summary(findingsOfStack(ECR_006, (stack) => repository(stack)))).toEqual([]);
  });

  test("rejects force_delete true", () => {
    const findings = findingsOfStack(ECR_006, (stack) => repository(stack).resource.addOverride("force_delete", true));
    expect(summary(findings)).toEqual([["ECR-006", "force_delete is true"]]);
  });

  test("rejects a repository without prevent_destroy", () => {
    const findings = findingsOfStack(ECR_006, (stack) => repository(stack).resource.addOverride("lifecycle.prevent_destroy", false));
    expect(summary(findings)).toEqual([["ECR-006", "lifecycle.prevent_destroy is false, not true"]]);
  });
});
