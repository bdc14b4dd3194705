import { parse } from "yaml";
import { runnerLabel } from "../../config/derive";
import { ACTION_PINS } from "../../workflows/action-pins";
import { imageBuildPushWorkflow, type ImageBuildPushProps } from "../../workflows/image-build-push";
import { renderWorkflow } from "../../workflows/render";

/** The workflow as GitHub will read it: rendered, then parsed back. */
interface ParsedStep {
  name: string;
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
}
interface ParsedWorkflow {
  name: string;
  on: { push: { branches?: string[]; tags?: string[] } };
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<
    string,
    {
      "runs-on": string;
      environment?: string;
      permissions: Record<string, string>;
      "timeout-minutes": number;
      steps: ParsedStep[];
    }
  >;
}

const base = {
  name: "Build and push app",
  ecrRepositoryVariable: "ECR_REPOSITORY_APP",
  regionVariable: "AWS_REGION",
  dockerfile: "docker/Dockerfile",
  context: "app",
} as const;

const githubHostedProps: ImageBuildPushProps = {
  ...base,
  triggers: { branches: ["main", "release/*"], tags: [] },
  runner: { kind: "github-hosted", label: "ubuntu-24.04", roleArnVariable: "AWS_ROLE_ARN_APP_PUSH" },
};
const codebuildProps: ImageBuildPushProps = {
  ...base,
  triggers: { branches: [], tags: ["v*"] },
  runner: { kind: "codebuild", projectName: "app-runner", roleArnVariable: "AWS_ROLE_ARN_APP_RELEASE_PUSH" },
};

function rendered(props: ImageBuildPushProps): ParsedWorkflow {
  return parse(renderWorkflow(imageBuildPushWorkflow(props), { source: "platform.yaml" })) as ParsedWorkflow;
}
const job = (wf: ParsedWorkflow) => wf.jobs["build-and-push"];
const usesOf = (step: ParsedStep) => step.uses?.split("@")[0];
const stepUsing = (wf: ParsedWorkflow, action: string) => job(wf).steps.find((s) => usesOf(s) === action);

describe("imageBuildPushWorkflow, github-hosted", () => {
  const wf = rendered(githubHostedProps);

  test("has one job, build-and-push, on the given runner label", () => {
    expect(Object.keys(wf.jobs)).toEqual(["build-and-push"]);
    expect(job(wf)["runs-on"]).toBe("ubuntu-24.04");
  });

  test("grants contents: read and id-token: write to the job only", () => {
    expect(wf.permissions).toEqual({});
    expect(job(wf).permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  test("assumes the role from the role and region variables, with the default audience", () => {
    const step = stepUsing(wf, "aws-actions/configure-aws-credentials");
    expect(step?.with).toEqual({
      "role-to-assume": "${{ vars.AWS_ROLE_ARN_APP_PUSH }}",
      "aws-region": "${{ vars.AWS_REGION }}",
    });
  });

  test("runs checkout, credentials, ECR login, then the build in that order", () => {
    expect(job(wf).steps.map(usesOf)).toEqual([
      "actions/checkout",
      "aws-actions/configure-aws-credentials",
      "aws-actions/amazon-ecr-login",
      undefined,
    ]);
    expect(stepUsing(wf, "aws-actions/amazon-ecr-login")?.id).toBe("ecr");
  });
});

describe("imageBuildPushWorkflow, codebuild", () => {
  const wf = rendered(codebuildProps);

  test("runs on the CodeBuild project's label", () => {
    expect(job(wf)["runs-on"]).toBe("codebuild-app-runner-${{ github.run_id }}-${{ github.run_attempt }}");
    expect(job(wf)["runs-on"]).toBe(runnerLabel("app-runner"));
  });

  test("assumes its deploy role through OIDC like a GitHub-hosted job: the service role grants jobs nothing", () => {
    expect(job(wf).permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(stepUsing(wf, "aws-actions/configure-aws-credentials")?.with).toEqual({
      "role-to-assume": "${{ vars.AWS_ROLE_ARN_APP_RELEASE_PUSH }}",
      "aws-region": "${{ vars.AWS_REGION }}",
    });
  });

  test("assumes the role before logging in to ECR, which reads the region configure-aws-credentials set", () => {
    const uses = job(wf).steps.map(usesOf);
    expect(uses.indexOf("aws-actions/configure-aws-credentials")).toBeLessThan(uses.indexOf("aws-actions/amazon-ecr-login"));
    expect(stepUsing(wf, "aws-actions/amazon-ecr-login")?.env).toBeUndefined();
  });
});

describe.each([
  ["github-hosted", githubHostedProps],
  ["codebuild", codebuildProps],
])("imageBuildPushWorkflow (%s), both runners", (_, props) => {
  const wf = rendered(props);
  const runSteps = job(wf).steps.filter((s) => s.run !== undefined);

  test("keeps ${{ }} out of every run: script (WF-003)", () => {
    expect(runSteps.length).toBeGreaterThan(0);
    for (const s of runSteps) expect(s.run).not.toContain("${{");
  });

  test("builds and pushes with values from env, quoted", () => {
    const [build] = runSteps;
    expect(build.env).toEqual({
      REGISTRY: "${{ steps.ecr.outputs.registry }}",
      REPOSITORY: "${{ vars.ECR_REPOSITORY_APP }}",
      IMAGE_TAG: "${{ github.ref_type == 'tag' && github.ref_name || github.sha }}",
      DOCKERFILE: "docker/Dockerfile",
      BUILD_CONTEXT: "app",
    });
    expect(build.run).toContain('docker build --file "$DOCKERFILE" --tag "$image" "$BUILD_CONTEXT"');
    expect(build.run).toContain('docker push "$image"');
    expect(build.run).toContain('image="$REGISTRY/$REPOSITORY:$IMAGE_TAG"');
    // Every variable expansion is inside double quotes.
    for (const line of build.run!.split("\n")) {
      expect(line.replace(/"[^"]*"/g, "")).not.toMatch(/\$[A-Za-z_{]/);
    }
  });

  test("checks out without persisting credentials (WF-004)", () => {
    const checkout = stepUsing(wf, "actions/checkout");
    expect(checkout?.uses).toBe(`actions/checkout@${ACTION_PINS["actions/checkout"].sha}`);
    expect(checkout?.with).toEqual({ "persist-credentials": false });
  });

  test("maps the triggers to on.push filters", () => {
    const expected: Record<string, string[]> = {};
    if (props.triggers.branches.length > 0) expected.branches = [...props.triggers.branches];
    if (props.triggers.tags.length > 0) expected.tags = [...props.triggers.tags];
    expect(wf.on).toEqual({ push: expected });
  });

  test("serializes runs per ref without cancelling, with a job timeout", () => {
    expect(wf.concurrency).toEqual({ group: "${{ github.workflow }}-${{ github.ref }}", "cancel-in-progress": false });
    expect(job(wf)["timeout-minutes"]).toBe(30);
  });

  test("has no risky triggers or secret forwarding (WF-005, WF-006, WF-007)", () => {
    const text = renderWorkflow(imageBuildPushWorkflow(props), { source: "platform.yaml" });
    for (const banned of ["pull_request_target", "workflow_run", "secrets: inherit", "toJSON(secrets)", "ACTIONS_ALLOW_UNSECURE_COMMANDS", "audience"]) {
      expect(text).not.toContain(banned);
    }
  });
});

test("sets the job environment only when given", () => {
  expect(job(rendered(githubHostedProps)).environment).toBeUndefined();
  expect(job(rendered({ ...githubHostedProps, environment: "production" })).environment).toBe("production");
  expect(job(rendered({ ...codebuildProps, environment: "production" })).environment).toBe("production");
});

test("maps branches and tags together", () => {
  const wf = rendered({ ...githubHostedProps, triggers: { branches: ["main"], tags: ["v*", "release-*"] } });
  expect(wf.on.push).toEqual({ branches: ["main"], tags: ["v*", "release-*"] });
});

describe("refuses props that would produce a broken or unsafe workflow", () => {
  test("no trigger", () => {
    expect(() => imageBuildPushWorkflow({ ...githubHostedProps, triggers: { branches: [], tags: [] } })).toThrow(/at least one branch or tag/);
  });
  test("a variable name that is not one", () => {
    expect(() => imageBuildPushWorkflow({ ...githubHostedProps, ecrRepositoryVariable: "ECR REPO" })).toThrow(/not an Actions variable name/);
    expect(() =>
      imageBuildPushWorkflow({ ...githubHostedProps, runner: { kind: "github-hosted", label: "ubuntu-24.04", roleArnVariable: "x }}" } }),
    ).toThrow(/not an Actions variable name/);
  });
  test("an expression in a literal value", () => {
    expect(() => imageBuildPushWorkflow({ ...codebuildProps, context: "${{ github.event.head_commit.message }}" })).toThrow(/context/);
  });
});
