import { imageBuildPushWorkflow } from "../../workflows/image-build-push";
import { renderWorkflow } from "../../workflows/render";

const common = { ecrRepositoryVariable: "ECR_REPOSITORY_APP", regionVariable: "AWS_REGION", dockerfile: "Dockerfile", context: "." };

/** A generated workflow on a GitHub-hosted runner: assumes a role through OIDC. */
export const GITHUB_HOSTED_YAML = renderWorkflow(
  imageBuildPushWorkflow({
    ...common,
    name: "Build and push app",
    triggers: { branches: ["main"], tags: [] },
    runner: { kind: "github-hosted", label: "ubuntu-24.04", roleArnVariable: "AWS_ROLE_ARN_APP_PUSH" },
  }),
  { source: "platform.yaml" },
);

/** A generated workflow on the CodeBuild runner: assumes a role through OIDC too. */
export const CODEBUILD_YAML = renderWorkflow(
  imageBuildPushWorkflow({ ...common, name: "Build on CodeBuild", triggers: { branches: [], tags: ["v*"] }, runner: { kind: "codebuild", projectName: "app-runner", roleArnVariable: "AWS_ROLE_ARN_APP_RELEASE_PUSH" } }),
  { source: "platform.yaml" },
);
