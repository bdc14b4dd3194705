import type { Rule } from "../../types";
import { block, blocks } from "./projects";

export const CB_008: Rule = {
  id: "CB-008",
  title: "CodeBuild artifacts are not encryption-disabled",
  why: "Artifacts with encryption_disabled are written to S3 in the clear: build outputs, and whatever secrets leaked into them, readable by anyone with read access to the bucket.",
  fix: "Remove encryption_disabled from artifacts and secondary_artifacts (runners use NO_ARTIFACTS).",
  source: "checkov CKV_AWS_78",
  resourceTypes: ["aws_codebuild_project"],
  check(resource) {
    const disabled = (a: Record<string, any> | undefined) => a?.encryption_disabled === true || a?.encryption_disabled === "true";
    const problems: string[] = [];
    if (disabled(block(resource.config.artifacts))) problems.push("artifacts.encryption_disabled is true");
    for (const a of blocks(resource.config.secondary_artifacts).filter(disabled)) {
      problems.push(`secondary_artifacts "${String(a.artifact_identifier ?? "")}" has encryption_disabled = true`);
    }
    return problems.length > 0 ? problems : undefined;
  },
};
