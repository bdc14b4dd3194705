/**
 * Makes a synthesized AWS stack plannable offline against a local provider mirror: the mirror may
 * hold another major version than the pinned one (the resources used exist in both), the state is
 * a local file, and no account or credential can be looked up.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function offlineAwsStack(json: any, statePath: string): void {
  json.terraform.required_providers.aws = { source: "hashicorp/aws", version: ">= 5.70" };
  json.terraform.backend = { local: { path: statePath } };
  const provider = json.provider.aws[0];
  delete provider.allowed_account_ids; // needs a real account lookup
  Object.assign(provider, {
    access_key: "mock",
    secret_key: "mock",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
  });
}
