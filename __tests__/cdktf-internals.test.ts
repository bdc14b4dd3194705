/**
 * cdktf-internals.ts holds every cdktf 0.21 internal the template relies on (the version is
 * pinned); these tests fail first if an upgrade moves or changes one, and prove that no
 * synthesized file depends on them:
 *   - writeStack re-implements the writing half of cdktf's StackSynthesizer.synthesize, so that
 *     guardrails/synthesizer.ts checks every stack after every Aspect and writes exactly what it
 *     read; these tests prove synth writes byte-for-byte what plain app.synth() writes;
 *   - withoutStackTraces records no stack trace per token and annotation
 *     (cdktf/lib/tokens/private/stack-trace.captureStackTrace, App stackTraces);
 *   - invokeAspects is cdktf's own.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Annotations, App, Aspects, Fn, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { invokeAspects, stackTraceModule, withoutStackTraces } from "../cdktf-internals";
import { applyGuardrails } from "../guardrails/aspect";
import { runGuardrails, synthOrExit } from "../guardrails/report";
import { PlatformStack } from "../stacks/platform-stack";

const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

type Options = { readonly guardrails: boolean; readonly crossStack: boolean; readonly backend: boolean };

/** Two stacks; the second may use the first's role ARN (a cross-stack reference). */
function buildApp(outdir: string, options: Options): App {
  const app = new App({ outdir });
  const first = new PlatformStack(app, "first");
  const second = new PlatformStack(app, "second");
  for (const stack of [first, second]) {
    new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
    if (options.backend) new LocalBackend(stack, { path: `terraform.${stack.node.id}.tfstate` });
  }
  const role = new IamRole(first, "Role", { name: "first-role", assumeRolePolicy: TRUST });
  new IamPolicy(second, "Policy", {
    name: "second-policy",
    policy: Fn.jsonencode({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: options.crossStack ? role.arn : "arn:aws:iam::000123456789:role/x" }],
    }),
  });
  new TerraformOutput(first, "RoleName", { value: role.name });
  if (options.guardrails) applyGuardrails([first, second], { rules: [] });
  return app;
}

function synthesized(outdir: string): Record<string, string> {
  const dir = join(outdir, "stacks");
  return Object.fromEntries(readdirSync(dir).map((s) => [s, readFileSync(join(dir, s, "cdk.tf.json"), "utf8")]));
}

/** Every file synth wrote under stacks/, by path. */
function allWritten(outdir: string): Record<string, string> {
  const dir = join(outdir, "stacks");
  return Object.fromEntries(
    readdirSync(dir).flatMap((s) => readdirSync(join(dir, s)).map((f) => [`${s}/${f}`, readFileSync(join(dir, s, f), "utf8")])),
  );
}

describe("cdktf internals", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cdktf-internals-"));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, Options][] = [
    ["separate stacks", { guardrails: true, crossStack: false, backend: true }],
    ["a cross-stack reference (preparing adds an output and remote state)", { guardrails: true, crossStack: true, backend: true }],
    ["stacks without a backend (preparing adds cdktf's default one)", { guardrails: true, crossStack: false, backend: false }],
    ["both", { guardrails: true, crossStack: true, backend: false }],
  ];

  test.each(cases)("synthOrExit with the guardrails writes what plain app.synth() writes: %s", (_, options) => {
    const plain = buildApp(join(dir, "plain"), { ...options, guardrails: false });
    plain.synth();
    const guarded = buildApp(join(dir, "guarded"), options);
    synthOrExit(guarded);
    const expected = synthesized(join(dir, "plain"));
    expect(Object.keys(expected).sort()).toEqual(["first", "second"]);
    expect(synthesized(join(dir, "guarded"))).toEqual(expected);
    if (options.crossStack) expect(expected.second).toContain("terraform_remote_state");
  });

  test("synth --hcl (SYNTH_HCL_OUTPUT=true, as cdktf-cli sets it) with the guardrails writes what plain app.synth() writes", () => {
    const saved = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = "true";
    try {
      const options = { guardrails: true, crossStack: true, backend: true };
      buildApp(join(dir, "plain"), { ...options, guardrails: false }).synth();
      synthOrExit(buildApp(join(dir, "guarded"), options));
    } finally {
      if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = saved;
    }
    const expected = allWritten(join(dir, "plain"));
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(["first/cdk.tf", "second/cdk.tf", "second/metadata.json"]));
    expect(allWritten(join(dir, "guarded"))).toEqual(expected);
  });

  test("the guardrails resolve each stack once, and synth writes that very resolve", () => {
    const toTerraform = jest.spyOn(TerraformStack.prototype, "toTerraform");
    synthOrExit(buildApp(join(dir, "guarded"), { guardrails: true, crossStack: false, backend: true }));
    // One per stack, by the check; the write reuses it (app.synth()'s preparing pass resolves elements).
    expect(toTerraform).toHaveBeenCalledTimes(2);
  });

  test("a change made after a check is written: synth checks again and writes what it checked", () => {
    const app = buildApp(join(dir, "changed"), { guardrails: true, crossStack: false, backend: true });
    const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
    expect(runGuardrails(stacks)).toEqual([]);
    new IamRole(stacks[1], "Late", { name: "late-role", assumeRolePolicy: TRUST });
    (stacks[0].node.findChild("Role") as IamRole).name = "renamed-role";
    app.synth();
    const written = synthesized(join(dir, "changed"));
    expect(written.second).toContain("late-role");
    expect(written.first).toContain("renamed-role");
  });

  test("cdktf's token stack traces: one module function every token calls, which withoutStackTraces replaces", () => {
    const traces = stackTraceModule();
    expect(typeof traces.captureStackTrace).toBe("function");
    const original = traces.captureStackTrace;
    let calls = 0;
    traces.captureStackTrace = () => {
      calls++;
      return [];
    };
    try {
      const app = new App({ outdir: join(dir, "traces") });
      const stack = new TerraformStack(app, "s");
      new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
      const role = new IamRole(stack, "Role", { name: "r", assumeRolePolicy: TRUST });
      void role.arn; // a reference: an Intrinsic token
      expect(calls).toBeGreaterThan(0);
    } finally {
      traces.captureStackTrace = original;
    }
  });

  test("withoutStackTraces: no trace in the tokens or annotations; PLATFORM_STACK_TRACES=1 keeps them", () => {
    const traces = stackTraceModule();
    const original = traces.captureStackTrace;
    const saved = process.env.PLATFORM_STACK_TRACES;
    try {
      process.env.PLATFORM_STACK_TRACES = "1";
      expect(withoutStackTraces()).toEqual({});
      expect(traces.captureStackTrace).toBe(original);
      delete process.env.PLATFORM_STACK_TRACES;
      const options = withoutStackTraces();
      expect(options).toEqual({ stackTraces: false });
      expect(traces.captureStackTrace()).toEqual([]);
      const app = new App({ outdir: join(dir, "annotations"), ...options });
      const stack = new TerraformStack(app, "s");
      Annotations.of(stack).addWarning("w");
      expect(stack.node.metadata.find((m) => m.type === "@cdktf/warn")?.trace).toBeUndefined();
    } finally {
      traces.captureStackTrace = original;
      if (saved === undefined) delete process.env.PLATFORM_STACK_TRACES;
      else process.env.PLATFORM_STACK_TRACES = saved;
    }
  });

  test("invokeAspects is cdktf's: it visits every construct of the stack with the stack's Aspects", () => {
    const app = new App({ outdir: join(dir, "aspects") });
    const stack = new TerraformStack(app, "s");
    new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
    new IamRole(stack, "Role", { name: "r", assumeRolePolicy: TRUST });
    const visited: string[] = [];
    Aspects.of(stack).add({ visit: (node) => void visited.push(node.node.path) });
    invokeAspects(stack);
    expect(visited).toEqual(stack.node.findAll().map((c) => c.node.path));
  });
});
