/**
 * cdktf 0.21 records a complete stack trace (Error.stackTraceLimit = Infinity, formatted to text)
 * for every token it creates (each reference such as `role.arn`, each Lazy) and for every
 * annotation. At 100 repositories that is about a third of the app's own work after start-up
 * (CPU profile: captureStackTrace and V8's stack formatting). No synthesized file depends on
 * them: they appear only in cdktf's messages when a token fails to resolve ("Object creation
 * stack") and in cdktf.out/manifest.json, where an annotation's trace shows the guardrail aspect's
 * own frames, not the config line at fault (the finding's message names that).
 *
 * withoutStackTraces() switches both off for this process and returns the App options that do the
 * annotation half; PLATFORM_STACK_TRACES=1 keeps both (for debugging a token error).
 */
import type { AppConfig } from "cdktf";

/** The module every cdktf token constructor calls through (`(0, m.captureStackTrace)()`), read at each call. */
const STACK_TRACE_MODULE = "cdktf/lib/tokens/private/stack-trace";

export function keepStackTraces(): boolean {
  return process.env.PLATFORM_STACK_TRACES === "1";
}

export function withoutStackTraces(): AppConfig {
  if (keepStackTraces()) return {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const traces = require(STACK_TRACE_MODULE) as { captureStackTrace: (below?: unknown) => string[] };
  // An empty creation stack is what cdktf itself records when V8 gives no trace.
  traces.captureStackTrace = () => [];
  return { stackTraces: false };
}
