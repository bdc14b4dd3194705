import { OIDC_HOST, OIDC_URL, STS_AUDIENCE } from "../../../domain/oidc";
import { asArray } from "../../support";
import type { Rule } from "../../types";

export const OIDC_001: Rule = {
  id: "OIDC-001",
  title: "The GitHub OIDC provider has GitHub's issuer URL and exactly the STS audience",
  why: "AWS matches tokens by issuer and audience: another client id (e.g. https://github.com/<org>) makes every AssumeRoleWithWebIdentity fail, and extra audiences accept tokens minted for other services",
  fix: "let the template create the provider (remove client_id_list/url overrides), or reference the account's existing one with oidcProvider.existingArn",
  source: "GitHub docs: Configuring OpenID Connect in AWS; AWS IAM: Create an OIDC identity provider",
  resourceTypes: ["aws_iam_openid_connect_provider"],
  check(resource) {
    const url = String(resource.config.url ?? "");
    if (!url.includes(OIDC_HOST)) return undefined;
    const problems: string[] = [];
    if (url !== OIDC_URL) problems.push(`url is "${url}", expected exactly "${OIDC_URL}"`);
    const clients = asArray(resource.config.client_id_list).map(String);
    if (clients.length !== 1 || clients[0] !== STS_AUDIENCE) {
      problems.push(`client_id_list is ${JSON.stringify(clients)}, expected exactly ["${STS_AUDIENCE}"]`);
    }
    return problems;
  },
};
