/**
 * CB-011 with shared runners: a job's codebuild-<project>-... label names a project whose
 * organisation webhook admits that repository (REPOSITORY_NAME) and that workflow (WORKFLOW_NAME).
 */
import { parseConfig } from "../../../config/load";
import { CB_011 } from "../../../guardrails/rules/cross/cb-011-runner-label";
import type { Finding } from "../../../guardrails/types";
import { type Platform } from "../../../stacks/platform";
import { buildGuardedPlatform } from "../../helpers/platform";
import { escapeForTerraform, unescapeFromTerraform } from "../../../workflows/render";
import { SHARED_RUNNERS_TEXT } from "../../helpers/shared-runners";
import { testApp } from "../../helpers/synth";
import { findings } from "../helpers";

function platform(): Platform {
  return buildGuardedPlatform(testApp(), parseConfig(SHARED_RUNNERS_TEXT));
}

function cb011(edit: (p: Platform) => void = () => undefined): [string, string][] {
  const p = platform();
  edit(p);
  return findings([p.aws, p.github], [CB_011]).map((f: Finding) => [f.resource.path, f.message]);
}

/** Rewrites one generated workflow file (by repository and file) as a hand edit would. */
function editWorkflow(p: Platform, repository: string, file: string, edit: (yaml: string) => string): void {
  const wf = p.github.workflowFiles.find((w) => w.node.id === `Workflow-${repository}-${file}`)!;
  wf.resource.addOverride("content", escapeForTerraform(edit(unescapeFromTerraform(wf.content))));
}

describe("CB-011 and shared runners", () => {
  test("accepts every generated job on a shared runner: its webhook admits the repository and the workflow", () => {
    expect(cb011()).toEqual([]);
  });

  test("rejects a job of a repository the shared runner's webhook does not admit, naming the REPOSITORY_NAME filters", () => {
    // legacy-app's job names org-arm, which serves api only.
    const found = cb011((p) => editWorkflow(p, "legacy-app", "ecr-push.yml", (y) => y.replace("codebuild-legacy-app-runner-", "codebuild-org-arm-")));
    expect(found).toEqual([
      [
        "github-octo-org/Workflow-legacy-app-ecr-push.yml/Resource",
        `job "build-and-push" runs on "org-arm", whose organisation webhook's REPOSITORY_NAME filters (^api$) do not admit legacy-app: the job waits for a runner that never starts`,
      ],
    ]);
  });

  test("rejects a job whose repository the webhook admits, under another repository's workflow name", () => {
    // api's workflow renamed to web's name: the group admitting that name admits web and worker, not api.
    const found = cb011((p) => editWorkflow(p, "api", "ecr-push.yml", (y) => y.replace(/^name: .*$/m, "name: Build and push image")));
    expect(found).toEqual([
      [
        "github-octo-org/Workflow-api-ecr-push.yml/Resource",
        'job "build-and-push" runs on "org-linux", whose webhook filters (WORKFLOW_NAME, REPOSITORY_NAME) admit no workflow named "Build and push image" of api: the job waits for a runner that never starts',
      ],
    ]);
  });

  test("rejects a job on a shared runner whose webhook no longer admits its repository", () => {
    // The group admitting web and worker narrowed to web by hand.
    const found = cb011((p) => p.aws.runners["org-linux"].webhook!.addOverride("filter_group.1.filter.2.pattern", "^web$"));
    expect(found).toEqual([
      [
        "github-octo-org/Workflow-worker-image.yml/Resource",
        `job "build-and-push" runs on "org-linux", whose organisation webhook's REPOSITORY_NAME filters (^api$, ^web$) do not admit worker: the job waits for a runner that never starts`,
      ],
    ]);
  });
});
