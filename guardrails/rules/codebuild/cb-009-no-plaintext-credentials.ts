import type { Rule } from "../../types";
import { block, blocks } from "./projects";

const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIALS?)(_|$)/i;
/** Values that name a resource rather than hold a secret: an ARN, or a reference to an ARN, id or name. */
const IDENTIFIER = /^arn:|\.(arn|id|name)\}$/;
const SECRET_VALUE = /(AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|-----BEGIN/;

export const CB_009: Rule = {
  id: "CB-009",
  title: "No plaintext credentials in CodeBuild environment variables",
  why: "PLAINTEXT environment variables are stored in the project definition: anyone with codebuild:BatchGetProjects, the console or the Terraform state reads them.",
  fix: "Store the secret in Secrets Manager or Parameter Store and reference it with type SECRETS_MANAGER / PARAMETER_STORE; better, let the job assume a role through OIDC instead of holding a key.",
  source: "AWS Security Hub CodeBuild.2 (no clear text credentials in environment variables)",
  resourceTypes: ["aws_codebuild_project"],
  check(resource) {
    const problems: string[] = [];
    for (const v of blocks(block(resource.config.environment)?.environment_variable)) {
      if ((v.type ?? "PLAINTEXT") !== "PLAINTEXT") continue;
      const name = String(v.name ?? "");
      const value = typeof v.value === "string" ? v.value : "";
      if (SECRET_VALUE.test(value)) problems.push(`environment variable "${name}" holds a plaintext value that looks like a credential`);
      else if (SECRET_NAME.test(name) && !IDENTIFIER.test(value)) problems.push(`environment variable "${name}" is PLAINTEXT but its name says it holds a secret`);
    }
    return problems.length > 0 ? problems : undefined;
  },
};
