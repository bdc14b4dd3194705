import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Fn, TerraformStack } from "cdktf";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { WorkflowFile } from "../../modules/workflow-file";
import { unescapeFromTerraform } from "../../workflows/render";
import { onlyResource, removeTestOutdir, synthJson } from "../helpers/synth";

import { CODEBUILD_YAML as codebuildYaml, GITHUB_HOSTED_YAML as githubHostedYaml } from "../helpers/workflows";

// A workflow exercising every character sequence Terraform treats specially.
const trickyYaml = `${githubHostedYaml}# literal %{ if x } and $\${ and 100% and $HOME\n`;

afterAll(removeTestOutdir);

function synthFile(content: string) {
  let construct: WorkflowFile | undefined;
  const json = synthJson((scope) => {
    construct = new WorkflowFile(scope, "EcrPush", { repository: "app", branch: "main", file: "ecr-push.yml", content });
  });
  return { construct: construct!, file: onlyResource(json, "github_repository_file") };
}

describe("WorkflowFile", () => {
  test("commits the file under .github/workflows/ on the given branch, overwriting on create", () => {
    const { file } = synthFile(githubHostedYaml);
    expect(file).toEqual(
      expect.objectContaining({
        repository: "app",
        branch: "main",
        file: ".github/workflows/ecr-push.yml",
        overwrite_on_create: true,
        commit_message: expect.stringContaining("generated from the platform config"),
      }),
    );
  });

  test("uses the deep import of the GitHub provider", () => {
    const source = readFileSync(join(__dirname, "../../modules/workflow-file.ts"), "utf8");
    expect(source).toContain('from "@cdktf/provider-github/lib/repository-file"');
    expect(source).not.toMatch(/from "@cdktf\/provider-github"/);
  });

  test("exposes the resource, its path and the unescaped content", () => {
    const { construct } = synthFile(githubHostedYaml);
    expect(construct.content).toBe(githubHostedYaml);
    expect(construct.path).toBe(".github/workflows/ecr-push.yml");
    expect(construct.resource.node.id).toBe("Resource");
  });

  test.each([
    ["github-hosted", githubHostedYaml],
    ["codebuild", codebuildYaml],
    ["tricky", trickyYaml],
  ])("%s: the content Terraform will write is the rendered YAML (WF-008)", (_, yaml) => {
    const { file } = synthFile(yaml);
    const content = file.content as string;
    expect(yaml).toContain("${{");
    expect(content).not.toBe(yaml);
    expect(unescapeFromTerraform(content)).toBe(yaml);
    // Every ${ and %{ Terraform sees is the second half of its escape.
    expect(content).not.toMatch(/(^|[^$])\$\{/);
    expect(content).not.toMatch(/(^|[^%])%\{/);
  });

  test("the cdk.tf.json that app.synth() writes holds the same escaped content", () => {
    const outdir = mkdtempSync(join(tmpdir(), "cdktf-workflow-file-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "github");
      new GithubProvider(stack, "github", { owner: "example" }); // app.synth() validates that one exists
      new WorkflowFile(stack, "EcrPush", { repository: "app", branch: "main", file: "ecr-push.yml", content: trickyYaml });
      app.synth();
      const json = JSON.parse(readFileSync(join(outdir, "stacks", "github", "cdk.tf.json"), "utf8"));
      const files = Object.values(json.resource.github_repository_file) as { content: string }[];
      expect(files).toHaveLength(1);
      expect(unescapeFromTerraform(files[0].content)).toBe(trickyYaml);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  describe("refuses", () => {
    const create = (props: Partial<{ file: string; content: string }>) => () =>
      synthJson((scope) => {
        new WorkflowFile(scope, "Wf", { repository: "app", branch: "main", file: "ecr-push.yml", content: githubHostedYaml, ...props });
      });

    test("a file name with folders or another extension", () => {
      expect(create({ file: "../ci/ecr-push.yml" })).toThrow(/without folders/);
      expect(create({ file: "ecr-push.json" })).toThrow(/without folders/);
    });
    test("content without the generated-file header (WF-009: only template-owned files are overwritten)", () => {
      expect(create({ content: "name: hand-written\n" })).toThrow(/generated-file header/);
    });
    test("a Terraform token as content", () => {
      expect(create({ content: Fn.file("workflow.yml") })).toThrow(/not a Terraform token/);
    });
  });
});

// The real check of WF-008: let Terraform itself read the synthesized string.
const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
const withTerraform = hasTerraform ? test : test.skip;

withTerraform(`terraform reads the synthesized content back as the rendered YAML${hasTerraform ? "" : " (skipped: no terraform CLI on PATH)"}`, () => {
  const { file } = synthFile(trickyYaml);
  const dir = mkdtempSync(join(tmpdir(), "tf-workflow-escape-"));
  try {
    // The same JSON string, as an output: no provider needed, so init and apply work offline.
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ output: { content: { value: file.content } } }));
    const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
    const run = (...args: string[]) => {
      const r = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`terraform ${args[0]} failed: ${r.stderr}`);
      return r.stdout;
    };
    run("init", "-input=false", "-no-color");
    run("apply", "-auto-approve", "-input=false", "-no-color");
    expect(JSON.parse(run("output", "-json", "content"))).toBe(trickyYaml);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
