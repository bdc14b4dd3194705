import { jobsOf } from "../../support";
import type { Rule } from "../../types";
import { parsedWorkflow, stepsOf } from "./common";

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$/;
const DOCKER_DIGEST = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const VERSION_COMMENT = /^v\d+\.\d+\.\d+\b/;
// A `uses:` line of the YAML text: the value (unquoted) and the comment after it, if any.
const USES_LINE = /\buses\s*:\s*["']?([^\s"'#]+)["']?\s*(?:#\s*(.*))?$/;

/** Does every line that says `uses: <value>` carry a `# vX.Y.Z` comment? (false when no line says it). */
function hasVersionComment(text: string, value: string): boolean {
  const lines = text
    .split("\n")
    .map((line) => USES_LINE.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === value);
  return lines.length > 0 && lines.every((m) => m[2] !== undefined && VERSION_COMMENT.test(m[2]));
}

export const WF_002: Rule = {
  id: "WF-002",
  title: "Every uses: is pinned to a full commit SHA with a # vX.Y.Z comment",
  why: "a tag or branch can be moved to other code by whoever controls the action's repository (tj-actions/changed-files, 2025): the job then runs it with the job's token and AWS role",
  fix: "regenerate the workflow from platform.yaml (pins come from workflows/action-pins.ts); to update a pin, take the tag's commit SHA from the action's repository",
  source: "GitHub docs: Security hardening for GitHub Actions (pin actions to a full-length commit SHA); zizmor unpinned-uses",
  resourceTypes: ["github_repository_file"],
  check(resource, app) {
    const workflow = parsedWorkflow(app, resource);
    if (!workflow) return undefined;
    const uses = [
      ...jobsOf(workflow.doc)
        .filter((job) => job.job?.uses !== undefined)
        .map((job) => ({ label: `job "${job.id}"`, value: job.job.uses as unknown })),
      ...stepsOf(workflow.doc)
        .filter(({ step }) => step.uses !== undefined)
        .map(({ step, label }) => ({ label, value: step.uses as unknown })),
    ];
    const problems = uses.flatMap(({ label, value }): string[] => {
      if (typeof value !== "string") return [`${label}: uses is ${JSON.stringify(value)}, not a string`];
      if (value.startsWith("./")) return []; // local action or workflow: same commit as the workflow
      if (value.startsWith("docker://")) {
        return DOCKER_DIGEST.test(value) ? [] : [`${label}: uses "${value}" is a docker image without an @sha256: digest`];
      }
      if (!PINNED.test(value)) return [`${label}: uses "${value}" is not owner/repo@<40-hex commit SHA>`];
      if (!hasVersionComment(workflow.text, value)) return [`${label}: uses "${value}" has no "# vX.Y.Z" comment on its line`];
      return [];
    });
    return problems.length > 0 ? problems : undefined;
  },
};
