/**
 * The acceptance list: the shipped example synthesizes with zero findings, and each
 * known-bad change (a config edit or a small stack edit) fails synth with the named rule, exactly
 * as `cdktf synth` would report it (error annotations from the Aspects on every stack).
 */
import { readFileSync } from "node:fs";
import { Fn, TerraformStack, Testing } from "cdktf";
import { invokeAspects } from "../../cdktf-internals";
import { errorAnnotations } from "../../guardrails/report";
import { ecrPushStatements, githubOidcTrustPolicy } from "../../modules/policy-document";
import { unescapeFromTerraform, escapeForTerraform } from "../../workflows/render";
import type { Platform } from "../../stacks/platform";
import { withSelf } from "../helpers/self";
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
      "a runner workflow renamed in its file while the webhook admits the old name",
      "CB-011",
      () => synthErrors(undefined, (p) => editWorkflow(p, 1, (y) => y.replace(/^name: .*$/m, "name: Build and push (renamed)"))),
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
    [
      "a job on the CodeBuild runner whose tag the role does not trust (runner jobs assume roles like hosted ones)",
      "OIDC-009",
      () => synthErrors((d) => (d.repositories[0].deployRoles[1].wildcardSubjects[0].pattern = "ref:refs/tags/release-*")),
    ],
    [
      "the ECR push set put back on the runner's service role (issue 9 §4)",
      "IAM-007",
      () =>
        synthErrors(undefined, (p) =>
          p.aws.runners["techblue-dev-runner"].servicePolicy.addOverride(
            "policy",
            JSON.stringify({ Version: "2012-10-17", Statement: ecrPushStatements([ECR_ARN], false) }),
          ),
        ),
    ],
    [
      "a runner webhook that admits every workflow (issue 9 §4)",
      "CB-001",
      () => synthErrors(undefined, (p) => p.aws.runners["techblue-dev-runner"].webhook!.addOverride("filter_group.0.filter.1", undefined)),
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

describe("OIDC-009 reads a trust policy that names the stack's provider by reference (the jsonencode form)", () => {
  const MAIN = "repo:Test-User/techblue-dev:ref:refs/heads/main";
  const byReference = (subject: string) => (p: Platform) =>
    role(p).resource.addOverride("assume_role_policy", Fn.jsonencode(githubOidcTrustPolicy(p.aws.oidcProvider!.resource.arn, { exact: [subject], wildcard: [] })));

  test("the policy is synthesized as jsonencode(...) with the provider as a reference", () => {
    const { platform } = examplePlatform();
    byReference(MAIN)(platform);
    const policy = Testing.synth(platform.aws);
    expect(policy).toMatch(/"assume_role_policy": "\$\{jsonencode\(\{.*aws_iam_openid_connect_provider\./);
  });

  test("the job's subject trusted: no finding (the reference is the provider the job's token comes from)", () => {
    expect(synthErrors(undefined, byReference(MAIN)).filter((e) => e.startsWith("[OIDC-009]"))).toEqual([]);
  });

  test("another subject trusted: OIDC-009 still fails the job", () => {
    expect(synthErrors(undefined, byReference("repo:Test-User/techblue-dev:ref:refs/heads/dev"))).toContainEqual(expect.stringContaining("[OIDC-009] "));
  });
});

describe("a public repository (issue 9 §4)", () => {
  const REASONS = {
    pullRequestTrust: "pull request previews deploy to a sandbox account only",
    privilegedRunner: "docker build needs the daemon; only maintainers' runs reach the runner",
    organizationRunner: "one runner for the organisation's two repositories, reviewed quarterly",
    runnerWithoutActorFilter: "external contributors' runs are approved by a maintainer first",
  };
  const publicWithOptIns = (d: any) => {
    d.github.ownerType = "organization";
    const r = d.repositories[0];
    r.visibility = "public";
    r.runner.organizationWebhook = true;
    r.deployRoles[0].allow.pullRequest = true;
    r.publicRepositoryOptIns = REASONS;
  };

  test("with every exposure opted into by name, synth passes and prints each as an accepted finding with its reason", () => {
    expect(synthErrors(publicWithOptIns)).toEqual([]);
    const { platform } = examplePlatform(publicWithOptIns);
    [platform.aws, platform.github].forEach((s) => invokeAspects(s));
    const warnings = [platform.aws, platform.github]
      .flatMap((s) => s.node.findAll())
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data));
    for (const [rule, reason] of [
      ["OIDC-014", REASONS.pullRequestTrust],
      ["CB-013", REASONS.privilegedRunner],
      ["CB-014", REASONS.organizationRunner],
      ["CB-012", REASONS.runnerWithoutActorFilter],
    ]) {
      expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^accepted: \\[${rule}\\] \\S+: ${reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`)));
    }
  });

  test("the self repository, public: the plan role's pull_request trust is accepted by the opt-in, and found without it", () => {
    const publicSelf = (d: any) => {
      withSelf(d);
      d.repositories.push({ name: "platform-infra", visibility: "public", publicRepositoryOptIns: { pullRequestTrust: "plans are read-only; fork runs get no id-token" } });
    };
    expect(synthErrors(publicSelf)).toEqual([]);
    // A role added by hand that trusts the same subject carries no opt-in: OIDC-014 finds it.
    const handMade = synthErrors(publicSelf, (p) =>
      p.aws.deployRoles["techblue-dev-ecr-push"].resource.addOverride(
        "assume_role_policy",
        JSON.stringify(githubOidcTrustPolicy(PROVIDER, { exact: ["repo:Test-User/platform-infra:pull_request"], wildcard: [] })),
      ),
    );
    expect(handMade).toContainEqual(expect.stringContaining("[OIDC-014] aws-000123456789-ap-northeast-1/DeployRole-techblue-dev-ecr-push/Resource"));
  });

  test("a stack edit that makes the runner privileged without the opt-in fails synth with CB-013", () => {
    const unprivileged = (d: any) => {
      publicWithOptIns(d);
      d.repositories[0].runner.privilegedMode = { enabled: false };
      delete d.repositories[0].publicRepositoryOptIns.privilegedRunner;
    };
    expect(synthErrors(unprivileged)).toEqual([]);
    const errors = synthErrors(unprivileged, (p) => p.aws.runners["techblue-dev-runner"].project.addOverride("environment.privileged_mode", true));
    expect(errors).toContainEqual(expect.stringContaining("[CB-013] "));
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
  const written = JSON.parse(readFileSync(`${app.outdir}/stacks/${platform.aws.node.id}/cdk.tf.json`, "utf8"));
  // A fresh resolve, bypassing the hand-over.
  const fresh = JSON.parse(JSON.stringify(TerraformStack.prototype.toTerraform.call(platform.aws)));
  expect(written.resource).toEqual(fresh.resource);
});
