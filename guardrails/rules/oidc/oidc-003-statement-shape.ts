import { isOidcProviderArn } from "../../../domain/arn";
import { OIDC_HOST, WEB_IDENTITY_ACTION } from "../../../domain/oidc";
import { isOidcProviderReference } from "../../../domain/terraform-refs";
import { asArray, trustStatements } from "../../support";
import type { Rule } from "../../types";
import { isGithubStatement, label } from "./github-trust";

export const OIDC_003: Rule = {
  id: "OIDC-003",
  title: "GitHub trust statements allow exactly sts:AssumeRoleWithWebIdentity for the OIDC provider",
  why: "NotAction, NotPrincipal or a '*' principal grant far more than web identity federation: any AWS principal, or any action, could then use the role",
  fix: "let the DeployRole module write the trust policy (Effect Allow, Principal.Federated = the provider, Action sts:AssumeRoleWithWebIdentity)",
  source: "AWS IAM: Creating a role for web identity or OIDC federation; GitHub OIDC hardening guide",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    const problems: string[] = [];
    trustStatements(role).forEach((s, i) => {
      const principal = s.Principal as any;
      if (principal === "*" || asArray(principal?.AWS).includes("*")) {
        problems.push(`${label(s, i)} trusts Principal ${JSON.stringify(principal)}: anyone`);
      }
      if (!isGithubStatement(s)) return;
      if (s.Effect !== "Allow") problems.push(`${label(s, i)} has Effect ${JSON.stringify(s.Effect)}, expected "Allow"`);
      if (s.NotAction !== undefined) problems.push(`${label(s, i)} uses NotAction`);
      if (s.NotPrincipal !== undefined) problems.push(`${label(s, i)} uses NotPrincipal`);
      const actions = asArray(s.Action);
      if (actions.length !== 1 || actions[0] !== WEB_IDENTITY_ACTION) {
        problems.push(`${label(s, i)} allows ${JSON.stringify(s.Action)}, expected exactly "${WEB_IDENTITY_ACTION}"`);
      }
      const federated = asArray(principal?.Federated).map(String);
      const ok = federated.length === 1 && (isOidcProviderArn(federated[0]) || isOidcProviderReference(federated[0]));
      if (!ok) problems.push(`${label(s, i)} has Principal.Federated ${JSON.stringify(federated)}, expected the ${OIDC_HOST} provider ARN`);
    });
    return problems;
  },
};
