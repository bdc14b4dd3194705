import { EXAMPLE_TEXT } from "../helpers/example";
import { App, TerraformStack } from "cdktf";
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { buildAppView } from "../../guardrails/app-view";
import { evaluateRules } from "../../guardrails/engine";
import type { Finding, Rule } from "../../guardrails/types";
import { type Platform } from "../../stacks/platform";
import { buildGuardedPlatform } from "../helpers/platform";
import { testApp } from "../helpers/synth";

/** The example config with an edit applied to its parsed YAML, as config text. */
export function exampleVariant(edit: (doc: any) => void = () => undefined): string {
  const doc = parse(EXAMPLE_TEXT);
  edit(doc);
  return JSON.stringify(doc);
}

/** The example platform (with the app's guardrails attached), optionally edited. */
export function examplePlatform(edit?: (doc: any) => void): { app: App; platform: Platform } {
  const app = testApp();
  const platform = buildGuardedPlatform(app, parseConfig(exampleVariant(edit)));
  return { app, platform };
}

/** Findings of the given rules over all stacks of an app (no annotations, no suppressions). */
export function findings(stacks: readonly TerraformStack[], rules: readonly Rule[]): Finding[] {
  return evaluateRules(buildAppView(stacks), rules);
}

/** Findings of one rule on a stack built by `build` (a single stack, for per-resource rules). */
export function findingsOfStack(rule: Rule, build: (stack: TerraformStack) => void): Finding[] {
  const stack = new TerraformStack(testApp(), "test");
  build(stack);
  return findings([stack], [rule]);
}

/** Findings of rules on the example platform after an optional stack edit. */
export function exampleFindings(rules: readonly Rule[], editStacks?: (platform: Platform) => void, editConfig?: (doc: any) => void): Finding[] {
  const { platform } = examplePlatform(editConfig);
  editStacks?.(platform);
  return findings([platform.aws, platform.github], rules);
}
