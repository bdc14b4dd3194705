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
import type { Finding, Rule } from "./types";

export interface GuardrailsOptions {
  /** @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Suppressions from the config file, by construct path (prefix). */
  readonly suppressions?: readonly PathSuppression[];
}

interface AppRun {
  /** Constructs in the app when the findings were computed: a changed tree invalidates them. */
  readonly size: number;
  readonly findings: readonly Finding[];
}

// One evaluation per app and synth, shared by the aspects of all its stacks.
const runs = new WeakMap<IConstruct, AppRun>();

function findingsFor(stack: TerraformStack, rules: readonly Rule[]): readonly Finding[] {
  const root = stack.node.root;
  const size = root.node.findAll().length;
  const cached = runs.get(root);
  if (cached && cached.size === size) return cached.findings;
  const findings = evaluateRules(buildAppView(stacksOf(stack), { handOffToSynth: true }), rules);
  runs.set(root, { size, findings });
  return findings;
}

/**
 * Applies the guardrail rules to one stack. Findings become error annotations, so `cdktf synth`
 * (and `app.synth()`) fail; suppressed findings and warnings are printed as warnings.
 * CDKTF never runs Aspects added to the App: attach one to every stack (see applyGuardrails).
 */
export class GuardrailsAspect implements IAspect {
  private readonly rules: readonly Rule[];
  private readonly suppressions: readonly PathSuppression[];
  private readonly annotated = new WeakSet<IConstruct>();

  constructor(options: GuardrailsOptions = {}) {
    this.rules = options.rules ?? ALL_RULES;
    this.suppressions = options.suppressions ?? [];
  }

  visit(node: IConstruct): void {
    // CDKTF forgets which Aspects ran between synth passes (synthOrExit runs them before
    // app.synth()): annotate each stack once.
    if (!TerraformStack.isStack(node) || this.annotated.has(node)) return;
    this.annotated.add(node);
    const stack = node;
    const stackName = stack.node.id;
    const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c] as const));
    const knownRules = new Set(this.rules.map((r) => r.id));
    const annotate = (path: string) => Annotations.of(byPath.get(path) ?? stack);

    // A suppression is only as good as its reason.
    for (const construct of byPath.values()) {
      for (const s of ownSuppressions(construct)) {
        const problem = suppressionProblem(s, knownRules);
        if (problem) Annotations.of(construct).addError(`[SUPPRESSION] ${construct.node.path}: ${problem}`);
      }
    }
    for (const s of this.suppressions) {
      if (!s.path.startsWith(`${stackName}/`) && s.path !== stackName) continue;
      const problem = suppressionProblem(s, knownRules);
      if (problem) Annotations.of(stack).addError(`[SUPPRESSION] ${s.path}: ${problem}`);
    }

    for (const finding of findingsFor(stack, this.rules)) {
      if (finding.resource.stack !== stackName) continue;
      const text = formatFinding(finding);
      const suppression = this.suppressionFor(finding, byPath);
      if (suppression) {
        annotate(finding.resource.path).addWarning(`suppressed: ${text} (reason: ${suppression.reason.trim()})`);
      } else if (finding.rule.severity === "warning") {
        annotate(finding.resource.path).addWarning(text);
      } else {
        annotate(finding.resource.path).addError(text);
      }
    }
  }

  private suppressionFor(finding: Finding, byPath: ReadonlyMap<string, IConstruct>): Suppression | undefined {
    const valid = (s: Suppression) => s.rule === finding.rule.id && suppressionProblem(s, new Set([s.rule])) === undefined;
    return (
      constructSuppressions(byPath, finding.resource.path).find(valid) ??
      this.suppressions.find((s) => valid(s) && pathMatches(s.path, finding.resource.path))
    );
  }
}

/** Attaches the guardrails to every stack of the app. */
export function applyGuardrails(stacks: readonly TerraformStack[], options: GuardrailsOptions = {}): void {
  const aspect = new GuardrailsAspect(options);
  for (const stack of stacks) Aspects.of(stack).add(aspect);
}
