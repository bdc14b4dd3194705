/**
 * CodeBuild facts shared by the runner module, the guardrails and the plan summary. Loads nothing,
 * so the plan summary reads them without the provider bindings.
 */

/** Source location of organisation-scoped runner webhooks (with the webhook's scope_configuration). */
export const ORGANIZATION_WEBHOOK_LOCATION = "CODEBUILD_DEFAULT_WEBHOOK_SOURCE_LOCATION";

/** Tag naming the person whose token a legacy-token runner uses (CB-003, CB-010, the plan summary). */
export const TOKEN_OWNER_TAG = "GitHubTokenOwner";
