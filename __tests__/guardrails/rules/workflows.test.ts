import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { parseDocument, type Document } from "yaml";
import { WORKFLOWS_RULES } from "../../../guardrails/rules/workflows";
import { WF_001 } from "../../../guardrails/rules/workflows/wf-001-permissions";
import { WF_002 } from "../../../guardrails/rules/workflows/wf-002-pinned-actions";
import { WF_003 } from "../../../guardrails/rules/workflows/wf-003-no-expressions-in-run";
import { WF_004 } from "../../../guardrails/rules/workflows/wf-004-checkout-credentials";
import { WF_005 } from "../../../guardrails/rules/workflows/wf-005-no-secrets-wholesale";
import { WF_006 } from "../../../guardrails/rules/workflows/wf-006-no-untrusted-triggers";
import { WF_007 } from "../../../guardrails/rules/workflows/wf-007-no-unsecure-commands";
import { WF_008 } from "../../../guardrails/rules/workflows/wf-008-escaping-round-trip";
import { WF_009 } from "../../../guardrails/rules/workflows/wf-009-owned-overwrite";
import { WF_010 } from "../../../guardrails/rules/workflows/wf-010-template-own-workflows";
import { withSelf } from "../../helpers/self";
import type { Finding, Rule } from "../../../guardrails/types";
import { WorkflowFile } from "../../../modules/workflow-file";
import { GENERATED_MARKER } from "../../../domain/github";
import { escapeForTerraform } from "../../../workflows/render";
import { exampleFindings, findingsOfStack } from "../helpers";

import { CODEBUILD_YAML as CODEBUILD, GITHUB_HOSTED_YAML as HOSTED } from "../../helpers/workflows";

const JOB = "build-and-push";
const SHA = "0123456789abcdef0123456789abcdef01234567";

/** The generated YAML with a structural edit (comments, including the header, are kept). */
function edit(yaml: string, change: (doc: Document) => void): string {
  const doc = parseDocument(yaml);
  change(doc);
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

/** A text edit that must hit: a test whose edit silently missed would pass for the wrong reason. */
function replace(yaml: string, from: string | RegExp, to: string): string {
  const out = yaml.replace(from, to);
  if (out === yaml) throw new Error(`edit did not apply: ${String(from)}`);
  return out;
}

/** Findings of one rule on one workflow file committed through the WorkflowFile module. */
function workflowFindings(rule: Rule, content: string): Finding[] {
  return findingsOfStack(rule, (stack) => {
    new WorkflowFile(stack, "Workflow", { repository: "app", branch: "main", file: "build.yml", content });
  });
}

/** Findings of one rule on a raw github_repository_file (content given as Terraform will read it). */
function rawFileFindings(rule: Rule, props: { content: string; overwriteOnCreate?: boolean; file?: string }): Finding[] {
  return findingsOfStack(rule, (stack) => {
    new RepositoryFile(stack, "File", { repository: "app", branch: "main", file: props.file ?? ".github/workflows/build.yml", content: props.content, overwriteOnCreate: props.overwriteOnCreate });
  });
}

function summary(findings: readonly Finding[]): [string, string][] {
  return findings.map((f) => [f.rule.id, f.message]);
}

describe("WORKFLOWS_RULES", () => {
  test("the shipped example has no findings", () => {
    expect(summary(exampleFindings(WORKFLOWS_RULES))).toEqual([]);
  });

  test("lists the rules in id order, each with title, why, fix and source", () => {
    const ids = WORKFLOWS_RULES.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of WORKFLOWS_RULES) {
      expect([rule.title, rule.why, rule.fix, rule.source].every((s) => s.length > 10)).toBe(true);
    }
  });

  test("ignores github_repository_file outside .github/workflows/", () => {
    const findings = rawFileFindings(WF_009, { content: "anything", overwriteOnCreate: true, file: "README.md" });
    expect(summary(findings)).toEqual([]);
  });
});

describe("WF-001 permissions", () => {
  test.each([
    ["GitHub-hosted (id-token on the job that assumes the role)", HOSTED],
    ["CodeBuild", CODEBUILD],
  ])("accepts the generated %s workflow", (_what, yaml) => {
    expect(summary(workflowFindings(WF_001, yaml))).toEqual([]);
  });

  test("rejects a workflow without workflow-level permissions", () => {
    const yaml = edit(HOSTED, (doc) => doc.delete("permissions"));
    expect(summary(workflowFindings(WF_001, yaml))).toEqual([["WF-001", expect.stringContaining("workflow-level permissions is missing")]]);
  });

  test("rejects non-empty workflow-level permissions", () => {
    const yaml = edit(HOSTED, (doc) => doc.set("permissions", { contents: "write" }));
    expect(summary(workflowFindings(WF_001, yaml))).toEqual([["WF-001", expect.stringContaining('workflow-level permissions is {"contents":"write"} (want {})')]]);
  });

  test("rejects a job without its own permissions", () => {
    const yaml = edit(CODEBUILD, (doc) => doc.deleteIn(["jobs", JOB, "permissions"]));
    expect(summary(workflowFindings(WF_001, yaml))).toEqual([["WF-001", expect.stringContaining(`job "${JOB}" has no permissions of its own`)]]);
  });

  test("rejects write-all on a job", () => {
    const yaml = edit(CODEBUILD, (doc) => doc.setIn(["jobs", JOB, "permissions"], "write-all"));
    expect(summary(workflowFindings(WF_001, yaml))).toEqual([["WF-001", expect.stringContaining(`job "${JOB}" has permissions: write-all`)]]);
  });

  test("rejects id-token: write on a job that assumes no role", () => {
    // GIVEN the CodeBuild job without its configure-aws-credentials step, keeping id-token: write
    const yaml = edit(CODEBUILD, (doc) => doc.deleteIn(["jobs", JOB, "steps", 1]));
    expect(yaml).not.toContain("configure-aws-credentials");
    // THEN
    expect(summary(workflowFindings(WF_001, yaml))).toEqual([["WF-001", expect.stringContaining(`job "${JOB}" has id-token: write but assumes no role`)]]);
  });
});

describe("WF-002 pinned actions", () => {
  test("accepts the generated SHA pins with their version comments", () => {
    expect(summary(workflowFindings(WF_002, HOSTED))).toEqual([]);
  });

  test("accepts local actions and docker images pinned by digest", () => {
    const yaml = edit(CODEBUILD, (doc) => {
      doc.addIn(["jobs", JOB, "steps"], { name: "Local", uses: "./.github/actions/setup" });
      doc.addIn(["jobs", JOB, "steps"], { name: "Scan", uses: `docker://ghcr.io/octo-org/scanner@sha256:${"a".repeat(64)}` });
    });
    expect(summary(workflowFindings(WF_002, yaml))).toEqual([]);
  });

  test("rejects an action pinned to a tag", () => {
    const yaml = replace(HOSTED, /actions\/checkout@[0-9a-f]{40} # v[\d.]+/, "actions/checkout@v4");
    expect(summary(workflowFindings(WF_002, yaml))).toEqual([
      ["WF-002", expect.stringContaining(`job "${JOB}", step "Check out": uses "actions/checkout@v4" is not owner/repo@<40-hex commit SHA>`)],
    ]);
  });

  test("rejects a short SHA", () => {
    const yaml = replace(HOSTED, /actions\/checkout@[0-9a-f]{40}/, "actions/checkout@3d3c42e");
    expect(summary(workflowFindings(WF_002, yaml))).toEqual([["WF-002", expect.stringContaining('uses "actions/checkout@3d3c42e" is not owner/repo@<40-hex commit SHA>')]]);
  });

  test("rejects a SHA pin without the # vX.Y.Z comment", () => {
    const yaml = replace(HOSTED, /(actions\/checkout@[0-9a-f]{40}) # v[\d.]+/, "$1");
    expect(summary(workflowFindings(WF_002, yaml))).toEqual([["WF-002", expect.stringMatching(/step "Check out": uses "actions\/checkout@[0-9a-f]{40}" has no "# vX\.Y\.Z" comment/)]]);
  });

  test("rejects a comment that is no full version", () => {
    const yaml = replace(HOSTED, /(actions\/checkout@[0-9a-f]{40}) # v[\d.]+/, "$1 # v7");
    expect(summary(workflowFindings(WF_002, yaml))).toEqual([["WF-002", expect.stringContaining('has no "# vX.Y.Z" comment on its line')]]);
  });

  test("rejects a docker image without a digest", () => {
    const yaml = edit(CODEBUILD, (doc) => doc.addIn(["jobs", JOB, "steps"], { name: "Scan", uses: "docker://alpine:3.20" }));
    expect(summary(workflowFindings(WF_002, yaml))).toEqual([["WF-002", expect.stringContaining('step "Scan": uses "docker://alpine:3.20" is a docker image without an @sha256: digest')]]);
  });

  test("rejects a reusable workflow called by tag", () => {
    const yaml = edit(CODEBUILD, (doc) =>
      doc.setIn(["jobs", "release"], { uses: "octo-org/ci/.github/workflows/release.yml@main", permissions: { contents: "read" } }),
    );
    expect(summary(workflowFindings(WF_002, yaml))).toEqual([["WF-002", expect.stringContaining('job "release": uses "octo-org/ci/.github/workflows/release.yml@main" is not')]]);
  });
});

describe("WF-003 no expressions in run", () => {
  test("accepts the generated workflow (values pass through env)", () => {
    expect(summary(workflowFindings(WF_003, HOSTED))).toEqual([]);
  });

  test.each(["${{ github.event.pull_request.title }}", "${{ github.head_ref }}", "${{ inputs.tag }}", "${{ github.event.issue.body }}"])(
    "rejects %s inside run:",
    (expression) => {
      const yaml = edit(CODEBUILD, (doc) => doc.addIn(["jobs", JOB, "steps"], { name: "Announce", run: `echo "Building ${expression}"` }));
      expect(summary(workflowFindings(WF_003, yaml))).toEqual([["WF-003", expect.stringContaining(`job "${JOB}", step "Announce": run holds ${JSON.stringify(expression)}`)]]);
    },
  );

  test("rejects an expression in an actions/github-script script", () => {
    const yaml = edit(CODEBUILD, (doc) =>
      doc.addIn(["jobs", JOB, "steps"], {
        name: "Comment",
        uses: `actions/github-script@${SHA}`,
        with: { script: "console.log('${{ github.event.comment.body }}')" },
      }),
    );
    expect(summary(workflowFindings(WF_003, yaml))).toEqual([["WF-003", expect.stringContaining('step "Comment": with.script holds "${{ github.event.comment.body }}"')]]);
  });
});

describe("WF-004 checkout without persisted credentials", () => {
  test("accepts the generated checkout", () => {
    expect(summary(workflowFindings(WF_004, HOSTED))).toEqual([]);
  });

  test("rejects a checkout without persist-credentials", () => {
    const yaml = edit(HOSTED, (doc) => doc.deleteIn(["jobs", JOB, "steps", 0, "with"]));
    expect(summary(workflowFindings(WF_004, yaml))).toEqual([["WF-004", expect.stringContaining(`job "${JOB}", step "Check out": actions/checkout without persist-credentials`)]]);
  });

  test("rejects persist-credentials: true", () => {
    const yaml = edit(HOSTED, (doc) => doc.setIn(["jobs", JOB, "steps", 0, "with", "persist-credentials"], true));
    expect(summary(workflowFindings(WF_004, yaml))).toEqual([["WF-004", expect.stringContaining("actions/checkout with persist-credentials: true")]]);
  });
});

describe("WF-005 no secrets handed over wholesale", () => {
  test("accepts the generated workflow", () => {
    expect(summary(workflowFindings(WF_005, HOSTED))).toEqual([]);
  });

  test("rejects toJSON(secrets)", () => {
    const yaml = edit(CODEBUILD, (doc) => doc.setIn(["jobs", JOB, "steps", 2, "env", "ALL_SECRETS"], "${{ toJSON(secrets) }}"));
    expect(summary(workflowFindings(WF_005, yaml))).toEqual([["WF-005", expect.stringMatching(/^line \d+: toJSON\(secrets\)$/)]]);
  });

  test("rejects secrets: inherit on a reusable workflow call", () => {
    const yaml = edit(CODEBUILD, (doc) =>
      doc.setIn(["jobs", "release"], { uses: `octo-org/ci/.github/workflows/release.yml@${SHA}`, permissions: { contents: "read" }, secrets: "inherit" }),
    );
    expect(summary(workflowFindings(WF_005, yaml))).toEqual([["WF-005", expect.stringContaining('job "release": secrets: inherit')]]);
  });
});

describe("WF-006 no untrusted triggers on privileged workflows", () => {
  test("accepts pull_request_target in a workflow that assumes no role on a GitHub-hosted runner", () => {
    const yaml = edit(HOSTED, (doc) => {
      doc.set("on", { pull_request_target: { types: ["labeled"] } });
      doc.deleteIn(["jobs", JOB, "steps", 1]); // the configure-aws-credentials step
    });
    expect(summary(workflowFindings(WF_006, yaml))).toEqual([]);
  });

  test("rejects pull_request_target in a workflow that assumes a role", () => {
    const yaml = edit(HOSTED, (doc) => doc.set("on", { pull_request_target: { branches: ["main"] } }));
    expect(summary(workflowFindings(WF_006, yaml))).toEqual([["WF-006", expect.stringContaining(`triggered by pull_request_target while job "${JOB}" assumes an AWS role`)]]);
  });

  test("rejects workflow_run in a workflow on the CodeBuild runner", () => {
    const yaml = edit(CODEBUILD, (doc) => doc.set("on", { workflow_run: { workflows: ["CI"], types: ["completed"] } }));
    expect(summary(workflowFindings(WF_006, yaml))).toEqual([
      ["WF-006", expect.stringContaining(`job "${JOB}" runs on the CodeBuild runner "codebuild-app-runner-`)],
    ]);
  });
});

describe("WF-007 no unsecure commands", () => {
  test("accepts the generated workflow", () => {
    expect(summary(workflowFindings(WF_007, HOSTED))).toEqual([]);
  });

  test("rejects ACTIONS_ALLOW_UNSECURE_COMMANDS in a step's env", () => {
    const yaml = edit(HOSTED, (doc) => doc.setIn(["jobs", JOB, "steps", 3, "env", "ACTIONS_ALLOW_UNSECURE_COMMANDS"], "true"));
    expect(summary(workflowFindings(WF_007, yaml))).toEqual([["WF-007", expect.stringContaining(`job "${JOB}", step "Build and push the image" env sets ACTIONS_ALLOW_UNSECURE_COMMANDS`)]]);
  });

  test("rejects ACTIONS_ALLOW_UNSECURE_COMMANDS in the workflow's env", () => {
    const yaml = edit(HOSTED, (doc) => doc.set("env", { ACTIONS_ALLOW_UNSECURE_COMMANDS: true }));
    expect(summary(workflowFindings(WF_007, yaml))).toEqual([["WF-007", expect.stringContaining("workflow env sets ACTIONS_ALLOW_UNSECURE_COMMANDS")]]);
  });

  test("rejects a script that sets it through $GITHUB_ENV", () => {
    const yaml = edit(CODEBUILD, (doc) =>
      doc.addIn(["jobs", JOB, "steps"], { name: "Legacy", run: 'echo "ACTIONS_ALLOW_UNSECURE_COMMANDS=true" >> "$GITHUB_ENV"' }),
    );
    expect(summary(workflowFindings(WF_007, yaml))).toEqual([["WF-007", expect.stringContaining("the workflow mentions ACTIONS_ALLOW_UNSECURE_COMMANDS")]]);
  });
});

describe("WF-008 escaping round trip", () => {
  test("accepts the content the WorkflowFile module escapes, including literal $${ and %{", () => {
    const yaml = `${HOSTED}# literal %{ if x } and $\${ and 100% and $HOME\n`;
    expect(summary(workflowFindings(WF_008, yaml))).toEqual([]);
  });

  test("rejects unescaped ${{ }} written over the example's content", () => {
    // GIVEN the example's first workflow with its content overridden by the unescaped YAML
    const findings = exampleFindings([WF_008], (platform) => {
      const file = platform.github.workflowFiles[0];
      file.resource.addOverride("content", file.content);
    });
    // THEN the first ${{ (concurrency.group) is quoted with its line
    expect(summary(findings)).toEqual([["WF-008", expect.stringContaining('content holds unescaped Terraform template sequences (line 11: "${{ github.workflow }}-$')]]);
  });

  test("rejects an unescaped %{ directive", () => {
    const content = escapeForTerraform(HOSTED) + "# %{ if true }\n";
    expect(summary(rawFileFindings(WF_008, { content }))).toEqual([["WF-008", expect.stringContaining('"%{ if true }')]]);
  });

  test("rejects content that does not parse as YAML", () => {
    const content = escapeForTerraform(`${GENERATED_MARKER}\nname: broken\njobs: [unclosed\n`);
    expect(summary(rawFileFindings(WF_008, { content }))).toEqual([["WF-008", expect.stringContaining("content does not parse as YAML:")]]);
  });

  test("rejects YAML that is not a mapping", () => {
    const content = `${GENERATED_MARKER}\n- just\n- a list\n`;
    expect(summary(rawFileFindings(WF_008, { content }))).toEqual([["WF-008", expect.stringContaining("content is YAML but not a mapping")]]);
  });
});

describe("WF-009 overwrite only owned files", () => {
  test("accepts overwrite_on_create on a generated file", () => {
    expect(summary(workflowFindings(WF_009, HOSTED))).toEqual([]);
  });

  test("accepts a hand-written workflow that is not overwritten", () => {
    const content = escapeForTerraform(replace(HOSTED, GENERATED_MARKER, "# Maintained by the app team"));
    expect(summary(rawFileFindings(WF_009, { content }))).toEqual([]);
  });

  test("rejects overwrite_on_create on a file without the generated header", () => {
    const content = escapeForTerraform(replace(HOSTED, GENERATED_MARKER, "# Maintained by the app team"));
    expect(summary(rawFileFindings(WF_009, { content, overwriteOnCreate: true }))).toEqual([
      ["WF-009", expect.stringContaining(`overwrite_on_create is true but the content does not start with "${GENERATED_MARKER}" (it starts with "# Maintained by the app team`)],
    ]);
  });
});

describe("WF-010 the template's own workflows stay its own", () => {
  const selfRepo = (d: any) => withSelf(d, { repository: "techblue-dev" });
  const addFile = (file: string, repository = "techblue-dev") => (p: any) =>
    new RepositoryFile(p.github, `Hand-${repository}-${file}`, { repository, branch: "main", file, content: escapeForTerraform(HOSTED), overwriteOnCreate: true });

  test("accepts the example with self, and other file names on the self repository", () => {
    expect(summary(exampleFindings([WF_010], undefined, selfRepo))).toEqual([]);
    expect(summary(exampleFindings([WF_010], addFile(".github/workflows/release.yml"), selfRepo))).toEqual([]);
  });

  test("accepts plan.yml in a repository that does not hold the template", () => {
    expect(summary(exampleFindings([WF_010], addFile(".github/workflows/plan.yml"), (d) => withSelf(d)))).toEqual([]);
  });

  test.each([".github/workflows/deploy.yml", ".github/workflows/plan.yml", ".github/workflows/CI.yml"])("rejects a hand-added %s on the self repository", (file) => {
    expect(summary(exampleFindings([WF_010], addFile(file), selfRepo))).toEqual([
      ["WF-010", `writes ${file} in techblue-dev, the repository holding this template (it has the PLATFORM_PLAN_ROLE_ARN variable of self): that file is the template's own pipeline`],
    ]);
  });
});
