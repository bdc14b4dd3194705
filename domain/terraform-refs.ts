/**
 * Terraform references the template's readers recognise in synthesized text. A trust policy may
 * name the stack's own OIDC provider as `${aws_iam_openid_connect_provider.<name>.arn}` before
 * apply; the guardrails and `diagnose` treat it as the provider's ARN.
 */

const OIDC_PROVIDER_TYPE = "aws_iam_openid_connect_provider";
const OIDC_PROVIDER_PREFIX = `\${${OIDC_PROVIDER_TYPE}.`;
const OIDC_PROVIDER_ARN_REFERENCE = new RegExp(`\\$\\{${OIDC_PROVIDER_TYPE}\\.[^}]+\\.arn\\}`, "g");

/** Does this value start with a reference to an aws_iam_openid_connect_provider? */
export function isOidcProviderReference(value: string): boolean {
  return value.startsWith(OIDC_PROVIDER_PREFIX);
}

/** The text with every `${aws_iam_openid_connect_provider.<name>.arn}` replaced by the ARN. */
export function resolveOidcProviderReferences(text: string, providerArn: string): string {
  // A function replacement: `$` in the replacement string would be read as a pattern.
  return text.replace(OIDC_PROVIDER_ARN_REFERENCE, () => providerArn);
}
