import { Annotations, Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { buildAppView, stacksOf } from "./app-view";
import { evaluateRules, formatFinding } from "./engine";
import { ALL_RULES } from "./rules";
import {
  constructSuppressions,
  ownSuppressions,
  pathMatches,
  suppressionProblem,
  type PathSuppression,
  type Suppression,
} from "./suppressions";
import { guardSynthesis } from "./synthesizer";
import type { AppView, Finding, Rule } from "./types";

export interface GuardrailsOptions {
  /** @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Suppressions from the config file, by construct path (prefix). */
  readonly suppressions?: readonly PathSuppression[];
}

/** The outcome of one check of the app: what fails synth, and what is printed as a warning. */
export interface GuardrailsResult {
  /** Unsuppressed error findings and broken suppressions, formatted as printed. */
  readonly errors: readonly string[];
  /** The view the rules read, for synth to write exactly what was checked. */
  readonly view: AppView;
}

/**
 * Applies the guardrail rules to the stacks. Findings become annotations (errors fail synth);
 * accepted findings are printed as one warning per rule and construct, with the reason.
 * CDKTF never runs Aspects added to the App: attach one to every stack (see applyGuardrails).
 */
export class GuardrailsAspect implements IAspect {
  readonly rules: readonly Rule[];
  readonly suppressions: readonly PathSuppression[];

  constructor(options: GuardrailsOptions = {}) {
    this.rules = options.rules ?? ALL_RULES;
    this.suppressions = options.suppressions ?? [];
  }

  /**
   * Reached through cdktf's own aspect pass (Testing.synth, invokeAspects): checks this stack
   * against the app as it is now. `cdktf synth` does not come here: the guarded synthesizer
   * checks every stack once, after every other Aspect and change (see guardrails/synthesizer.ts).
   */
  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    this.check(stacksOf(node), [node]);
  }

  /** Evaluates the rules over `stacks` (the whole app) and annotates the findings of `annotate`. */
  check(stacks: readonly TerraformStack[], annotate: readonly TerraformStack[] = stacks): GuardrailsResult {
    const view = buildAppView(stacks);
    const findings = evaluateRules(view, this.rules);
    const errors: string[] = [];
    for (const stack of annotate) errors.push(...this.annotateStack(stack, findings));
    return { errors, view };
  }

  private annotateStack(stack: TerraformStack, findings: readonly Finding[]): string[] {
    const stackName = stack.node.id;
    const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c] as const));
    const knownRules = new Set(this.rules.map((r) => r.id));
    const errors: string[] = [];
    const error = (construct: IConstruct, text: string) => {
      errors.push(text);
      addOnce(construct, "error", text);
    };

    // A suppression is only as good as its reason.
    for (const construct of byPath.values()) {
      for (const s of ownSuppressions(construct)) {
        const problem = suppressionProblem(s, knownRules);
        if (problem) error(construct, `[SUPPRESSION] ${construct.node.path}: ${problem}`);
      }
    }
    for (const s of this.suppressions) {
      if (!s.path.startsWith(`${stackName}/`) && s.path !== stackName) continue;
      const problem = suppressionProblem(s, knownRules);
      if (problem) error(stack, `[SUPPRESSION] ${s.path}: ${problem}`);
    }

    // Accepted findings: one line per rule and construct, however many findings it has there.
    const accepted = new Map<string, { construct: IConstruct; rule: string; path: string; reason: string; count: number }>();
    for (const finding of findings) {
      if (finding.resource.stack !== stackName) continue;
      const construct = byPath.get(finding.resource.path) ?? stack;
      const suppression = this.suppressionFor(finding, byPath);
      if (suppression) {
        const key = `${finding.rule.id}|${finding.resource.path}`;
        const entry = accepted.get(key);
        if (entry) entry.count += 1;
        else accepted.set(key, { construct, rule: finding.rule.id, path: finding.resource.path, reason: suppression.reason.trim(), count: 1 });
      } else if (finding.rule.severity === "warning") {
        addOnce(construct, "warning", formatFinding(finding));
      } else {
        error(construct, formatFinding(finding));
      }
    }
    for (const a of accepted.values()) {
      const many = a.count > 1 ? ` (${a.count} findings)` : "";
      addOnce(a.construct, "warning", `accepted: [${a.rule}] ${a.path}${many}: ${a.reason}`);
    }
    return errors;
  }

  private suppressionFor(finding: Finding, byPath: ReadonlyMap<string, IConstruct>): Suppression | undefined {
    const valid = (s: Suppression) => s.rule === finding.rule.id && suppressionProblem(s, new Set([s.rule])) === undefined;
    return (
      constructSuppressions(byPath, finding.resource.path).find(valid) ??
      this.suppressions.find((s) => valid(s) && pathMatches(s.path, finding.resource.path))
    );
  }
}

const ANNOTATION_TYPE = { error: "@cdktf/error", warning: "@cdktf/warn" } as const;

/** A check may run more than once per app (each synth, each aspect pass): say each thing once. */
function addOnce(construct: IConstruct, level: keyof typeof ANNOTATION_TYPE, text: string): void {
  if (construct.node.metadata.some((m) => m.type === ANNOTATION_TYPE[level] && m.data === text)) return;
  if (level === "error") Annotations.of(construct).addError(text);
  else Annotations.of(construct).addWarning(text);
}

/**
 * Attaches the guardrails to every stack of the app: an Aspect on each, and a synthesizer that
 * checks the whole app after every other Aspect has run and writes exactly what was checked.
 */
export function applyGuardrails(stacks: readonly TerraformStack[], options: GuardrailsOptions = {}): GuardrailsAspect {
  const aspect = new GuardrailsAspect(options);
  for (const stack of stacks) {
    Aspects.of(stack).add(aspect);
    guardSynthesis(stack, aspect);
  }
  return aspect;
}
