import { OIDC_HOST } from "../../../domain/oidc";
import type { AppView, Rule, SynthResource } from "../../types";

/** Account a stack's aws provider is pinned to, or the stack itself when unknown. */
function accountOf(app: AppView, resource: SynthResource): string {
  const ids = app.provider(resource.stack, "aws")[0]?.allowed_account_ids;
  return Array.isArray(ids) && ids.length === 1 ? String(ids[0]) : `stack ${resource.stack}`;
}

export const OIDC_002: Rule = {
  id: "OIDC-002",
  title: "One GitHub OIDC provider per AWS account, owned by exactly one stack",
  why: "an account holds one provider per URL: the second create fails with EntityAlreadyExists, and two stacks owning it means destroying one breaks every role",
  fix: "create it in one stack and set oidcProvider.existingArn everywhere else",
  source: "AWS IAM API CreateOpenIDConnectProvider (EntityAlreadyExists)",
  resourceTypes: ["aws_iam_openid_connect_provider"],
  check(resource, app) {
    if (!String(resource.config.url ?? "").includes(OIDC_HOST)) return undefined;
    const account = accountOf(app, resource);
    const same = app
      .ofType("aws_iam_openid_connect_provider")
      .filter((p) => String(p.config.url ?? "").includes(OIDC_HOST) && accountOf(app, p) === account);
    if (same.length < 2 || same[0] === resource) return undefined;
    return `a GitHub OIDC provider for ${account} is already created at ${same[0].path}`;
  },
};
