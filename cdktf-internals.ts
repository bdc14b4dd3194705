/**
 * The cdktf 0.21 internals this template relies on (the version is pinned), all in this one file;
 * __tests__/cdktf-internals.test.ts fails first when an upgrade moves or changes one of them.
 *
 *   - The stack traces cdktf records per token and annotation (withoutStackTraces).
 *   - How cdktf writes a stack (writeStack): what StackSynthesizer.synthesize does after a
 *     stack's Aspects, for guardrails/synthesizer.ts, which runs the Aspects and the guardrails
 *     of the whole app itself and then writes each stack exactly as cdktf would.
 *   - invokeAspects, for tests that run a stack's Aspects without synthesizing it.
 *
 * eslint.config.js refuses an import of `cdktf/lib/...` anywhere else.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AppConfig, TerraformStack } from "cdktf";
import type { IStackSynthesizer, ISynthesisSession } from "cdktf/lib/synthesize/types";
import { ConstructOrder } from "constructs";

export type { IStackSynthesizer, ISynthesisSession };
export { invokeAspects } from "cdktf/lib/synthesize/synthesizer";

// ---------------------------------------------------------------------------------------------
// Stack traces
//
// cdktf 0.21 records a complete stack trace (Error.stackTraceLimit = Infinity, formatted to text)
// for every token it creates (each reference such as `role.arn`, each Lazy) and for every
// annotation. At 100 repositories that is about a third of the app's own work after start-up
// (CPU profile: captureStackTrace and V8's stack formatting). No synthesized file depends on
// them: they appear only in cdktf's messages when a token fails to resolve ("Object creation
// stack") and in cdktf.out/manifest.json, where an annotation's trace shows the guardrail aspect's
// own frames, not the config line at fault (the finding's message names that).
//
// withoutStackTraces() switches both off for this process and returns the App options that do the
// annotation half; PLATFORM_STACK_TRACES=1 keeps both (for debugging a token error).

/** The module every cdktf token constructor calls through (`(0, m.captureStackTrace)()`), read at each call. */
const STACK_TRACE_MODULE = "cdktf/lib/tokens/private/stack-trace";

/** cdktf's stack-trace module, whose captureStackTrace withoutStackTraces replaces. */
export function stackTraceModule(): { captureStackTrace: (below?: unknown) => string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(STACK_TRACE_MODULE) as { captureStackTrace: (below?: unknown) => string[] };
}

function keepStackTraces(): boolean {
  return process.env.PLATFORM_STACK_TRACES === "1";
}

export function withoutStackTraces(): AppConfig {
  if (keepStackTraces()) return {};
  // An empty creation stack is what cdktf itself records when V8 gives no trace.
  stackTraceModule().captureStackTrace = () => [];
  return { stackTraces: false };
}

// ---------------------------------------------------------------------------------------------
// Writing a stack (StackSynthesizer.synthesize of cdktf 0.21, after its invokeAspects)

/** How cdktf's StackSynthesizer is configured: from the environment, when the stack is created. */
export interface WriteOptions {
  /** CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: record error annotations, write anyway (cdktf-cli prints them). */
  readonly continueOnErrorAnnotations: boolean;
  /** SYNTH_HCL_OUTPUT (`cdktf synth --hcl`): write cdk.tf and its metadata instead of cdk.tf.json. */
  readonly hclOutput: boolean;
}

export function writeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WriteOptions {
  return {
    continueOnErrorAnnotations: env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined,
    hclOutput: env.SYNTH_HCL_OUTPUT === "true" || env.SYNTH_HCL_OUTPUT === "1",
  };
}

const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");
const ERROR = "@cdktf/error";
const ANNOTATION_TYPES = new Set(["@cdktf/info", "@cdktf/warn", ERROR]);

/**
 * Validates `stack` and writes it into the session's outdir as cdktf's StackSynthesizer does:
 * custom synthesis of its constructs, annotations into the manifest, a throw on error annotations,
 * then cdk.tf.json (or the HCL). `resolved` is the stack's toTerraform() when the caller has it
 * already (nothing may change the tree in between); it is resolved here otherwise.
 */
export function writeStack(stack: TerraformStack, session: ISynthesisSession, options: WriteOptions, resolved?: unknown): void {
  if (!session.skipValidation) stack.runAllValidations();

  const stackManifest = session.manifest.forStack(stack);
  const workingDirectory = join(session.outdir, stackManifest.workingDirectory);
  if (!existsSync(workingDirectory)) mkdirSync(workingDirectory);
  for (const node of stack.node.findAll(ConstructOrder.POSTORDER)) {
    (node as unknown as Record<symbol, { onSynthesize(s: ISynthesisSession): void } | undefined>)[CUSTOM_SYNTHESIS]?.onSynthesize(session);
  }

  const annotations = stack.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((m) => ANNOTATION_TYPES.has(m.type))
      .map((m) => ({ constructPath: node.node.path, level: m.type, message: m.data, stacktrace: m.trace })),
  );
  (stackManifest as { annotations: unknown }).annotations = annotations;
  const errors = annotations.filter((a) => a.level === ERROR);
  if (!options.continueOnErrorAnnotations && errors.length > 0) {
    throw new Error(`Synth failed on error annotations:\n${errors.map((a) => `[${a.constructPath}] ${String(a.message)}`).join("\n")}`);
  }

  if (options.hclOutput) {
    const hcl = stack.toHclTerraform();
    writeFileSync(join(session.outdir, stackManifest.synthesizedStackPath), hcl.hcl);
    writeFileSync(join(session.outdir, stackManifest.stackMetadataPath!), stableJson(hcl.metadata));
    return;
  }
  writeFileSync(join(session.outdir, stackManifest.synthesizedStackPath), stableJson(resolved ?? stack.toTerraform()));
}

/**
 * json-stable-stringify(value, { space: 2 }), which cdktf writes its files with: keys sorted, and
 * an empty object or array written open ("{" newline "}"), unlike JSON.stringify.
 */
function stableJson(value: unknown): string {
  const write = (node: unknown, level: number): string | undefined => {
    const indent = `\n${"  ".repeat(level)}`;
    if (node !== null && typeof node === "object" && typeof (node as { toJSON?: unknown }).toJSON === "function") {
      node = (node as { toJSON(): unknown }).toJSON();
    }
    if (node === undefined) return undefined;
    if (typeof node !== "object" || node === null) return JSON.stringify(node);
    const parts: string[] = [];
    if (Array.isArray(node)) {
      for (const item of node) parts.push(`${indent}  ${write(item, level + 1) ?? "null"}`);
      return `[${parts.join(",")}${indent}]`;
    }
    for (const key of Object.keys(node).sort()) {
      const v = write((node as Record<string, unknown>)[key], level + 1);
      if (v) parts.push(`${indent}  ${JSON.stringify(key)}: ${v}`);
    }
    return `{${parts.join(",")}${indent}}`;
  };
  return write(value, 0) ?? "";
}
