/**
 * TF-001, defence in depth behind the boundary: whatever reaches cdk.tf.json (a resource added by
 * hand, an override, a data source, provider, output, local, variable, module or backend), a
 * `${...}`/`%{...}` the template does not generate fails synth, naming the element, the attribute
 * path and the expression.
 */
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { TerraformLocal, TerraformOutput, TerraformVariable, type TerraformStack } from "cdktf";
import { invokeAspects } from "../../cdktf-internals";
import { parse, stringify } from "yaml";
import { parseConfig } from "../../config/load";
import { buildAppView } from "../../guardrails/app-view";
import { evaluateRules, formatFinding } from "../../guardrails/engine";
import { errorAnnotations } from "../../guardrails/report";
import { foreignExpressions } from "../../guardrails/rules/terraform/expressions";
import { TF_001 } from "../../guardrails/rules/terraform/tf-001-no-foreign-expressions";
import { terraformLiterals } from "../../modules/terraform-text";
import { type Platform } from "../../stacks/platform";
import { buildGuardedPlatform } from "../helpers/platform";
import { EXAMPLE_TEXT } from "../helpers/example";
import { ATTACKS } from "../helpers/injection";
import { testApp } from "../helpers/synth";

function platformOf(edit?: (doc: any) => void): Platform {
  const doc = parse(EXAMPLE_TEXT);
  edit?.(doc);
  return buildGuardedPlatform(testApp(), parseConfig(stringify(doc)));
}

/** TF-001 findings as synth prints them. */
function tf001(platform: Platform): string[] {
  return evaluateRules(buildAppView([platform.aws, platform.github]), [TF_001]).map(formatFinding);
}

/** Error annotations after the guardrails ran, as `cdktf synth` reports them. */
function synthErrors(platform: Platform): string[] {
  const stacks = [platform.aws, platform.github];
  stacks.forEach((s) => invokeAspects(s));
  return errorAnnotations(stacks);
}

const withSelf = (doc: any) => {
  doc.aws.stateBackend = { bucket: "my-state-bucket" };
  doc.self = { repository: "platform-infra", reviewers: { users: [1] }, planApp: { appId: 1, installationId: 2 }, deployApp: { appId: 3, installationId: 4 } };
};

describe("compliant: what the template generates", () => {
  test.each([
    ["the example", undefined],
    ["the example with self (plan and deploy roles, the deploy environment)", withSelf],
    ["a pending connection (no webhook)", (d: any) => (d.codeConnection.status = "pending")],
  ])("%s has no TF-001 finding", (_name, edit) => {
    expect(tf001(platformOf(edit))).toEqual([]);
  });

  test("a postcondition on the block itself (self.visibility, the repository visibility check) is accepted", () => {
    expect(foreignExpressions('${self.visibility == "private"}')).toEqual([]);
  });

  test("references, jsonencode policies and the webhook precondition are present and accepted", () => {
    const view = buildAppView([platformOf().aws]);
    const text = JSON.stringify(view.resources.map((r) => r.config));
    expect(text).toContain("${jsonencode(");
    expect(text).toContain('.connection_status == \\"AVAILABLE\\")}');
    expect(text).toMatch(/\$\{aws_iam_role\.[^.]+\.name\}/);
  });

  test("attack strings in free text, escaped by the boundary, are literal: no finding, synth passes", () => {
    const platform = platformOf((d) => {
      d.repositories[0].deployRoles[0].description = Object.values(ATTACKS).join(" ");
      d.repositories[0].variables = Object.fromEntries(Object.values(ATTACKS).map((a, i) => [`V${i}`, a]));
      d.repositories[0].workflows[0].name = ATTACKS.readEnvironment;
    });
    expect(synthErrors(platform)).toEqual([]);
  });

  test("escapes and the boundary's forms next to a token are literal", () => {
    // $$$${ is $$ then the escape $${ (terraform apply prints $$${...} for it).
    for (const s of ['$${file("x")}', "%%{ if true }", '$$${x}', '$$$${file("x")}', "%%%%{x}", '${"$"}{file("x")} of ${aws_iam_role.a.arn}', '${"%"}{', '${"\\r"}']) {
      expect([s, foreignExpressions(s)]).toEqual([s, []]);
    }
  });
});

describe("must fail: expressions the template never generates", () => {
  test.each([
    ["${self.description}", "the reference self.description: description is not an identifier attribute"],
    ['${file("/etc/passwd")}', "a call of file()"],
    ['${filebase64("/proc/self/environ")}', "a call of filebase64()"],
    ['${templatefile("/etc/passwd", {})}', "a call of templatefile()"],
    ['${base64decode("Kg==")}', "a call of base64decode()"],
    [ATTACKS.spliceDescription, "a call of trimprefix()"],
    [ATTACKS.spliceDescription, "the reference aws_iam_role.DeployRole-other_1234ABCD.description: description is not an identifier attribute"],
    [ATTACKS.deferredRead, "a call of filebase64()"],
    [ATTACKS.deferredRead, "the operator ?"],
    ["%{ if true }*%{ endif }", "a template directive"],
    ["${var.x}", "the reference var.x"],
    ["${local.secret}", "the reference local.secret"],
    ["${path.module}", "the reference path.module"],
    ["${aws_iam_role.x}", "the reference aws_iam_role.x to a whole resource"],
    ["${aws_iam_role.x.tags.Name}", "tags is not an identifier attribute"],
    ["${aws_iam_role.x[*].arn}", "the splat"],
    ["${[for r in aws_iam_role.x : r.arn]}", "the name for"],
    ['${"a" + "b"}', "the operator +"],
    ["${<<EOT\nx\nEOT\n}", "a heredoc"],
    // Nested inside a string literal of an allowed expression (as cdktf writes jsonencode).
    ['${jsonencode({"a" = "${file(\\"/etc/passwd\\")}"})}', "a call of file()"],
    ['${jsonencode({"a" = "%{ if true }x%{ endif }"})}', "a template directive"],
    ["$ ${file(\"x\")}", "a call of file()"],
  ])("%j is a finding: %s", (text, problem) => {
    const found = foreignExpressions(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].problems.join("; ")).toContain(problem);
  });

  test("a resource added by hand to a stack with ${file(\"/etc/passwd\")} fails synth, naming resource, attribute and expression", () => {
    const platform = platformOf();
    new IamRole(platform.aws, "HandMade", { name: "hand-made", assumeRolePolicy: "{}", description: '${file("/etc/passwd")}' });
    // The hand-made role also lacks the template's IAM path and boundary (IAM-008): not this test's concern.
    const errors = synthErrors(platform).filter((e) => e.startsWith("[TF-001]"));
    expect(errors).toEqual([
      expect.stringMatching(
        /^\[TF-001\] aws-000123456789-ap-northeast-1\/HandMade: description holds \$\{file\("\/etc\/passwd"\)\}: a call of file\(\), a function the template never calls; why: .*; fix: /,
      ),
    ]);
  });

  test("an override that writes raw text past the boundary fails synth", () => {
    const platform = platformOf();
    platform.aws.deployRoles["techblue-dev-ecr-push"].resource.addOverride("description", ATTACKS.readEnvironment);
    expect(synthErrors(platform)).toEqual([expect.stringContaining('[TF-001] aws-000123456789-ap-northeast-1/DeployRole-techblue-dev-ecr-push/Resource: description holds ${file("/proc/self/environ")}')]);
  });

  test("nested values, list items and map keys are named by their path", () => {
    const platform = platformOf();
    new IamRole(platform.aws, "Nested", {
      name: "nested",
      assumeRolePolicy: "{}",
      tags: { [ATTACKS.anyBranch]: "v", Team: "%{ if true }x%{ endif }" },
      inlinePolicy: [{ name: "p", policy: '{"Resource":"${file("/etc/passwd")}"}' }],
    });
    const found = tf001(platform).join("\n");
    expect(found).toContain('Nested: the key "${base64decode(\\"Kg==\\")}" of tags holds ${base64decode("Kg==")}: a call of base64decode()');
    expect(found).toContain("Nested: tags.Team holds %{ if true }: a template directive");
    expect(found).toContain('Nested: inline_policy[0].policy holds ${file("/etc/passwd")}');
  });

  test("data sources, providers, outputs, locals and variables are checked too", () => {
    const platform = platformOf();
    const aws: TerraformStack = platform.aws;
    new DataAwsCallerIdentity(aws, "Caller").addOverride("id", '${file("/etc/passwd")}');
    new TerraformOutput(aws, "Leak", { value: '${filebase64("/proc/self/environ")}' });
    new TerraformLocal(aws, "Leak2", '${templatefile("/etc/passwd", {})}');
    new TerraformVariable(aws, "Leak3", { default: '${base64decode("Kg==")}' });
    (platform.github.node.findChild("github") as GithubProvider).addOverride("base_url", '${file("/etc/hosts")}');
    const found = tf001(platform);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[TF-001\] aws-000123456789-ap-northeast-1\/Caller: id holds \$\{file/),
        expect.stringMatching(/^\[TF-001\] aws-000123456789-ap-northeast-1\/output\.Leak: value holds \$\{filebase64/),
        expect.stringMatching(/^\[TF-001\] aws-000123456789-ap-northeast-1\/locals\.Leak2: value holds \$\{templatefile/),
        expect.stringMatching(/^\[TF-001\] aws-000123456789-ap-northeast-1\/variable\.Leak3: default holds \$\{base64decode/),
        expect.stringMatching(/^\[TF-001\] github-test-user\/provider\.github\.0: base_url holds \$\{file/),
      ]),
    );
    expect(found).toHaveLength(5);
  });

  test("the boundary itself makes a hand-made resource literal: terraformLiterals(...) passes", () => {
    const platform = platformOf();
    new ActionsVariable(platform.github, "HandMadeVariable", terraformLiterals({ repository: "techblue-dev", variableName: "NOTE", value: '${file("/etc/passwd")}' }));
    expect(tf001(platform)).toEqual([]);
  });
});
