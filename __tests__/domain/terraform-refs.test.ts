/** domain/terraform-refs.ts: a trust policy's reference to the stack's own OIDC provider. */
import { isOidcProviderReference, resolveOidcProviderReferences } from "../../domain/terraform-refs";

const ARN = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";

test("a reference to an aws_iam_openid_connect_provider is recognised, nothing else", () => {
  expect(isOidcProviderReference("${aws_iam_openid_connect_provider.github.arn}")).toBe(true);
  expect(isOidcProviderReference("${aws_iam_role.deploy.arn}")).toBe(false);
  expect(isOidcProviderReference(ARN)).toBe(false);
});

test("every provider ARN reference is replaced by the ARN; other references stay", () => {
  const text = '{"a":"${aws_iam_openid_connect_provider.github.arn}","b":"${aws_iam_openid_connect_provider.other_1.arn}","c":"${aws_iam_role.x.arn}","d":"${aws_iam_openid_connect_provider.github.url}"}';
  expect(resolveOidcProviderReferences(text, ARN)).toBe(
    `{"a":"${ARN}","b":"${ARN}","c":"\${aws_iam_role.x.arn}","d":"\${aws_iam_openid_connect_provider.github.url}"}`,
  );
});

test("the replacement is taken literally (no $& patterns)", () => {
  expect(resolveOidcProviderReferences("${aws_iam_openid_connect_provider.g.arn}", "a$&b")).toBe("a$&b");
});
