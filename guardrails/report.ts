import { TerraformStack, type App } from "cdktf";
import { checkGuardedApp, GuardrailsFailure } from "./synthesizer";

/** Error annotations on the stacks' constructs, as `<construct path>: <message>`. */
export function errorAnnotations(stacks: readonly TerraformStack[]): string[] {
  return stacks.flatMap((stack) =>
    stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data))),
  );
}

/**
 * Runs the guardrails of the app these stacks belong to exactly as synth does (every Aspect first,
 * once), without writing anything. Returns the findings that would fail synth.
 */
export function runGuardrails(stacks: readonly TerraformStack[]): readonly string[] {
  return stacks.length === 0 ? [] : checkGuardedApp(stacks[0]);
}

/**
 * Synthesizes the app; guardrail findings (checked after every Aspect, before anything is
 * written) leave cdktf.out as it was, and are printed plainly instead of a stack trace.
 */
export function synthOrExit(app: App): void {
  try {
    app.synth();
  } catch (e) {
    const message = e instanceof GuardrailsFailure ? e.message : `synth failed: ${(e as Error).message}`;
    process.stderr.write(`${message.trimEnd()}\n`);
    process.exit(1);
  }
}
