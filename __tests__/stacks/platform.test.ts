/**
 * Layer 3: the example config synthesizes the expected wiring across resources and across the
 * two stacks, which share no state: every name or ARN one side uses must be what the other creates.
 */
import { EXAMPLE_TEXT } from "../helpers/example";
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { runGuardrails } from "../../guardrails/report";
import { parsePolicy } from "../../iam/parse";
import { buildGuardedPlatform } from "../helpers/platform";
import { unescapeFromTerraform } from "../../workflows/render";
import { onlyResource, resourcesOf, synthStack, testApp, type Synthesized } from "../helpers/synth";

const EXAMPLE = EXAMPLE_TEXT;

function synthConfig(text: string = EXAMPLE) {
  const platform = buildGuardedPlatform(testApp(), parseConfig(text));
  return { platform, aws: synthStack(platform.aws), github: synthStack(platform.github) };
}

/** The example with a YAML edit applied to its parsed form. */
function variant(edit: (doc: any) => void): string {
  const doc = parse(EXAMPLE);
  edit(doc);
  return JSON.stringify(doc);
}

function workflows(github: Synthesized): Map<string, any> {
  return new Map(
    resourcesOf(github, "github_repository_file").map((f) => [f.file as string, parse(unescapeFromTerraform(f.content))]),
  );
}

function variables(github: Synthesized): Map<string, string> {
  return new Map(resourcesOf(github, "github_actions_variable").map((v) => [v.variable_name as string, v.value as string]));
}

describe("the example platform.yaml", () => {
  const { platform, aws, github } = synthConfig();

  test("splits into an AWS stack per account and region and a GitHub stack per owner", () => {
    expect(platform.aws.node.id).toBe("aws-000123456789-ap-northeast-1");
    expect(platform.github.node.id).toBe("github-test-user");
  });

  test("the AWS stack holds every resource kind the template manages", () => {
    expect(Object.keys(aws.resource ?? {}).sort()).toEqual([
      "aws_cloudwatch_log_group",
      "aws_codebuild_project",
      "aws_codebuild_webhook",
      "aws_codeconnections_connection",
      "aws_ecr_lifecycle_policy",
      "aws_ecr_repository",
      "aws_iam_openid_connect_provider",
      "aws_iam_policy",
      "aws_iam_role",
      "aws_iam_role_policies_exclusive",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachments_exclusive",
    ]);
  });

  test("the GitHub stack holds collaborators, variables and the workflow files", () => {
    expect(Object.keys(github.resource ?? {}).sort()).toEqual([
      "github_actions_variable",
      "github_repository_collaborators",
      "github_repository_file",
    ]);
    expect(onlyResource(github, "github_repository_collaborators").user).toEqual([
      { username: "alice", permission: "admin" },
      { username: "bob", permission: "push" },
      { username: "carol", permission: "pull" },
    ]);
  });

  test("providers carry no credentials; the AWS one refuses other accounts; the GitHub owner is explicit", () => {
    expect(aws.provider?.aws).toEqual([
      expect.objectContaining({ region: "ap-northeast-1", allowed_account_ids: ["000123456789"] }),
    ]);
    expect(github.provider?.github).toEqual([{ owner: "Test-User" }]);
    for (const p of [...(aws.provider?.aws ?? []), ...(github.provider?.github ?? [])]) {
      expect(Object.keys(p)).not.toEqual(expect.arrayContaining(["token"]));
      expect(Object.keys(p)).not.toContain("access_key");
      expect(Object.keys(p)).not.toContain("secret_key");
    }
  });

  test("the deploy role trusts exactly pushes to main of Test-User/techblue-dev (seed 001)", () => {
    const role = resourcesOf(aws, "aws_iam_role").find((r) => r.name === "techblue-dev-ecr-push")!;
    const [statement] = JSON.parse(role.assume_role_policy).Statement;
    expect(statement.Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:Test-User/techblue-dev:ref:refs/heads/main",
    ]);
    expect(statement.Principal.Federated).toBe("arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com");
    // The role waits for the provider and the boundary it names by ARN (no reference, so no implicit ordering).
    expect(role.depends_on).toEqual([expect.stringMatching(/^aws_iam_openid_connect_provider\./), expect.stringMatching(/^aws_iam_policy\.PermissionsBoundary/)]);
  });

  test("every role lives under the template's IAM path and carries the stack's boundary", () => {
    const boundary = onlyResource(aws, "aws_iam_policy");
    expect(boundary).toEqual(expect.objectContaining({ name: "github-actions-platform-boundary", path: "/github-actions-platform/" }));
    const roles = resourcesOf(aws, "aws_iam_role");
    expect(roles.map((r) => r.name).sort()).toEqual(["codebuild-techblue-dev-runner", "techblue-dev-ecr-push", "techblue-dev-release-push"]);
    for (const r of roles) {
      expect(r.path).toBe("/github-actions-platform/");
      expect(r.permissions_boundary).toBe("arn:aws:iam::000123456789:policy/github-actions-platform/github-actions-platform-boundary");
    }
  });

  test("the variables the GitHub side sets name what the AWS side creates", () => {
    const vars = variables(github);
    const role = resourcesOf(aws, "aws_iam_role").find((r) => r.name === "techblue-dev-ecr-push")!;
    expect(vars.get("AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH")).toBe(`arn:aws:iam::000123456789:role${role.path}${role.name}`);
    expect(aws.output?.["RoleArn-techblue-dev-ecr-push"]?.value).toBe(vars.get("AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH"));
    expect(vars.get("ECR_REPOSITORY_TECHBLUE_DEV")).toBe(onlyResource(aws, "aws_ecr_repository").name);
    expect(vars.get("AWS_REGION")).toBe("ap-northeast-1");
    expect(vars.get("ECR_REGISTRY")).toBe("000123456789.dkr.ecr.ap-northeast-1.amazonaws.com");
  });

  test("every vars.X a workflow reads is a variable of its repository", () => {
    const defined = new Set(variables(github).keys());
    for (const file of resourcesOf(github, "github_repository_file")) {
      const used = [...unescapeFromTerraform(file.content).matchAll(/vars\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      expect(used.length).toBeGreaterThan(0);
      for (const name of used) expect(defined).toContain(name);
    }
  });

  test("the CodeBuild workflow's runs-on names the runner project, whose webhook admits that workflow by name only", () => {
    const wf = workflows(github).get(".github/workflows/ecr-push-codebuild.yml");
    const project = onlyResource(aws, "aws_codebuild_project");
    expect(wf.jobs["build-and-push"]["runs-on"]).toBe(`codebuild-${project.name}-\${{ github.run_id }}-\${{ github.run_attempt }}`);
    const webhook = onlyResource(aws, "aws_codebuild_webhook");
    expect(webhook.project_name).toMatch(/^\$\{aws_codebuild_project\./);
    expect(webhook.filter_group).toEqual([
      {
        filter: [
          { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
          { type: "WORKFLOW_NAME", pattern: `^${wf.name}$` },
        ],
      },
    ]);
    expect(wf.name).toBe("Build and push release images on CodeBuild");
  });

  // Issue 9 §4: a runner is never a way around the trust policy.
  test("the CodeBuild job assumes its own deploy role through OIDC, trusted only for v* tags", () => {
    const wf = workflows(github).get(".github/workflows/ecr-push-codebuild.yml");
    const job = wf.jobs["build-and-push"];
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    const assume = job.steps.find((st: { uses?: string }) => st.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(assume.with["role-to-assume"]).toBe("${{ vars.AWS_ROLE_ARN_TECHBLUE_DEV_RELEASE_PUSH }}");
    expect(variables(github).get("AWS_ROLE_ARN_TECHBLUE_DEV_RELEASE_PUSH")).toBe("arn:aws:iam::000123456789:role/github-actions-platform/techblue-dev-release-push");
    const role = resourcesOf(aws, "aws_iam_role").find((r) => r.name === "techblue-dev-release-push")!;
    const conditions = JSON.parse(role.assume_role_policy).Statement.map((st: { Condition: object }) => st.Condition);
    expect(conditions).toEqual([
      {
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        StringLike: { "token.actions.githubusercontent.com:sub": ["repo:Test-User/techblue-dev:ref:refs/tags/v*"] },
      },
    ]);
  });

  test("the runner's service role holds its logs and its connection, nothing for ECR", () => {
    // The policy holds a reference (the connection), so it is written as jsonencode(...).
    const policy = parsePolicy(resourcesOf(aws, "aws_iam_role_policy").find((p) => p.name === "codebuild-runner")!.policy)!;
    const actions = policy.Statement.flatMap((st) => [st.Action ?? []].flat());
    expect(actions).toEqual(["logs:CreateLogStream", "logs:PutLogEvents", "codeconnections:GetConnection", "codeconnections:GetConnectionToken", "codeconnections:UseConnection"]);
  });

  test("the runner authenticates through the connection this stack creates", () => {
    const project = onlyResource(aws, "aws_codebuild_project");
    expect(project.source.auth).toEqual({
      type: "CODECONNECTIONS",
      resource: expect.stringMatching(/^\$\{aws_codeconnections_connection\.\S+\.arn\}$/),
    });
    expect(project.environment.privileged_mode).toBe(true);
  });

  test("the GitHub-hosted workflow assumes the role with id-token: write, on pushes to main only", () => {
    const wf = workflows(github).get(".github/workflows/ecr-push.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    expect(wf.permissions).toEqual({});
    expect(wf.jobs["build-and-push"].permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  test("workflow files are committed to the repository's default branch and name their source", () => {
    for (const file of resourcesOf(github, "github_repository_file")) {
      expect(file.repository).toBe("techblue-dev");
      expect(file.branch).toBe("main");
      const name = file.file.replace(".github/workflows/", "");
      expect(unescapeFromTerraform(file.content).split("\n")[0]).toBe(
        `# Generated by the github-actions-aws-platform template from the platform config (repository techblue-dev, workflow ${name}).`,
      );
    }
  });

  test("workflow files do not change with the config's path or the order of its lists", () => {
    const contents = (json: Synthesized) =>
      Object.fromEntries(resourcesOf(json, "github_repository_file").map((f) => [f.file, f.content] as const));
    const reordered = synthConfig(
      variant((doc) => {
        doc.repositories.unshift({ name: "another-repo", collaborators: [{ username: "dave", permission: "read" }] });
        doc.repositories[1].workflows.reverse();
      }),
    );
    expect(contents(reordered.github)).toEqual(contents(github));
  });

  test("without a state backend, state is local and synth warns about it (ST-001)", () => {
    expect(aws.terraform?.backend).toEqual({ local: { path: "../../../terraform.aws-000123456789-ap-northeast-1.tfstate" } });
    const warnings = platform.aws.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "@cdktf/warn")
      .map((m) => String(m.data));
    expect(warnings.filter((w) => w.includes("[ST-001]"))).toEqual([expect.stringContaining("keeps its state in a local file")]);
  });
});

describe("config variants", () => {
  test("a config that creates no role (access and ECR only) has no permissions boundary and no finding", () => {
    const app = testApp();
    const platform = buildGuardedPlatform(
      app,
      parseConfig(
        variant((doc) => {
          const repo = doc.repositories[0];
          delete repo.runner;
          repo.deployRoles = [];
          repo.workflows = [];
        }),
      ),
    );
    expect(platform.aws.permissionsBoundary).toBeUndefined();
    expect(resourcesOf(synthStack(platform.aws), "aws_iam_policy")).toEqual([]);
    expect(runGuardrails([platform.aws, platform.github])).toEqual([]);
  });

  test("a pending connection: no webhook yet, and synth prints the console step", () => {
    const { platform, aws } = synthConfig(variant((d) => (d.codeConnection.status = "pending")));
    expect(resourcesOf(aws, "aws_codebuild_webhook")).toHaveLength(0);
    expect(resourcesOf(aws, "aws_codebuild_project")).toHaveLength(1);
    const warnings = platform.aws.node.metadata.map((m) => String(m.data)).join("\n");
    expect(warnings).toContain("Update pending connection");
    expect(warnings).toContain("AWS Connector for GitHub");
  });

  test("an existing OIDC provider is referenced, never created again", () => {
    const arn = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";
    const { aws } = synthConfig(variant((d) => (d.oidcProvider = { existingArn: arn })));
    expect(resourcesOf(aws, "aws_iam_openid_connect_provider")).toHaveLength(0);
    const role = resourcesOf(aws, "aws_iam_role").find((r) => r.name === "techblue-dev-ecr-push")!;
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.Federated).toBe(arn);
  });

  test("an existing connection is used by ARN, and no connection is created", () => {
    const arn = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/0c9e5d3a-1111-2222-3333-444455556666";
    const { aws } = synthConfig(variant((d) => (d.codeConnection = { existingArn: arn, status: "available" })));
    expect(resourcesOf(aws, "aws_codeconnections_connection")).toHaveLength(0);
    expect(onlyResource(aws, "aws_codebuild_project").source.auth.resource).toBe(arn);
    expect(onlyResource(aws, "aws_codebuild_webhook").lifecycle).toBeUndefined();
    const policy = JSON.parse(resourcesOf(aws, "aws_iam_role_policy").find((p) => p.name === "codebuild-runner")!.policy);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === "UseGitHubConnection").Resource).toBe(arn);
  });

  test("an S3 state backend: encrypted, S3 lock files, one key per stack", () => {
    const { aws, github } = synthConfig(variant((d) => (d.aws.stateBackend = { bucket: "acme-terraform-state" })));
    expect(aws.terraform?.backend).toEqual({
      s3: {
        bucket: "acme-terraform-state",
        key: "github-actions-platform/aws-000123456789-ap-northeast-1.tfstate",
        region: "ap-northeast-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(github.terraform?.backend.s3.key).toBe("github-actions-platform/github-test-user.tfstate");
  });

  test("immutable subjects during a migration: the role trusts both forms", () => {
    const { aws } = synthConfig(
      variant((d) => {
        d.github.ownerId = 1234;
        d.repositories[0].id = 5678;
        d.repositories[0].subjectFormat = "both";
      }),
    );
    const role = resourcesOf(aws, "aws_iam_role").find((r) => r.name === "techblue-dev-ecr-push")!;
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:Test-User/techblue-dev:ref:refs/heads/main",
      "repo:Test-User@1234/techblue-dev@5678:ref:refs/heads/main",
    ]);
  });

  test("an organisation webhook runner serves the whole organisation", () => {
    const { aws } = synthConfig(
      variant((d) => {
        d.github.ownerType = "organization";
        d.repositories[0].runner.organizationWebhook = true;
      }),
    );
    const webhook = onlyResource(aws, "aws_codebuild_webhook");
    expect(webhook.scope_configuration).toEqual({ name: "Test-User", scope: "GITHUB_ORGANIZATION" });
    // ... but admits only the repositories whose generated workflows run on it.
    expect(webhook.filter_group[0].filter).toContainEqual({ type: "REPOSITORY_NAME", pattern: "^techblue-dev$" });
  });

  test("each repository's declared visibility becomes a github_repository data source the plan checks", () => {
    const { github } = synthConfig(variant((d) => (d.repositories[0].visibility = "internal")));
    const [data] = Object.values((github as any).data.github_repository) as any[];
    expect(data.full_name).toBe("Test-User/techblue-dev");
    expect(data.lifecycle.postcondition).toEqual([
      { condition: '${self.visibility == "internal"}', error_message: expect.stringContaining('repository techblue-dev: visibility says internal, but GitHub reports ${self.visibility}') },
    ]);
  });

  test("runner.allowedActorIds become the webhook's ACTOR_ACCOUNT_ID filter", () => {
    const { aws } = synthConfig(variant((d) => (d.repositories[0].runner.allowedActorIds = [583231, 9919])));
    expect(onlyResource(aws, "aws_codebuild_webhook").filter_group[0].filter).toContainEqual({ type: "ACTOR_ACCOUNT_ID", pattern: "^(?:583231|9919)$" });
  });

  test("a runner no workflow runs on gets no webhook, and synth says why", () => {
    const { platform, aws } = synthConfig(variant((d) => d.repositories[0].workflows.splice(1, 1)));
    expect(resourcesOf(aws, "aws_codebuild_webhook")).toHaveLength(0);
    expect(platform.aws.node.metadata.map((m) => String(m.data)).join("\n")).toContain("runner techblue-dev-runner gets no webhook");
  });

  test("a repository without collaborators or teams keeps its access unmanaged", () => {
    const { github } = synthConfig(variant((d) => delete d.repositories[0].collaborators));
    expect(resourcesOf(github, "github_repository_collaborators")).toHaveLength(0);
  });
});

describe("golden: one snapshot per stack of the example (a review aid; the assertions above are the tests)", () => {
  const { aws, github } = synthConfig();
  test("aws stack", () => expect(aws).toMatchSnapshot());
  test("github stack", () => expect(github).toMatchSnapshot());
});
