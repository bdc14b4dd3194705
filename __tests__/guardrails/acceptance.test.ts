/**
 * The acceptance list: the shipped example synthesizes with zero findings, and each
 * known-bad change (a config edit or a small stack edit) fails synth with the named rule, exactly
 * as `cdktf synth` would report it (error annotations from the Aspects on every stack).
 */
import { TerraformStack, Testing } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { errorAnnotations } from "../../guardrails/report";
import { ecrPushStatements, githubOidcTrustPolicy } from "../../modules/policy-document";
import { unescapeFromTerraform, escapeForTerraform } from "../../workflows/render";
import type { Platform } from "../../stacks/platform";
import { examplePlatform } from "./helpers";

const PROVIDER = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";
const ECR_ARN = "arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev";
const TOKEN_SECRET = "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:alice-github-token-AbCdEf";

/** Error annotations after running the guardrails, as cdktf synth prints them. */
function synthErrors(editConfig?: (doc: any) => void, editStacks?: (p: Platform) => void): string[] {
  const { platform } = examplePlatform(editConfig);
  editStacks?.(platform);
  const stacks = [platform.aws, platform.github];
  stacks.forEach((s) => invokeAspects(s));
  return errorAnnotations(stacks);
}

function editWorkflow(p: Platform, index: number, edit: (yaml: string) => string): void {
  const file = p.github.workflowFiles[index].resource;
  const text = unescapeFromTerraform(p.github.workflowFiles[index].content);
  file.addOverride("content", escapeForTerraform(edit(text)));
}

const role = (p: Platform) => p.aws.deployRoles["techblue-dev-ecr-push"];

describe("the shipped example", () => {
  test("synthesizes with zero findings", () => {
    expect(synthErrors()).toEqual([]);
  });

  test("its opt-ins are listed as suppressed findings with their reasons", () => {
    const { platform } = examplePlatform();
    invokeAspects(platform.aws);
    const warnings = platform.aws.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data));
    expect(warnings).toContainEqual(expect.stringMatching(/^accepted: \[CB-006\] \S+: docker build needs the Docker daemon/));
  });
});

describe("each known-bad change fails synth with the named rule", () => {
  const cases: [string, string, () => string[]][] = [
    [
      "trust policy with repo:Test-User/*",
      "OIDC-006",
      () =>
        synthErrors(undefined, (p) =>
          role(p).resource.addOverride("assume_role_policy", JSON.stringify(githubOidcTrustPolicy(PROVIDER, { exact: [], wildcard: ["repo:Test-User/*"] }))),
        ),
    ],
    [
      "a job with environment: production while the role trusts only ref:refs/heads/main",
      "OIDC-009",
      () => synthErrors((d) => {
        // A managed environment (else the config itself is refused), which the role does not trust.
        d.repositories[0].environments = [{ name: "production" }];
        d.repositories[0].workflows[0].environment = "production";
      }),
    ],
    [
      "a job that assumes a role without id-token: write",
      "OIDC-009",
      () => synthErrors(undefined, (p) => editWorkflow(p, 0, (y) => y.replace(/\n\s+id-token: write/, ""))),
    ],
    [
      "a repository switched to immutable subjects while the trust policy keeps legacy ones",
      "OIDC-009",
      () =>
        synthErrors(
          (d) => {
            d.github.ownerId = 1234;
            d.repositories[0].id = 5678;
            d.repositories[0].subjectFormat = "immutable";
          },
          (p) =>
            role(p).resource.addOverride(
              "assume_role_policy",
              JSON.stringify(githubOidcTrustPolicy(PROVIDER, { exact: ["repo:Test-User/techblue-dev:ref:refs/heads/main"], wildcard: [] })),
            ),
        ),
    ],
    [
      "a role under another IAM path than the ARN its Actions variable names",
      "OIDC-009",
      () => synthErrors(undefined, (p) => role(p).resource.addOverride("path", "/elsewhere/")),
    ],
    [
      "the runner's token owner lowered from admin to write (seed 000)",
      "CB-010",
      () =>
        synthErrors((d) => {
          d.repositories[0].runner.legacyPersonalToken = { owner: "alice", secretArn: TOKEN_SECRET, reason: "migrating to the GitHub App next sprint" };
          d.repositories[0].collaborators[0].permission = "write";
        }),
    ],
    [
      "a project renamed while a workflow keeps the old label",
      "CB-011",
      () => synthErrors(undefined, (p) => p.aws.runners["techblue-dev-runner"].project.addOverride("name", "techblue-dev-runner-v2")),
    ],
    [
      "ecr:* in the push policy",
      "IAM-001",
      () =>
        synthErrors(undefined, (p) => {
          const [login, push] = ecrPushStatements([ECR_ARN], false);
          role(p).ecrPushPolicy!.addOverride("policy", JSON.stringify({ Version: "2012-10-17", Statement: [login, { ...push, Action: "ecr:*" }] }));
        }),
    ],
    ["mutable tags", "ECR-001", () => synthErrors((d) => (d.repositories[0].ecrRepositories[0].tagMutability = "MUTABLE"))],
    [
      "a webhook filter PUSH",
      "CB-001",
      () => synthErrors(undefined, (p) => p.aws.runners["techblue-dev-runner"].webhook!.addOverride("filter_group.0.filter.0.pattern", "PUSH")),
    ],
    [
      "an unpinned uses:",
      "WF-002",
      () => synthErrors(undefined, (p) => editWorkflow(p, 0, (y) => y.replace(/actions\/checkout@[0-9a-f]{40} # v[\d.]+/, "actions/checkout@v4"))),
    ],
  ];

  test.each(cases)("%s -> %s", (_name, rule, run) => {
    const errors = run();
    expect(errors).toContainEqual(expect.stringContaining(`[${rule}] `));
  });

  test("the seed 000 finding quotes the runtime error it prevents", () => {
    const errors = cases.find(([, rule]) => rule === "CB-010")![2]();
    expect(errors.join("\n")).toContain("GitHub runner JIT configuration unavailable");
  });

  test("findings read: [RULE-ID] <construct path>: what is wrong; why; fix", () => {
    const [error] = synthErrors((d) => {
        // A managed environment (else the config itself is refused), which the role does not trust.
        d.repositories[0].environments = [{ name: "production" }];
        d.repositories[0].workflows[0].environment = "production";
      });
    expect(error).toMatch(/^\[OIDC-009\] github-test-user\/Workflow-techblue-dev-ecr-push\.yml\/Resource: job "build-and-push" .*; why: .*; fix: .*/);
  });

  test("app.synth() itself fails on a finding", () => {
    const { app, platform } = examplePlatform((d) => (d.repositories[0].ecrRepositories[0].tagMutability = "MUTABLE"));
    expect(platform.aws).toBeDefined();
    expect(() => app.synth()).toThrow(/\[ECR-001\]/);
  });
});

describe("suppressions", () => {
  test("a config suppression with a reason turns the finding into a listed warning", () => {
    const { platform } = examplePlatform((d) => {
      d.repositories[0].ecrRepositories[0].tagMutability = "MUTABLE";
      d.guardrails = {
        suppressions: [{ rule: "ECR-001", path: "aws-000123456789-ap-northeast-1/EcrRepository-techblue-dev", reason: "latest tag is promoted by the release tool" }],
      };
    });
    invokeAspects(platform.aws);
    expect(errorAnnotations([platform.aws])).toEqual([]);
    const warnings = platform.aws.node.findAll().flatMap((c) => c.node.metadata).map((m) => String(m.data));
    expect(warnings).toContainEqual(expect.stringMatching(/^accepted: \[ECR-001\] \S+: latest tag is promoted/));
  });

  test("a suppression without a real reason is itself an error", () => {
    expect(() =>
      examplePlatform((d) => {
        d.guardrails = { suppressions: [{ rule: "ECR-001", path: "aws-000123456789-ap-northeast-1", reason: "ok" }] };
      }),
    ).toThrow(/reason/);
  });

  test("a construct suppression naming an unknown rule is reported", () => {
    const errors = synthErrors(undefined, (p) => p.aws.node.addMetadata("github-actions-platform/suppress", { rule: "NOPE-001", reason: "a reason long enough" }));
    expect(errors).toContainEqual(expect.stringContaining('unknown rule "NOPE-001"'));
  });
});

test("Testing.synth does not fail on findings, which is why these tests read annotations", () => {
  const { platform } = examplePlatform((d) => (d.repositories[0].ecrRepositories[0].tagMutability = "MUTABLE"));
  expect(() => Testing.synth(platform.aws)).not.toThrow();
});

test("synth writes the Terraform the guardrails checked (handed over, not resolved again)", () => {
  const { app, platform } = examplePlatform();
  app.synth();
  const written = JSON.parse(require("node:fs").readFileSync(`${app.outdir}/stacks/${platform.aws.node.id}/cdk.tf.json`, "utf8"));
  // A fresh resolve, bypassing the hand-over.
  const fresh = JSON.parse(JSON.stringify(TerraformStack.prototype.toTerraform.call(platform.aws)));
  expect(written.resource).toEqual(fresh.resource);
});
