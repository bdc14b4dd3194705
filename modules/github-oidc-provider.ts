import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";
import { OIDC_URL, STS_AUDIENCE } from "../domain/oidc";
import { terraformLiterals } from "./terraform-text";

export interface GithubOidcProviderProps {
  /**
   * Tags for the provider.
   * @default - none besides the provider's default tags
   */
  readonly tags?: Record<string, string>;
}

/**
 * The account's IAM OIDC provider for GitHub Actions tokens. One per account (a second create
 * fails with EntityAlreadyExists): stacks that find one already there reference its ARN instead.
 * No thumbprints: AWS verifies GitHub's certificate against its own CA store since 2023.
 */
export class GithubOidcProvider extends Construct {
  readonly resource: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps = {}) {
    super(scope, id);
    this.resource = new IamOpenidConnectProvider(this, "Resource", terraformLiterals({
      url: OIDC_URL,
      clientIdList: [STS_AUDIENCE],
      tags: props.tags,
      // Every deploy role in the account trusts it: destroying it breaks them all at once.
      lifecycle: { preventDestroy: true },
    }));
  }
}
