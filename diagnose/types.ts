/**
 * The shapes `diagnose` works with: the table of known failures (data), what a recogniser found in
 * the input (a match), and what an explainer adds from the config (a diagnosis).
 */
import type { AppView } from "../guardrails/types";
import type { PlatformConfig } from "../config/schema";
import type { CloudTrailEvent } from "./cloudtrail";

/** One failure this template knows, with its cause and fix in terms of platform.yaml. */
export interface KnownFailure {
  /** Stable id (kebab-case); tests and the README refer to it. Never reused for another failure. */
  readonly id: string;
  /** How the message reads (real text, shortened with …); the README's "Message" column. */
  readonly messages: readonly string[];
  /** Recognisers, tried on each input line and then on the input with wrapped lines joined. */
  readonly patterns: readonly RegExp[];
  /** Why it happens, without a config at hand. */
  readonly cause: string;
  /** What to change, without a config at hand (markdown links allowed: the README renders them). */
  readonly fix: string;
  /** Where the message texts come from. */
  readonly source: string;
}

/** One known failure found in the input. */
export interface Match {
  readonly failure: KnownFailure;
  /** The line (or joined excerpt) that matched, trimmed. */
  readonly evidence: string;
  /** 1-based line of the evidence in the input, when it is on one line. */
  readonly line?: number;
  /** The whole input, for explainers that read more of it (role-to-assume, Lock Info, ...). */
  readonly text: string;
  /** Set when the match comes from a CloudTrail event. */
  readonly event?: CloudTrailEvent;
}

/** What an explainer adds to a match; every part may be empty. */
export interface Explanation {
  /** What was read from the input (subject, role ARN, ...). */
  readonly facts?: readonly string[];
  /** The cause in terms of this config; replaces the generic cause when non-empty. */
  readonly causes?: readonly string[];
  /** The fix in terms of this config; replaces the generic fix when non-empty. */
  readonly fixes?: readonly string[];
  /** Supporting detail, e.g. the policy evaluator's trace. */
  readonly details?: readonly string[];
}

export interface Diagnosis extends Required<Explanation> {
  readonly failure: KnownFailure;
  readonly evidence: string;
  readonly line?: number;
}

/** What explainers may use besides the input: the config and the Terraform it synthesizes. */
export interface DiagnoseContext {
  /** The validated config, when one could be loaded. */
  readonly config?: PlatformConfig;
  /** Its file name, for messages. */
  readonly configFile: string;
  /** The synthesized stacks of the config (built on first use); undefined without a usable config. */
  view(): AppView | undefined;
  /** A subject given on the command line (--subject), evaluated like one read from CloudTrail. */
  readonly subject?: string;
  /** Notes about the context itself (e.g. the stacks could not be built), printed once. */
  readonly notes: string[];
}

export type Explainer = (match: Match, ctx: DiagnoseContext) => Explanation;
