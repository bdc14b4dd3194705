import { GithubOidcProvider } from "../../modules/github-oidc-provider";
import { onlyResource, synthJson } from "../helpers/synth";

describe("GithubOidcProvider", () => {
  test("GitHub's issuer with the STS audience, no thumbprints, protected from destroy", () => {
    // GIVEN / WHEN
    const json = synthJson((scope) => new GithubOidcProvider(scope, "oidc"));
    // THEN
    const provider = onlyResource(json, "aws_iam_openid_connect_provider");
    expect(provider.url).toBe("https://token.actions.githubusercontent.com");
    expect(provider.client_id_list).toEqual(["sts.amazonaws.com"]);
    expect(provider.thumbprint_list).toBeUndefined();
    expect(provider.lifecycle).toEqual({ prevent_destroy: true });
  });
});
