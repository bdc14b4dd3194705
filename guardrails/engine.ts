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
    const result = rule.check(resource, view);
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
