/**
 * What the stacks hand cdktf's HCL renderer (stacks/hcl-output.ts), checked on the renderer's own
 * output without terraform: lifecycle conditions as blocks, references bare, the JSON unchanged.
 * hcl-exit.test.ts checks the same with the real cdktf CLI and terraform where they are found.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Op, TerraformOutput } from "cdktf";
import { soleInterpolation } from "../../stacks/hcl-output";
import { PlatformStack } from "../../stacks/platform-stack";
import { terraformEnv } from "../helpers/terraform-offline";

/** Strings the renderer used to get wrong: a workflow file (ends in a newline, holds `$${{`), quotes and backslashes, no final newline. */
const STRINGS: Record<string, string> = {
  Workflow: 'name: x\non: push\njobs:\n  a:\n    runs-on: "ubuntu"\n    steps:\n      - run: echo $${{ github.sha }} \\ done\n',
  Backslash: 'a\\b "c" \\"d\\"',
  NoFinalNewline: "first\nsecond",
};

/** The stack's HCL as cdktf's renderer writes it (before the CLI's formatter), or its JSON. */
function synth(hclOutput: boolean): string {
  const outdir = mkdtempSync(join(tmpdir(), "hcl-output-"));
  try {
    const app = new App({ outdir });
    const stack = new PlatformStack(app, "s");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const group = new CloudwatchLogGroup(stack, "Group", { name: "/aws/x" });
    const role = new IamRole(stack, "Role", {
      name: "r",
      assumeRolePolicy: "{}",
      description: `logs in ${group.name} (${group.arn})`,
      dependsOn: [group],
      lifecycle: {
        ignoreChanges: ["tags"],
        precondition: [{ condition: Op.eq(group.name, "/aws/x"), errorMessage: "the group's name is not /aws/x" }],
      },
    });
    new TerraformOutput(stack, "RoleArn", { value: role.arn });
    for (const [id, text] of Object.entries(STRINGS)) new CloudwatchLogGroup(stack, id, { name: id, namePrefix: text });
    return hclOutput ? stack.toHclTerraform().hcl : JSON.stringify(stack.toTerraform());
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("HCL output", () => {
  const hcl = synth(true);

  test("lifecycle preconditions are blocks, with the condition as a bare expression", () => {
    expect(hcl).toMatch(/lifecycle \{\s*ignore_changes = \[tags\]\s*precondition \{\s*condition = \(aws_cloudwatch_log_group\.Group\.name == "\/aws\/x"\)\s*error_message = "the group's name is not \/aws\/x"\s*\}\s*\}/);
  });

  test("depends_on holds references, not quoted strings", () => {
    expect(hcl).toMatch(/depends_on = \[aws_cloudwatch_log_group\.Group\]/);
  });

  test("a sole reference is bare; a template with text around it stays a string", () => {
    expect(hcl).toMatch(/value = aws_iam_role\.Role\.arn/);
    expect(hcl).toContain('description = "logs in ${aws_cloudwatch_log_group.Group.name} (${aws_cloudwatch_log_group.Group.arn})"');
    expect(hcl).not.toMatch(/= "\$\{[^"]*\}"$/m);
  });

  test("the JSON synth is unchanged: conditions and dependencies as cdktf writes them", () => {
    const json = JSON.parse(synth(false));
    const role = json.resource.aws_iam_role.Role;
    expect(role.depends_on).toEqual(["aws_cloudwatch_log_group.Group"]);
    expect(role.lifecycle).toEqual({
      ignore_changes: ["tags"],
      precondition: [{ condition: '${(aws_cloudwatch_log_group.Group.name == "/aws/x")}', error_message: "the group's name is not /aws/x" }],
    });
    expect(json.output.RoleArn.value).toBe("${aws_iam_role.Role.arn}");
  });
});

const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;

describe("HCL strings", () => {
  const hcl = synth(true);
  /** The HCL expression the renderer wrote for one resource's name_prefix. */
  const written = (id: string): string => {
    const block = hcl.slice(hcl.indexOf(`"aws_cloudwatch_log_group" "${id}"`));
    const match = /name_prefix = (<<EOF\n[\s\S]*?\nEOF|"(?:[^"\\]|\\.)*")/.exec(block);
    if (match === null) throw new Error(`no name_prefix for ${id} in:\n${block.slice(0, 400)}`);
    return match[1];
  };

  test("a multi-line string ending in a newline is a heredoc of its lines, without an extra one", () => {
    expect(written("Workflow")).toBe(`<<EOF\n${STRINGS.Workflow.slice(0, -1)}\nEOF`);
  });

  (hasTerraform ? test : test.skip)(`terraform reads the HCL as the same strings as the JSON${hasTerraform ? "" : " (skipped: no terraform CLI on PATH)"}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "hcl-strings-"));
    try {
      const ids = Object.keys(STRINGS);
      // The same values both ways: as the HCL renderer wrote them, and as JSON synth writes them.
      writeFileSync(join(dir, "hcl.tf"), `locals {\n${ids.map((id) => `  hcl_${id} = ${written(id)}\n`).join("")}}\n`);
      writeFileSync(join(dir, "json.tf.json"), JSON.stringify({ locals: Object.fromEntries(ids.map((id) => [`json_${id}`, STRINGS[id]])) }));
      const result = spawnSync("terraform", ["console"], {
        cwd: dir,
        env: terraformEnv(dir),
        input: `jsonencode([${ids.map((id) => `[local.hcl_${id}, local.json_${id}]`).join(", ")}])\n`,
        encoding: "utf8",
      });
      expect(result.stderr).toBe("");
      const pairs: [string, string][] = JSON.parse(JSON.parse(result.stdout));
      expect(pairs).toHaveLength(ids.length);
      for (const [fromHcl, fromJson] of pairs) expect(fromHcl).toBe(fromJson);
      expect(pairs[0][1]).toContain("echo ${{ github.sha }} \\ done\n"); // what GitHub gets: $${ is Terraform's escape
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("soleInterpolation", () => {
  test.each([
    ["${aws_x.y.arn}", "aws_x.y.arn"],
    ['${jsonencode({ "a" = [aws_x.y.arn, "b:*"] })}', 'jsonencode({ "a" = [aws_x.y.arn, "b:*"] })'],
    ['${(a.b == "}")}', '(a.b == "}")'],
  ])("%s is the expression %s", (s, expression) => {
    expect(soleInterpolation(s)).toBe(expression);
  });

  test.each(["plain", "arn:${aws_x.y.id}", "${a.b}-${c.d}", "${a.b}x", '${format("%s", "${a.b}")}', "${"])("%s stays a string", (s) => {
    expect(soleInterpolation(s)).toBeUndefined();
  });
});
