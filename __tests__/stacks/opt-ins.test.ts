/**
 * Layer 3: opt-ins that weaken a default are printed on every synth with their reason, and the
 * config fields added for the github provider's quirks reach the Terraform they are meant for.
 */
import { Testing, type TerraformStack } from "cdktf";
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { errorAnnotations } from "../../guardrails/report";
import { buildGuardedPlatform } from "../helpers/platform";
import { unescapeFromTerraform } from "../../workflows/render";
import { edited, type Draft } from "../helpers/config-errors";
import { resourcesOf, synthStack, testApp } from "../helpers/synth";

const SECRET = "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:alice-github-token-AbCdEf";
const TOKEN_REASON = "the GitHub App is not approved by security yet; switch in Q3";
const RUNNER_REASON = "image builds need 16 cores and 64 GB to finish within the job timeout";

function build(edit: (c: Draft) => void) {
  const platform = buildGuardedPlatform(testApp(), parseConfig(edited(edit)));
  const stacks: TerraformStack[] = [platform.aws, platform.github];
  // Testing.synth runs the guardrails (Aspects); annotations are read from construct metadata.
  const json = { aws: JSON.parse(Testing.synth(platform.aws)), github: JSON.parse(Testing.synth(platform.github)) };
  const warnings = stacks.flatMap((s) =>
    s.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data)),
  );
  return { platform, json, warnings, errors: errorAnnotations(stacks) };
}

describe("the legacy personal token (runner.legacyPersonalToken)", () => {
  const { warnings, errors, platform } = build((c) => {
    c.repositories[0].runner.legacyPersonalToken = { owner: "alice", secretArn: SECRET, reason: TOKEN_REASON };
  });

  test("prints CB-003 as an accepted finding with the opt-in's reason on every synth", () => {
    expect(warnings.filter((w) => w.includes("[CB-003]"))).toEqual([
      expect.stringMatching(/^accepted: \[CB-003\] \S+: the GitHub App is not approved by security yet; switch in Q3$/),
    ]);
  });

  test("fails nothing else: the token owner alice stays admin (CB-010)", () => {
    expect(errors).toEqual([]);
  });

  test("grants the service role exactly that one secret", () => {
    const policies = resourcesOf(synthStack(platform.aws), "aws_iam_role_policy").map((p) => String(p.policy));
    expect(policies.filter((p) => p.includes("secretsmanager:GetSecretValue"))).toEqual([expect.stringContaining(`"Resource":"${SECRET}"`)]);
  });
});

describe("the owner of a user-owned repository as the token's owner", () => {
  test("is admin without being listed (CB-010 accepts it; the config refuses listing the owner)", () => {
    const { errors } = build((c) => {
      c.repositories[0].runner.legacyPersonalToken = {
        owner: "Test-User",
        secretArn: "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:owner-github-token-AbCdEf",
        reason: TOKEN_REASON,
      };
    });
    expect(errors).toEqual([]);
  });

  test("another person who is not admin still fails CB-010", () => {
    const { errors } = build((c) => {
      c.repositories[0].runner.legacyPersonalToken = { owner: "bob", secretArn: SECRET, reason: TOKEN_REASON };
    });
    expect(errors).toEqual([expect.stringContaining("[CB-010]")]);
  });
});

describe("a larger runner (workflows[].largerRunner)", () => {
  const { json, warnings, errors } = build((c) => {
    c.repositories[0].workflows[0].largerRunner = { label: "linux-16-core", reason: RUNNER_REASON };
  });

  test("is the job's runs-on", () => {
    const file = resourcesOf(json.github, "github_repository_file").find((f) => f.file === ".github/workflows/ecr-push.yml")!;
    expect(parse(unescapeFromTerraform(file.content)).jobs["build-and-push"]["runs-on"]).toBe("linux-16-core");
  });

  test("is printed as accepted, with its reason, on every synth", () => {
    expect(warnings.filter((w) => w.startsWith("accepted: largerRunner"))).toEqual([
      `accepted: largerRunner of techblue-dev/.github/workflows/ecr-push.yml: runs a job with id-token: write on the runner label "linux-16-core", not a GitHub standard hosted runner (make sure no self-hosted runner carries that label): ${RUNNER_REASON}`,
    ]);
    expect(errors).toEqual([]);
  });

  test("without it, nothing is accepted and the job runs on the standard label", () => {
    const plain = build(() => undefined);
    expect(plain.warnings.filter((w) => w.startsWith("accepted: largerRunner"))).toEqual([]);
    const file = resourcesOf(plain.json.github, "github_repository_file").find((f) => f.file === ".github/workflows/ecr-push.yml")!;
    expect(parse(unescapeFromTerraform(file.content)).jobs["build-and-push"]["runs-on"]).toBe("ubuntu-24.04");
  });
});

describe("ignored teams (repositories[].ignoreTeams)", () => {
  test("reach the authoritative access list as ignore_team", () => {
    const { json, errors } = build((c) => {
      c.github.ownerType = "organization";
      c.repositories[0].teams = [{ slug: "platform", permission: "maintain" }];
      c.repositories[0].ignoreTeams = ["security-managers"];
    });
    const [access] = resourcesOf(json.github, "github_repository_collaborators");
    expect(access.team).toEqual([{ team_id: "platform", permission: "maintain" }]);
    expect(access.ignore_team).toEqual([{ team_id: "security-managers" }]);
    expect(errors).toEqual([]);
  });
});
