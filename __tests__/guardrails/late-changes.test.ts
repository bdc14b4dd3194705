/**
 * Nothing changes after the guardrails check without being checked, and nothing a user adds is
 * dropped: Aspects added in main.ts after the stacks are built (to a stack or to the App), and
 * properties set after a check, land in cdk.tf.json and are checked there. A rule that throws is
 * a finding that names it, never a crash.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { App, Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { parseConfig } from "../../config/load";
import { applyGuardrails } from "../../guardrails/aspect";
import { runGuardrails } from "../../guardrails/report";
import { GuardrailsFailure } from "../../guardrails/synthesizer";
import type { Rule } from "../../guardrails/types";
import { buildGuardedPlatform } from "../helpers/platform";
import { EXAMPLE_TEXT } from "../helpers/example";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "late-changes-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function example(): { app: App; stacks: TerraformStack[] } {
  const app = new App({ outdir: dir, stackTraces: false });
  const platform = buildGuardedPlatform(app, parseConfig(EXAMPLE_TEXT));
  return { app, stacks: [platform.aws, platform.github] };
}

function written(stack: TerraformStack): any {
  return JSON.parse(readFileSync(join(dir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"));
}

/** Tags every IAM role, the way a cloned template's owner patches all resources. */
class TagRoles implements IAspect {
  visits = 0;
  constructor(private readonly tag: string) {}
  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.visits++;
    if (node instanceof IamRole) node.tags = { ...(node.tagsInput ?? {}), "cost-center": this.tag };
  }
}

/** A late patch that widens every deploy role's trust to any repository of any owner. */
class TrustEveryone implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof IamRole) || !node.node.path.includes("DeployRole")) return;
    node.assumeRolePolicy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } },
        },
      ],
    });
  }
}

const roles = (json: any) => Object.values(json.resource.aws_iam_role) as any[];

describe("changes made after the stacks are built", () => {
  test("a stack Aspect added after buildPlatform is visited once and its change is written", () => {
    const { app, stacks } = example();
    const tag = new TagRoles("platform");
    Aspects.of(stacks[0]).add(tag);
    app.synth();
    expect(tag.visits).toBe(1);
    expect(roles(written(stacks[0])).every((r) => r.tags?.["cost-center"] === "platform")).toBe(true);
  });

  test("an App Aspect (which cdktf alone never runs) reaches every guarded stack", () => {
    const { app, stacks } = example();
    const tag = new TagRoles("app-wide");
    Aspects.of(app).add(tag);
    app.synth();
    expect(tag.visits).toBe(stacks.length);
    expect(roles(written(stacks[0])).every((r) => r.tags?.["cost-center"] === "app-wide")).toBe(true);
  });

  test("Aspects run once, even when the guardrails were run before synth", () => {
    const { app, stacks } = example();
    const tag = new TagRoles("once");
    Aspects.of(stacks[0]).add(tag);
    expect(runGuardrails(stacks)).toEqual([]);
    app.synth();
    expect(tag.visits).toBe(1);
  });

  test("a late Aspect that widens a trust policy is checked: synth fails and writes nothing", () => {
    const { app, stacks } = example();
    Aspects.of(stacks[0]).add(new TrustEveryone());
    let failure: unknown;
    try {
      app.synth();
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(GuardrailsFailure);
    expect((failure as GuardrailsFailure).findings.join("\n")).toMatch(/\[OIDC-006\]/);
    for (const stack of stacks) expect(existsSync(join(dir, "stacks", stack.node.id, "cdk.tf.json"))).toBe(false);
  });

  test("a property set after a check is checked again by synth", () => {
    const { app, stacks } = example();
    expect(runGuardrails(stacks)).toEqual([]);
    new TrustEveryone().visit(stacks[0].node.findAll().find((c) => c instanceof IamRole && c.node.path.includes("DeployRole"))!);
    expect(() => app.synth()).toThrow(/\[OIDC-006\]/);
  });
});

describe("a rule that throws", () => {
  const broken: Rule = {
    id: "TEST-001",
    title: "a rule with a bug",
    why: "tests the engine",
    fix: "none",
    source: "test",
    resourceTypes: ["aws_iam_role"],
    check: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'Statement')");
    },
  };

  test("is reported as a finding naming the rule and the resource, not a crash", () => {
    const app = new App({ outdir: dir });
    const stack = new TerraformStack(app, "s");
    new IamRole(stack, "Role", { name: "r", assumeRolePolicy: "{}" });
    applyGuardrails([stack], { rules: [broken] });
    const errors = runGuardrails([stack]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[TEST-001\] s\/Role: the rule failed on this resource \(TypeError: Cannot read properties/);
    expect(() => app.synth()).toThrow(GuardrailsFailure);
  });
});
