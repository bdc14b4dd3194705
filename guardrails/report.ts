import { TerraformStack, type App } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";

/** Error annotations on the stacks' constructs, as `<construct path>: <message>`. */
export function errorAnnotations(stacks: readonly TerraformStack[]): string[] {
  return stacks.flatMap((stack) =>
    stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data))),
  );
}

/**
 * Runs the guardrails (the stacks' Aspects) before anything is written, and synthesizes only when
 * no finding is left: a failing check leaves cdktf.out as it was, and prints the findings plainly
 * instead of a stack trace. CDKTF records which Aspects ran, so synth does not run them again.
 */
export function synthOrExit(app: App): void {
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
  stacks.forEach((stack) => invokeAspects(stack));
  const errors = errorAnnotations(stacks);
  if (errors.length > 0) {
    process.stderr.write(`${errors.length} guardrail finding(s); nothing was synthesized:\n${errors.map((e) => `  ${e}`).join("\n")}\n`);
    process.exit(1);
  }
  app.synth();
}
