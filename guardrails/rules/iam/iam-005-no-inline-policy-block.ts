import { asArray } from "../../support";
import type { Rule } from "../../types";

export const IAM_005: Rule = {
  id: "IAM-005",
  title: "Inline policies as aws_iam_role_policy resources, never the inline_policy block",
  why:
    "The inline_policy block of aws_iam_role is deprecated in the AWS provider, and checkov's policy checks do not read it: a wildcard written there passes every scanner.",
  fix: "Move each inline_policy block of the role into its own aws_iam_role_policy resource (the template's modules already do).",
  source: "Terraform AWS provider docs: aws_iam_role inline_policy (deprecated); checkov policy checks cover aws_iam_role_policy only",
  resourceTypes: ["aws_iam_role"],
  check(resource) {
    const blocks = asArray<Record<string, unknown>>(resource.config.inline_policy);
    if (blocks.length === 0) return undefined;
    const names = blocks.map((b) => String(b?.name ?? ""));
    return `role "${String(resource.config.name ?? resource.name)}" has an inline_policy block${names.some((n) => n) ? ` (${names.map((n) => `"${n}"`).join(", ")})` : ""}`;
  },
};
