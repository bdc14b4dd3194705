/**
 * Layer 3: a runner shared by several repositories (runners[]) is one CodeBuild project with one
 * organisation webhook that admits exactly the generated workflows of the repositories naming it;
 * the workflows of those repositories select it by label; and the pending -> available flow is the
 * same as for a repository's own runner (pending: no webhook, no workflow committed, the console
 * steps printed, and no guardrail finding).
 */
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { runGuardrails } from "../../guardrails/report";
import { parsePolicy } from "../../iam/parse";
import { buildGuardedPlatform } from "../helpers/platform";
import { terraformStringValue } from "../../modules/terraform-text";
import { unescapeFromTerraform } from "../../workflows/render";
import { edited as exampleEdited } from "../helpers/config-errors";
import { SHARED_RUNNERS_TEXT, sharedRunnersEdited } from "../helpers/shared-runners";
import { resourcesOf, synthStack, testApp, type Synthesized } from "../helpers/synth";

function build(text: string) {
  const platform = buildGuardedPlatform(testApp(), parseConfig(text));
  const stacks = [platform.aws, platform.github];
  const findings = runGuardrails(stacks);
  const warnings = stacks.flatMap((s) =>
    s.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data)),
  );
  return { platform, findings, warnings, aws: synthStack(platform.aws), github: synthStack(platform.github) };
}

/** Each webhook's project name (by reference) -> its filter groups, as CodeBuild receives the patterns. */
function webhooks(aws: Synthesized): Map<string, { scope?: unknown; groups: Record<string, string>[] }> {
  const projects = aws.resource!.aws_codebuild_project;
  return new Map(
    resourcesOf(aws, "aws_codebuild_webhook").map((w) => {
      const id = /aws_codebuild_project\.([^.]+)\.name/.exec(w.project_name)![1];
      const groups = w.filter_group.map((g: any) => Object.fromEntries(g.filter.map((f: any) => [f.type, terraformStringValue(f.pattern)])));
      return [projects[id].name as string, { scope: w.scope_configuration, groups }];
    }),
  );
}

function runsOn(github: Synthesized): Map<string, string> {
  return new Map(
    resourcesOf(github, "github_repository_file").map((f) => {
      const doc = parse(unescapeFromTerraform(f.content));
      return [`${f.repository}/${String(f.file).replace(".github/workflows/", "")}`, Object.values(doc.jobs as Record<string, any>)[0]["runs-on"] as string];
    }),
  );
}

describe("shared runners, connection available", () => {
  const { findings, aws, github, warnings } = build(SHARED_RUNNERS_TEXT);

  test("synth passes every guardrail (no suppression is needed for the shared runners)", () => {
    expect(findings).toEqual([]);
  });

  test("one CodeBuild project per runner, shared or own, at the organisation location for shared ones", () => {
    const projects = resourcesOf(aws, "aws_codebuild_project").map((p) => [p.name, p.source.location, p.environment.compute_type]);
    expect(projects.sort()).toEqual([
      ["legacy-app-runner", "https://github.com/octo-org/legacy-app.git", "BUILD_GENERAL1_SMALL"],
      ["org-arm", "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION", "BUILD_GENERAL1_SMALL"],
      ["org-linux", "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION", "BUILD_GENERAL1_MEDIUM"],
    ]);
    // One service role each, trusted for its own project only.
    expect(resourcesOf(aws, "aws_iam_role").map((r) => r.name).filter((n) => n.startsWith("codebuild-")).sort()).toEqual([
      "codebuild-legacy-app-runner",
      "codebuild-org-arm",
      "codebuild-org-linux",
    ]);
  });

  test("one organisation webhook per shared runner, admitting each repository's own generated workflows only", () => {
    const hooks = webhooks(aws);
    expect(hooks.get("org-linux")).toEqual({
      scope: { name: "octo-org", scope: "GITHUB_ORGANIZATION" },
      groups: [
        { EVENT: "WORKFLOW_JOB_QUEUED", WORKFLOW_NAME: "^Build and push octo/api$", REPOSITORY_NAME: "^api$" },
        { EVENT: "WORKFLOW_JOB_QUEUED", WORKFLOW_NAME: "^Build and push image$", REPOSITORY_NAME: "^(?:web|worker)$" },
      ],
    });
    expect(hooks.get("org-arm")).toEqual({
      scope: { name: "octo-org", scope: "GITHUB_ORGANIZATION" },
      groups: [{ EVENT: "WORKFLOW_JOB_QUEUED", WORKFLOW_NAME: "^Release api on arm$", REPOSITORY_NAME: "^api$", ACTOR_ACCOUNT_ID: "^583231$" }],
    });
    // The repository's own runner keeps its repository webhook, as before.
    expect(hooks.get("legacy-app-runner")).toEqual({
      scope: undefined,
      groups: [{ EVENT: "WORKFLOW_JOB_QUEUED", WORKFLOW_NAME: "^Build and push octo/legacy-app$" }],
    });
  });

  test("the patterns admit exactly the repositories that use the runner, and no look-alike", () => {
    const linux = webhooks(aws).get("org-linux")!.groups;
    const admitted = (repository: string, workflow: string) =>
      linux.some((g) => new RegExp(g.REPOSITORY_NAME).test(repository) && new RegExp(g.WORKFLOW_NAME).test(workflow));
    expect(admitted("web", "Build and push image")).toBe(true);
    expect(admitted("worker", "Build and push image")).toBe(true);
    expect(admitted("api", "Build and push octo/api")).toBe(true);
    for (const [repository, workflow] of [
      ["api", "Build and push image"], // another repository's workflow name
      ["legacy-app", "Build and push image"], // a repository that does not use the runner
      ["web2", "Build and push image"],
      ["my-web", "Build and push image"],
      ["web", "Build and push image (copy)"],
    ]) {
      expect(admitted(repository, workflow)).toBe(false);
    }
  });

  test("every workflow on a runner selects it by label; github-hosted ones are unchanged", () => {
    const label = (p: string) => `codebuild-${p}-\${{ github.run_id }}-\${{ github.run_attempt }}`;
    expect(Object.fromEntries(runsOn(github))).toEqual({
      "api/ecr-push.yml": label("org-linux"),
      "api/release-arm.yml": label("org-arm"),
      "web/image.yml": label("org-linux"),
      "worker/image.yml": label("org-linux"),
      "worker/hosted.yml": "ubuntu-24.04",
      "legacy-app/ecr-push.yml": label("legacy-app-runner"),
    });
  });

  test("privileged mode of a shared runner is printed as accepted with its reason", () => {
    expect(warnings.some((w) => /^accepted: \[CB-006\] \S+Runner-org-linux\S*: docker build needs the Docker daemon/.test(w))).toBe(true);
  });
});

describe("shared runners, connection pending (the documented first apply)", () => {
  const { findings, aws, github, warnings } = build(sharedRunnersEdited((d) => (d.codeConnection.status = "pending")));

  test("synth passes: CB-002 does not fire on an organisation runner that has no webhook yet", () => {
    expect(findings).toEqual([]);
  });

  test("the projects exist, but no webhook does", () => {
    expect(resourcesOf(aws, "aws_codebuild_project")).toHaveLength(3);
    expect(resourcesOf(aws, "aws_codebuild_webhook")).toHaveLength(0);
  });

  test("no workflow on a runner is committed (its jobs would wait for a runner with no webhook), and synth says so", () => {
    expect([...runsOn(github).keys()]).toEqual(["worker/hosted.yml"]);
    for (const file of ["api: ecr-push.yml", "api: release-arm.yml", "web: image.yml", "worker: image.yml", "legacy-app: ecr-push.yml"]) {
      expect(warnings).toContain(`${file} is not committed until codeConnection.status is available (its runner has no webhook yet).`);
    }
  });

  test("synth prints the console steps once", () => {
    const steps = warnings.filter((w) => w.startsWith("Runner webhooks (and the workflows that run on them) are not created while codeConnection.status is pending."));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toContain('Select "octo-github" (status Pending) and choose "Update pending connection".');
  });
});

describe("a repository's own organisation runner, connection pending (issue 12 §1)", () => {
  const text = exampleEdited((d) => {
    d.github.ownerType = "organization";
    d.repositories[0].runner.organizationWebhook = true;
    d.codeConnection.status = "pending";
  });

  test("synth passes: the documented first apply no longer fails with CB-002", () => {
    const { findings, aws } = build(text);
    expect(findings).toEqual([]);
    expect(resourcesOf(aws, "aws_codebuild_webhook")).toHaveLength(0);
  });
});

describe("what the shared runners change beside the runners", () => {
  test("a shared runner nothing runs on gets no webhook, and synth says why", () => {
    const { aws, warnings, findings } = build(sharedRunnersEdited((d) => d.repositories[0].workflows.splice(1, 1)));
    expect([...webhooks(aws).keys()].sort()).toEqual(["legacy-app-runner", "org-linux"]);
    expect(warnings).toContain(
      "runner org-arm (runners[1]) gets no webhook: no workflow names it with runsOn: { runner: org-arm }, and the webhook admits only those workflows by name.",
    );
    expect(findings).toEqual([]);
  });

  test("the template's own deploy role may manage the shared runner projects too", () => {
    const text = sharedRunnersEdited((d) => {
      d.aws.stateBackend = { bucket: "octo-terraform-state" };
      d.self = { repository: "platform", planApp: { appId: 1, installationId: 2 }, deployApp: { appId: 3, installationId: 4 } };
    });
    const { aws } = build(text);
    const policy = resourcesOf(aws, "aws_iam_role_policy").find((p) => p.name === "platform-deploy")!;
    const resources = parsePolicy(policy.policy)!.Statement.flatMap((s: any) => [s.Resource].flat());
    for (const project of ["legacy-app-runner", "org-linux", "org-arm"]) {
      expect(resources).toContain(`arn:aws:codebuild:ap-northeast-1:000123456789:project/${project}`);
    }
  });

  test("a public repository on a shared runner: the opt-ins become suppressions on that runner, naming the repository", () => {
    const { findings, warnings } = build(
      sharedRunnersEdited((d) => {
        d.repositories[1].visibility = "public";
        d.repositories[1].publicRepositoryOptIns = {
          organizationRunner: "web shares the linux runner with api and worker, reviewed quarterly",
          privilegedRunner: "docker build needs the daemon; only maintainers push to main",
          runnerWithoutActorFilter: "the workflow runs on pushes to main only, by maintainers",
        };
      }),
    );
    expect(findings).toEqual([]);
    for (const rule of ["CB-012", "CB-013", "CB-014"]) {
      expect(warnings.some((w) => new RegExp(`^accepted: \\[${rule}\\] \\S+Runner-org-linux\\S*: web: `).test(w))).toBe(true);
    }
  });
});
