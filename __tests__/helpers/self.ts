/**
 * The example config with the template's own CI identity switched on (`self` needs a shared state
 * backend), as the README's bootstrap section describes it.
 */
export const SELF_REPOSITORY = "platform-infra";

export function withSelf(doc: any, self: Record<string, unknown> = {}): void {
  doc.aws.stateBackend = { bucket: "my-org-terraform-state", keyPrefix: "github-actions-platform" };
  doc.self = {
    repository: SELF_REPOSITORY,
    reviewers: { users: [1234567] },
    planApp: { appId: 111111, installationId: 22222222 },
    deployApp: { appId: 333333, installationId: 44444444 },
    ...self,
  };
}
