/**
 * The template's own workflows (.github/workflows/: ci, plan, deploy) meet the rules generated
 * workflows meet: actionlint and GitHub's parser are clean, every action is SHA-pinned to the
 * verified pins, `permissions: {}` at the top and the least per job, and the guardrails' workflow
 * rules find nothing. They also keep their contract with the stacks (variable and secret names,
 * the environment the deploy role trusts) and with the README's commands.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { TerraformStack } from "cdktf";
import { load } from "js-yaml";
import { SELF_SECRETS, SELF_VARIABLES, VARIABLE_AWS_REGION } from "../../config/derive";
import { ALL_RULES } from "../../guardrails/rules";
import { PlatformConfigSchema } from "../../config/schema";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { escapeForTerraform } from "../../workflows/render";
import { ACTION_PINS } from "../../workflows/action-pins";
import { actionlintProject, describeFindings, type ActionlintProject } from "../helpers/actionlint";
import { testApp } from "../helpers/synth";
import { findings } from "../guardrails/helpers";

const DIR = join(__dirname, "..", "..", ".github", "workflows");
const FILES = ["ci.yml", "plan.yml", "deploy.yml"] as const;
const text = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(DIR, f), "utf8")])) as Record<(typeof FILES)[number], string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const doc = Object.fromEntries(FILES.map((f) => [f, load(text[f]) as any])) as Record<(typeof FILES)[number], any>;

let project: ActionlintProject;
beforeAll(() => {
  project = actionlintProject({ "config-variables": [VARIABLE_AWS_REGION, ...Object.values(SELF_VARIABLES)] });
});
afterAll(() => project.remove());

describe.each(FILES)("%s", (file) => {
  test("actionlint 1.7.7: no findings", async () => {
    expect(describeFindings(await project.lint(text[file]))).toEqual([]);
  });

  test("GitHub's workflow parser: no errors", async () => {
    const result = parseWorkflow({ name: file, content: text[file] }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(result.context, result.value!);
    expect(template.errors ?? []).toEqual([]);
  });

  test("every action is pinned to a verified commit, with its tag as a comment", () => {
    const uses = [...text[file].matchAll(/uses: (\S+)@(\S+)(?: # (\S+))?/g)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, action, ref, tag] of uses) {
      const pin = ACTION_PINS[action as keyof typeof ACTION_PINS];
      expect(pin).toBeDefined();
      expect({ action, ref, tag }).toEqual({ action, ref: pin.sha, tag: pin.tag });
    }
  });

  test("permissions: {} at the top; every job states its own, never write-all", () => {
    expect(doc[file].permissions).toEqual({});
    for (const [id, job] of Object.entries<any>(doc[file].jobs)) {
      expect([id, typeof job.permissions]).toEqual([id, "object"]);
      expect(JSON.stringify(job.permissions)).not.toMatch(/write-all|"contents":"write"|"actions":"write"/);
    }
  });

  test("checkout keeps no credentials, and every job has a timeout", () => {
    for (const job of Object.values<any>(doc[file].jobs)) {
      expect(job["timeout-minutes"]).toBeGreaterThan(0);
      for (const step of job.steps) {
        if (String(step.uses ?? "").startsWith("actions/checkout@")) expect(step.with?.["persist-credentials"]).toBe(false);
      }
    }
  });
});

describe("the guardrails' workflow rules", () => {
  // As the rules see any workflow file: a github_repository_file under .github/workflows/. WF-009
  // (files the template commits into other repositories say they are generated) does not apply:
  // these files are the template's own source.
  function workflowFindings(files: Record<string, string>): string[] {
    const stack = new TerraformStack(testApp(), "own-workflows");
    for (const [file, content] of Object.entries(files)) {
      new RepositoryFile(stack, file, {
        repository: "platform-infra",
        branch: "main",
        file: `.github/workflows/${file}`,
        content: escapeForTerraform(content),
        overwriteOnCreate: false,
      });
    }
    const workflowRules = ALL_RULES.filter((r) => r.id.startsWith("WF-") && r.id !== "WF-009");
    expect(workflowRules.length).toBeGreaterThan(5);
    return findings([stack], workflowRules).map((f) => `${f.rule.id}: ${f.message}`);
  }

  test("find nothing in the template's own workflows", () => {
    expect(workflowFindings(text)).toEqual([]);
  });

  test("would find a tag-pinned action and a job without permissions", () => {
    const broken = text["ci.yml"]
      .replace(/actions\/setup-node@[0-9a-f]{40} # v7\.0\.0/, "actions/setup-node@v7")
      .replace("    permissions:\n      contents: read\n", "");
    expect(broken).not.toBe(text["ci.yml"]);
    const ids = workflowFindings({ "ci.yml": broken }).map((f) => f.split(":")[0]);
    expect(ids).toEqual(expect.arrayContaining(["WF-001", "WF-002"]));
  });
});

describe("least privilege per job", () => {
  test("only the plan and deploy jobs get OIDC tokens; only the comment job writes to the pull request", () => {
    const grants = Object.fromEntries(
      FILES.flatMap((f) => Object.entries<any>(doc[f].jobs).map(([id, job]) => [`${f}/${id}`, job.permissions])),
    );
    expect(grants).toEqual({
      "ci.yml/test": { contents: "read" },
      "plan.yml/plan": { contents: "read", "id-token": "write" },
      "plan.yml/comment": { "pull-requests": "write" },
      "deploy.yml/deploy": { contents: "read", "id-token": "write" },
    });
  });

  test("the comment job runs none of the pull request's code", () => {
    const steps = doc["plan.yml"].jobs.comment.steps;
    expect(steps.map((s: any) => s.uses?.split("@")[0])).toEqual(["marocchino/sticky-pull-request-comment"]);
    expect(steps.every((s: any) => s.run === undefined)).toBe(true);
  });
});

describe("contract with the stacks and the README", () => {
  const all = FILES.map((f) => text[f]).join("\n");

  test("reads only the variables and secrets the GitHub stack and the bootstrap provide", () => {
    const vars = new Set([...all.matchAll(/vars\.([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect([...vars].sort()).toEqual([VARIABLE_AWS_REGION, ...Object.values(SELF_VARIABLES)].sort());
    const secrets = new Set([...all.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect([...secrets].sort()).toEqual(Object.values(SELF_SECRETS).sort());
  });

  test("plans read (no lock, read-only App token, plan role); deploys write from the trusted environment", () => {
    expect(text["plan.yml"]).toMatch(/github:app-token -- --access read --github-output/);
    expect(text["plan.yml"]).toMatch(/role-to-assume: \$\{\{ vars\.PLATFORM_PLAN_ROLE_ARN \}\}/);
    expect(text["plan.yml"]).toMatch(/plan -input=false -lock=false/);
    expect(text["plan.yml"]).toMatch(/secrets\.PLATFORM_PLAN_APP_PRIVATE_KEY/);
    expect(text["plan.yml"]).not.toMatch(/DEPLOY/);
    expect(text["deploy.yml"]).toMatch(/github:app-token -- --access write --github-output/);
    expect(text["deploy.yml"]).toMatch(/role-to-assume: \$\{\{ vars\.PLATFORM_DEPLOY_ROLE_ARN \}\}/);
    // The deploy role trusts only the subject of self.environment, whose default this must be.
    const defaultEnvironment = PlatformConfigSchema.shape.self.unwrap().shape.environment.parse(undefined);
    expect(doc["deploy.yml"].jobs.deploy.environment).toBe(defaultEnvironment);
  });

  test("deploys never overlap and are never cancelled midway; plans of one pull request replace each other", () => {
    expect(doc["deploy.yml"].concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    expect(doc["deploy.yml"].on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(doc["plan.yml"].concurrency["cancel-in-progress"]).toBe(true);
  });

  test("one sticky comment per pull request, fed by the plan summary", () => {
    const comment = doc["plan.yml"].jobs.comment.steps[0].with;
    expect(comment.header).toBe("terraform-plan");
    expect(comment.message).toMatch(/^\$\{\{ needs\.plan\.outputs\.comment \|\|/);
    expect(text["plan.yml"]).toMatch(/npm run --silent plan:summary -- --out plans\/comment\.md --run-url "\$RUN_URL" plans\/\*\.json/);
  });

  test("ci runs the README's commands", () => {
    const runs = doc["ci.yml"].jobs.test.steps.flatMap((s: any) => (s.run ? [s.run] : []));
    expect(runs).toEqual(["npm ci", "npx tsc --noEmit", "npm test", "npx cdktf synth"]);
    const readme = readFileSync("README.md", "utf8");
    for (const command of ["npm ci", "npm test", "npx cdktf synth"]) expect(readme).toContain(command);
  });
});
