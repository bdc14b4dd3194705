import { parseJsonDocument } from "../../../iam/parse";
import type { AppView, Rule, SynthResource } from "../../types";

interface LifecycleRule {
  rulePriority?: unknown;
  selection?: { tagStatus?: unknown };
  action?: { type?: unknown };
}

/**
 * The lifecycle policies of the repository's stack that reference it or name it. Indexed once per
 * synth: scanning every policy for every repository grew with the square of the repositories.
 */
function lifecyclePoliciesOf(app: AppView, repository: SynthResource): readonly SynthResource[] {
  const byRepository = app.memo("ECR-005/policies-by-repository", () => {
    // Per stack, by the value of `name` (compared as ===, like config.repository === name).
    const byName = new Map<string, Map<unknown, SynthResource[]>>();
    for (const r of app.ofType("aws_ecr_repository")) {
      const ofStack = byName.get(r.stack) ?? new Map<unknown, SynthResource[]>();
      byName.set(r.stack, ofStack);
      ofStack.set(r.config.name, [...(ofStack.get(r.config.name) ?? []), r]);
    }
    const map = new Map<SynthResource, SynthResource[]>();
    for (const p of app.ofType("aws_ecr_lifecycle_policy")) {
      const referenced = app.referenced(p, p.config.repository);
      const named = byName.get(p.stack)?.get(p.config.repository) ?? [];
      for (const r of new Set([...(referenced?.type === "aws_ecr_repository" ? [referenced] : []), ...named])) {
        map.set(r, [...(map.get(r) ?? []), p]);
      }
    }
    return map;
  });
  return byRepository.get(repository) ?? [];
}

/** The rules of a lifecycle policy (plain JSON or `${jsonencode(...)}`), or undefined when unreadable. */
function rulesOf(policy: unknown): LifecycleRule[] | undefined {
  if (typeof policy !== "string") return undefined;
  const read = parseJsonDocument(policy);
  const rules = "value" in read ? (read.value as { rules?: unknown } | null)?.rules : undefined;
  return Array.isArray(rules) ? rules.filter((r: unknown): r is LifecycleRule => typeof r === "object" && r !== null) : undefined;
}

function ruleProblems(rules: LifecycleRule[]): string[] {
  const problems: string[] = [];
  if (rules.length === 0) return ["the lifecycle policy has no rules"];
  const priorities = rules.map((r) => r.rulePriority);
  for (const p of new Set(priorities)) {
    const n = priorities.filter((x) => x === p).length;
    if (n > 1) problems.push(`rulePriority ${JSON.stringify(p)} is used by ${n} rules`);
  }
  if (!rules.some((r) => r.selection?.tagStatus === "untagged" && r.action?.type === "expire")) {
    problems.push('no rule expires untagged images (selection.tagStatus "untagged", action.type "expire")');
  }
  const any = rules.filter((r) => r.selection?.tagStatus === "any");
  if (any.length > 1) problems.push(`${any.length} rules have tagStatus "any" (at most one may)`);
  const numeric = priorities.filter((p): p is number => typeof p === "number");
  const highest = Math.max(...numeric);
  for (const r of numeric.length > 0 ? any : []) {
    if (r.rulePriority !== highest) problems.push(`the tagStatus "any" rule has rulePriority ${JSON.stringify(r.rulePriority)}, but ${highest} is higher`);
  }
  return problems;
}

export const ECR_005: Rule = {
  id: "ECR-005",
  title: "Every ECR repository has a valid lifecycle policy that expires untagged images",
  why:
    'Without one, untagged layers from re-pushed tags and failed builds pile up and are billed forever; ECR rejects a policy whose priorities repeat or whose tagStatus "any" rule does not have the highest rulePriority ("must have the highest value for rulePriority and be evaluated last").',
  fix: "Set lifecycle.untaggedExpireDays (and keepLastImages) on the repository in platform.yaml; the template writes the aws_ecr_lifecycle_policy.",
  source: "AWS ECR user guide: lifecycle policies and lifecycle policy properties (rulePriority, tagStatus)",
  resourceTypes: ["aws_ecr_repository"],
  check(resource, app) {
    const policies = lifecyclePoliciesOf(app, resource);
    const name = String(resource.config.name ?? resource.name);
    if (policies.length === 0) return `no aws_ecr_lifecycle_policy references repository "${name}"`;
    if (policies.length > 1) return `${policies.length} aws_ecr_lifecycle_policy resources reference repository "${name}" (each apply overwrites the other)`;
    const rules = rulesOf(policies[0].config.policy);
    if (rules === undefined) return `the lifecycle policy of "${name}" does not parse as a document with a "rules" list`;
    const problems = ruleProblems(rules).map((p) => `lifecycle policy of "${name}": ${p}`);
    return problems.length > 0 ? problems : undefined;
  },
};
