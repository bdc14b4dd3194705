import { EVERY_BLOCK, type AppView, type Finding, type Rule } from "./types";

/** Runs every rule on the resources of its types: one pass, no rule sees a resource twice. */
export function evaluateRules(view: AppView, rules: readonly Rule[]): Finding[] {
  const byType = new Map<string, Rule[]>();
  for (const rule of rules) {
    for (const type of rule.resourceTypes) {
      const list = byType.get(type);
      if (list) list.push(rule);
      else byType.set(type, [rule]);
    }
  }
  const everyBlock = byType.get(EVERY_BLOCK) ?? [];
  const findings: Finding[] = [];
  const run = (rule: Rule, resource: (typeof view.resources)[number]) => {
    let result: ReturnType<Rule["check"]>;
    try {
      result = rule.check(resource, view);
    } catch (e) {
      // As cdk-nag reports a validation failure: a finding that names the rule, never a crash.
      findings.push({ rule: failedRule(rule), resource, message: `the rule failed on this resource (${describeError(e)})` });
      return;
    }
    if (result === undefined) return;
    for (const message of typeof result === "string" ? [result] : result) findings.push({ rule, resource, message });
  };
  for (const resource of view.resources) {
    for (const rule of byType.get(resource.type) ?? []) run(rule, resource);
    for (const rule of everyBlock) run(rule, resource);
  }
  for (const block of everyBlock.length > 0 ? view.blocks : []) {
    for (const rule of everyBlock) run(rule, block);
  }
  return findings;
}

/** `[RULE-ID] <construct path>: what is wrong; why it matters; how to fix it` */
export function formatFinding(f: Finding): string {
  return `[${f.rule.id}] ${f.resource.path}: ${f.message}; why: ${f.rule.why}; fix: ${f.rule.fix}`;
}

/** The rule as reported when it throws: always an error, since the resource went unchecked. */
function failedRule(rule: Rule): Rule {
  return {
    ...rule,
    severity: "error",
    why: `a rule that cannot finish has not checked this resource (${rule.title})`,
    fix: "if the resource was added or changed by hand, check its shape against the rule's source; otherwise report the failure with this message",
    check: () => undefined,
  };
}

function describeError(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.split("\n")[0].slice(0, 300);
}
