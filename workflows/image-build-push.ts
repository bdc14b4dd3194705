/**
 * The `image-build-push` workflow: build a Docker image and push it to one ECR repository, on a
 * GitHub-hosted runner or on this template's CodeBuild runner. Either way the job assumes a deploy
 * role through OIDC: the trust policy, not the runner, decides which branches, tags and
 * environments get AWS permissions (a CodeBuild runner's service role holds none for jobs).
 */
import { runnerLabel } from "../config/derive";
import { pinned } from "./action-pins";
import type { JobPermissions, Step, Workflow } from "./model";

export interface ImageBuildPushProps {
  /** Display name in the Actions tab. */
  readonly name: string;
  /** Pushes of these branches and tags (names or glob patterns) run the workflow; at least one. */
  readonly triggers: { readonly branches: readonly string[]; readonly tags: readonly string[] };
  /**
   * Where the job runs. On either kind it assumes the role in `roleArnVariable` through OIDC:
   * self-hosted runners receive OIDC tokens like GitHub-hosted ones.
   */
  readonly runner:
    | {
        readonly kind: "github-hosted";
        /** Runner label, e.g. `ubuntu-24.04`. */
        readonly label: string;
        /** Actions variable holding the ARN of the role to assume through OIDC. */
        readonly roleArnVariable: string;
      }
    | {
        readonly kind: "codebuild";
        /** CodeBuild project that acts as the runner. */
        readonly projectName: string;
        /** Actions variable holding the ARN of the role to assume through OIDC. */
        readonly roleArnVariable: string;
      };
  /** Job environment; the OIDC subject then becomes `environment:<name>`. */
  readonly environment?: string;
  /** Actions variable holding the ECR repository name. */
  readonly ecrRepositoryVariable: string;
  /** Actions variable holding the AWS region (AWS_REGION). */
  readonly regionVariable: string;
  /** Path of the Dockerfile, relative to the repository root. */
  readonly dockerfile: string;
  /** Build context directory, relative to the repository root. */
  readonly context: string;
}

const IMAGE_BUILD_PUSH_JOB_ID = "build-and-push";

/** Generous for a docker build and push; a hung build then fails instead of holding a runner for 6 h. */
const IMAGE_BUILD_PUSH_TIMEOUT_MINUTES = 30;

/**
 * ECR tags are immutable (ECR-001), so every run must push a tag no earlier run used: the git tag
 * for tag pushes, the commit SHA otherwise.
 */
const IMAGE_TAG_EXPRESSION = "${{ github.ref_type == 'tag' && github.ref_name || github.sha }}";

// Plain docker CLI; every value arrives through env and is used quoted (WF-003). A git tag may hold
// characters a Docker tag cannot ('/', '+'), so say so instead of failing inside docker build.
const BUILD_AND_PUSH_SCRIPT = [
  'image="$REGISTRY/$REPOSITORY:$IMAGE_TAG"',
  'if [[ ! "$IMAGE_TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then',
  '  echo "The git ref name is not a valid Docker image tag (letters, digits, _ . -; at most 128)." >&2',
  "  exit 1",
  "fi",
  'docker build --file "$DOCKERFILE" --tag "$image" "$BUILD_CONTEXT"',
  'docker push "$image"',
  'echo "Pushed $image" >> "$GITHUB_STEP_SUMMARY"',
  "",
].join("\n");

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function imageBuildPushWorkflow(props: ImageBuildPushProps): Workflow {
  validate(props);
  const vars = (name: string) => `\${{ vars.${name} }}`;
  // id-token: the OIDC token to assume the role with.
  const permissions: JobPermissions = { contents: "read", "id-token": "write" };

  const steps: Step[] = [
    {
      name: "Check out",
      uses: pinned("actions/checkout"),
      // The job never pushes to git: keep the token out of .git/config, where the build could read it.
      with: { "persist-credentials": false },
    },
  ];
  steps.push(
    {
      name: "Assume the deploy role",
      uses: pinned("aws-actions/configure-aws-credentials"),
      // No audience: the default sts.amazonaws.com is what the OIDC provider and trust policy expect.
      // On a CodeBuild runner the role's keys, set in the environment, take precedence over the
      // service role's container credentials for every later step.
      with: { "role-to-assume": vars(props.runner.roleArnVariable), "aws-region": vars(props.regionVariable) },
    },
    {
      name: "Log in to Amazon ECR",
      id: "ecr",
      uses: pinned("aws-actions/amazon-ecr-login"),
      // configure-aws-credentials has set AWS_REGION for later steps.
    },
    {
      name: "Build and push the image",
      env: {
        REGISTRY: "${{ steps.ecr.outputs.registry }}",
        REPOSITORY: vars(props.ecrRepositoryVariable),
        IMAGE_TAG: IMAGE_TAG_EXPRESSION,
        DOCKERFILE: props.dockerfile,
        BUILD_CONTEXT: props.context,
      },
      shell: "bash",
      run: BUILD_AND_PUSH_SCRIPT,
    },
  );

  return {
    name: props.name,
    on: { push: { branches: props.triggers.branches, tags: props.triggers.tags } },
    permissions: {},
    // One run per ref at a time. Not cancel-in-progress: a cancelled run would leave its commit or
    // release tag without an image for good, since a later run pushes a different tag.
    concurrency: { group: "${{ github.workflow }}-${{ github.ref }}", cancelInProgress: false },
    jobs: {
      [IMAGE_BUILD_PUSH_JOB_ID]: {
        name: "Build and push image",
        runsOn: props.runner.kind === "github-hosted" ? props.runner.label : runnerLabel(props.runner.projectName),
        ...(props.environment !== undefined ? { environment: props.environment } : {}),
        permissions,
        timeoutMinutes: IMAGE_BUILD_PUSH_TIMEOUT_MINUTES,
        steps,
      },
    },
  };
}

function validate(props: ImageBuildPushProps): void {
  const variables = [props.ecrRepositoryVariable, props.regionVariable, props.runner.roleArnVariable];
  for (const v of variables) {
    if (!VARIABLE_NAME.test(v)) throw new Error(`image-build-push "${props.name}": ${JSON.stringify(v)} is not an Actions variable name`);
  }
  // Literal values only: an expression here would be evaluated by GitHub.
  for (const [key, value] of Object.entries({ dockerfile: props.dockerfile, context: props.context, environment: props.environment })) {
    if (value !== undefined && value.includes("${{")) {
      throw new Error(`image-build-push "${props.name}": ${key} must not contain \${{ }} expressions`);
    }
  }
  if (props.triggers.branches.length === 0 && props.triggers.tags.length === 0) {
    throw new Error(`image-build-push "${props.name}": list at least one branch or tag to trigger on`);
  }
}
