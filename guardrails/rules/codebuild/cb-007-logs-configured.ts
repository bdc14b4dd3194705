import type { Rule } from "../../types";
import { block } from "./projects";

export const CB_007: Rule = {
  id: "CB-007",
  title: "CodeBuild projects keep build logs (CloudWatch or S3, S3 logs encrypted)",
  why: "Runner builds are where workflow steps run with the service role: without logs nothing shows afterwards what a job did, and unencrypted S3 logs expose whatever the steps printed.",
  fix: "Keep the template's logs_config (CloudWatch, /aws/codebuild/<project>, retention runner.logRetentionDays); S3 logs only with encryption.",
  source: "checkov CKV_AWS_314, CKV_AWS_311; AWS Security Hub CodeBuild.3, CodeBuild.4",
  resourceTypes: ["aws_codebuild_project"],
  check(resource) {
    const logs = block(resource.config.logs_config);
    const cloudwatch = block(logs?.cloudwatch_logs);
    const s3 = block(logs?.s3_logs);
    // Provider defaults: CloudWatch ENABLED, S3 DISABLED.
    const cloudwatchOn = cloudwatch?.status !== "DISABLED";
    const s3On = s3?.status === "ENABLED";
    const problems: string[] = [];
    if (!cloudwatchOn && !s3On) problems.push(`logs_config.cloudwatch_logs.status is "DISABLED" and s3_logs.status is ${JSON.stringify(s3?.status ?? "not set")}: no build logs`);
    if (s3On && (s3?.encryption_disabled === true || s3?.encryption_disabled === "true")) problems.push("logs_config.s3_logs.encryption_disabled is true");
    return problems.length > 0 ? problems : undefined;
  },
};
