/**
 * Shared runners (runners[]): declared once, named by workflows of any number of repositories
 * with runsOn: { runner: <name> }; the config resolves which runner each workflow runs on and
 * refuses a name no runner has, or a runner that does not serve the repository.
 */
import { parseConfig } from "../../config/load";
import { configuredRunners, indexRunners, runnerOfWorkflow } from "../../config/runners";
import { configError, describeBadInputs, edited as exampleEdited, issueLine } from "../helpers/config-errors";
import { EXAMPLE_TEXT } from "../helpers/example";
import { SHARED_RUNNERS_TEXT, sharedRunnersEdited as edited } from "../helpers/shared-runners";

describe("a config with shared runners", () => {
  const config = parseConfig(SHARED_RUNNERS_TEXT);
  const runners = configuredRunners(config);
  const byName = new Map(runners.map((r) => [r.name, r]));

  test("lists each repository's own runner, then the shared ones, each once", () => {
    expect(runners.map((r) => [r.name, r.kind, r.organizationWebhook])).toEqual([
      ["legacy-app-runner", "repository", false],
      ["org-linux", "shared", true],
      ["org-arm", "shared", true],
    ]);
  });

  test("a shared runner without repositories serves every repository whose workflows name it, with those workflows", () => {
    const served = byName.get("org-linux")!.served.map((s) => [s.repository.name, s.workflows.map((w) => w.file)]);
    expect(served).toEqual([
      ["api", ["ecr-push.yml"]],
      ["web", ["image.yml"]],
      ["worker", ["image.yml"]],
    ]);
    expect(byName.get("org-linux")!.allowedRepositories).toBeUndefined();
    expect(byName.get("org-arm")!.allowedRepositories).toEqual(["api"]);
  });

  test("shared runners take the runner defaults and their own settings", () => {
    const arm = config.runners[1];
    expect(arm).toMatchObject({
      name: "org-arm",
      computeType: "BUILD_GENERAL1_SMALL",
      environmentType: "ARM_CONTAINER",
      privilegedMode: { enabled: false },
      logRetentionDays: 30,
      timeoutMinutes: 60,
      allowedActorIds: [583231],
    });
  });

  test("each workflow resolves to the runner it names; github-hosted to none", () => {
    const index = indexRunners(runners);
    const on = (repo: string, file: string) => {
      const r = config.repositories.find((x) => x.name === repo)!;
      return runnerOfWorkflow(index, r, r.workflows.find((w) => w.file === file)!)?.name;
    };
    expect(on("api", "release-arm.yml")).toBe("org-arm");
    expect(on("worker", "image.yml")).toBe("org-linux");
    expect(on("worker", "hosted.yml")).toBeUndefined();
    expect(on("legacy-app", "ecr-push.yml")).toBe("legacy-app-runner");
  });

  test("a repository may name its own runner by name too", () => {
    const c = parseConfig(edited((d) => (d.repositories[3].workflows[0].runsOn = { runner: "legacy-app-runner" })));
    expect(configuredRunners(c)[0].served[0].workflows.map((w) => w.file)).toEqual(["ecr-push.yml"]);
  });

  test("the example (no runners[]) has none, and its own runner serves its codebuild workflow", () => {
    const example = parseConfig(EXAMPLE_TEXT);
    expect(example.runners).toEqual([]);
    expect(configuredRunners(example).map((r) => [r.name, r.served[0].workflows.map((w) => w.file)])).toEqual([
      ["techblue-dev-runner", ["ecr-push-codebuild.yml"]],
    ]);
  });
});

describeBadInputs([
  [
    "a workflow naming a runner that does not exist",
    {
      text: edited((d) => (d.repositories[1].workflows[0].runsOn = { runner: "org-linx" })),
      path: "repositories[1].workflows[0].runsOn.runner",
      reason: 'unknown runner "org-linx" (runners web may use: org-linux; shared runners are declared under runners[])',
      at: "runner: org-linx",
    },
  ],
  [
    "a workflow naming a shared runner that does not serve its repository",
    {
      text: edited((d) => (d.repositories[1].workflows[0].runsOn = { runner: "org-arm" })),
      path: "repositories[1].workflows[0].runsOn.runner",
      reason: 'runner "org-arm" does not serve web: runners[1].repositories lists api; add web there, or choose another runner (runners web may use: org-linux)',
      at: ["runner: org-arm", 1],
    },
  ],
  [
    "a workflow naming another repository's own runner",
    {
      text: edited((d) => (d.repositories[1].workflows[0].runsOn = { runner: "legacy-app-runner" })),
      path: "repositories[1].workflows[0].runsOn.runner",
      reason:
        '"legacy-app-runner" is the own runner of legacy-app (repositories[3].runner), which serves that repository only; to share it, move it to runners[] (name: legacy-app-runner), with the same settings',
      at: "runner: legacy-app-runner",
    },
  ],
  [
    "runsOn codebuild on a repository without a runner of its own, when shared runners exist",
    {
      text: edited((d) => (d.repositories[1].workflows[0].runsOn = "codebuild")),
      path: "repositories[1].workflows[0].runsOn",
      reason: "runsOn codebuild needs a runner on this repository (add a runner section), or run on a shared runner with runsOn: { runner: <name> } (runners web may use: org-linux)",
      at: "runsOn: codebuild",
    },
  ],
  [
    "a second repository with runsOn codebuild and no shared runner yet: told how to share the first one's",
    {
      text: edited((d) => {
        d.runners = [];
        d.repositories.splice(0, 3);
        d.repositories.push({ ...d.repositories[0], name: "second", runner: undefined });
        delete d.repositories[1].runner;
        d.repositories[1].ecrRepositories = [{ name: "octo/second" }];
        d.repositories[1].deployRoles = [{ name: "second-push", allow: { branches: ["main"] }, ecrPush: ["octo/second"] }];
        d.repositories[1].workflows = [{ ...d.repositories[0].workflows[0], ecrRepository: "octo/second", deployRole: "second-push" }];
      }),
      path: "repositories[1].workflows[0].runsOn",
      reason:
        "runsOn codebuild needs a runner on this repository (add a runner section), or share one runner between repositories: declare it under runners[] and name it with runsOn: { runner: <name> } (e.g. move legacy-app's runner legacy-app-runner there)",
      at: ["runsOn: codebuild", 1],
    },
  ],
  [
    "runners[].repositories naming a repository the config does not manage",
    {
      text: edited((d) => d.runners[1].repositories.push("mobile")),
      path: "runners[1].repositories[1]",
      reason: 'unknown repository "mobile": a shared runner serves repositories of this config (repositories: api, web, worker, legacy-app)',
      at: "- mobile",
    },
  ],
  [
    "runners[].repositories listing a repository twice",
    {
      text: edited((d) => d.runners[1].repositories.push("API")),
      path: "runners[1].repositories[1]",
      reason: 'duplicate repository "API": already defined at runners[1].repositories[0]',
      at: "- API",
    },
  ],
  [
    "a shared runner and a repository's own runner with one name (one CodeBuild project namespace)",
    {
      text: edited((d) => (d.repositories[3].runner.projectName = "org-linux")),
      path: "runners[0].name",
      reason: 'duplicate runner project "org-linux": already defined at repositories[3].runner.projectName',
      at: ["name: org-linux", 0],
    },
  ],
  [
    "a shared runner when the owner is a user (organisation webhooks need an organisation)",
    {
      text: edited((d) => {
        d.github.ownerType = "user";
        d.repositories[0].collaborators[0].permission = "write";
      }),
      path: "runners",
      reason: "a shared runner has one organisation webhook (scope GITHUB_ORGANIZATION), which needs github.ownerType organization; github.ownerType is user",
      at: "runners:",
    },
  ],
  [
    "a shared runner with a person's token",
    {
      text: edited((d) => (d.runners[0].legacyPersonalToken = { owner: "alice", secretArn: "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:gh-AbCdEf", reason: "the app cannot be installed" })),
      path: "runners[0].legacyPersonalToken",
      reason: "a shared runner authenticates through codeConnection only",
      at: "legacyPersonalToken:",
    },
  ],
  [
    "a shared runner with organizationWebhook (it always has one)",
    {
      text: edited((d) => (d.runners[0].organizationWebhook = true)),
      path: "runners[0].organizationWebhook",
      reason: "a shared runner (runners[]) always has an organisation webhook, restricted to the repositories that use it: remove organizationWebhook",
      at: "organizationWebhook: true",
    },
  ],
  [
    "a shared runner with an empty repositories list",
    {
      text: edited((d) => (d.runners[1].repositories = [])),
      path: "runners[1].repositories",
      reason: "list at least one repository, or remove repositories",
      at: "repositories: []",
    },
  ],
  [
    "a public repository on a shared runner, without opting into the organisation runner",
    {
      text: edited((d) => {
        d.repositories[1].visibility = "public";
        d.runners[0].allowedActorIds = [583231];
        d.runners[0].privilegedMode = { enabled: false };
      }),
      path: "repositories[1].workflows[0].runsOn.runner",
      reason:
        'web is public and its workflows run on the shared runner "org-linux" (runners[0]), an organisation runner shared with the organisation\'s other repositories: remove it, or accept it with publicRepositoryOptIns.organizationRunner: <reason>',
      at: ["runner: org-linux", 1],
    },
  ],
  [
    "a public repository on a shared runner without allowedActorIds",
    {
      text: edited((d) => {
        d.repositories[1].visibility = "public";
        d.repositories[1].publicRepositoryOptIns = { organizationRunner: "web and api share the runner, reviewed quarterly", privilegedRunner: "docker build needs the daemon for web" };
      }),
      path: "repositories[1].workflows[0].runsOn.runner",
      reason: "under runners[0].allowedActorIds, or accept it with publicRepositoryOptIns.runnerWithoutActorFilter",
      at: ["runner: org-linux", 1],
    },
  ],
  [
    "runsOn that is no runner choice (a mapping without runner)",
    {
      text: exampleEdited((c) => (c.repositories[0].workflows[1].runsOn = { project: "techblue-dev-runner" })),
      path: "repositories[0].workflows[1].runsOn",
      reason: "is not a runner choice (allowed: github-hosted, codebuild for this repository's runner, or { runner: <name> } for a shared runner of runners[])",
      at: ["runsOn:", 1],
    },
  ],
]);

test("shared runners need a codeConnection (a top-level key that is missing has no line)", () => {
  const error = configError(
    edited((d) => {
      delete d.codeConnection;
      d.repositories.splice(3, 1);
    }),
  );
  expect(error.issues).toHaveLength(1);
  expect(issueLine(error, "codeConnection")).toBe(
    "  platform.yaml codeConnection: required by runners[0], runners[1]: runners authenticate to GitHub through a CodeConnections GitHub App connection (add codeConnection: { name: <new connection name> } or { existingArn: ... })",
  );
});
