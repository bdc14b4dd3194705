import { parseEcrRepositoryArn } from "../../../domain/arn";
import type { Rule } from "../../types";
import { actionsOf, allowStatements, isBoundaryOnly, POLICY_RESOURCE_TYPES, resourcesOf, serviceOf, stackAwsScope } from "./policies";

/** What a job that pushes images needs (IAM-003), and what a build pulling cached layers adds. */
const ALLOWED_ECR_ACTIONS = new Set(
  [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
  ].map((a) => a.toLowerCase()),
);

/** Named in the message: these delete images or loosen the repository's own protections. */
const DESTRUCTIVE = /^ecr:(BatchDeleteImage|SetRepositoryPolicy|PutImageTagMutability|PutLifecyclePolicy|Delete.*)$/i;

export const IAM_003: Rule = {
  id: "IAM-003",
  title: "ECR permissions: exactly the push set, on repositories of this stack",
  why:
    "A job that can delete images, move tags or rewrite the repository or lifecycle policy can destroy or replace what other environments deploy; a grant on a repository this stack does not create reaches images no one here reviews.",
  fix:
    "Use deployRoles[].ecrPush (and ecrPull for cached layers) in platform.yaml naming ecrRepositories of the same config; do not add other ECR actions by hand.",
  source: "AWS ECR user guide: pushing an image (required IAM permissions); GitHub docs: configuring OpenID Connect in AWS",
  resourceTypes: POLICY_RESOURCE_TYPES,
  check(resource, app) {
    // A boundary only caps what roles may do: it grants nothing this rule is about.
    if (isBoundaryOnly(app, resource)) return undefined;
    // Once per stack, not per policy (that grew with the square of the repositories).
    const repositoryNames = app.memo(
      `IAM-003/repository-names:${resource.stack}`,
      () =>
        new Set(
          app
            .ofType("aws_ecr_repository")
            .filter((r) => r.stack === resource.stack)
            .map((r) => r.config.name),
        ),
    );
    const { regions, accounts } = stackAwsScope(app.provider(resource.stack, "aws"));
    const problems: string[] = [];
    for (const { label, statement } of allowStatements(resource)) {
      const ecrActions = actionsOf(statement).filter((a) => serviceOf(a) === "ecr");
      for (const action of ecrActions) {
        if (ALLOWED_ECR_ACTIONS.has(action.toLowerCase())) continue;
        problems.push(
          DESTRUCTIVE.test(action)
            ? `${label} allows the destructive ECR action "${action}"`
            : `${label} allows "${action}", which is not in the ECR push set`,
        );
      }
      // Everything but GetAuthorizationToken is scoped to repositories (Resource "*" is IAM-002's).
      if (!ecrActions.some((a) => a.toLowerCase() !== "ecr:getauthorizationtoken")) continue;
      for (const arn of resourcesOf(statement)) {
        if (arn === "*") continue;
        const target = app.referenced(resource, arn);
        if (target !== undefined) {
          if (target.type !== "aws_ecr_repository") problems.push(`${label} grants ECR actions on "${arn}", which is not an ECR repository`);
          continue;
        }
        const repository = parseEcrRepositoryArn(arn);
        if (!repository || repository.region === "" || repository.accountId === "") {
          problems.push(`${label} grants ECR actions on "${arn}", which is not an ECR repository ARN`);
        } else if (!repositoryNames.has(repository.name)) {
          problems.push(`${label} grants ECR actions on "${arn}": no aws_ecr_repository named "${repository.name}" in this stack`);
        } else if ((regions.size > 0 && !regions.has(repository.region)) || (accounts.size > 0 && !accounts.has(repository.accountId))) {
          problems.push(`${label} grants ECR actions on "${arn}", outside this stack's account and region`);
        }
      }
    }
    return problems.length > 0 ? problems : undefined;
  },
};
