import { synthesizedView } from "../../diagnose/context";
import { exampleConfig, run } from "./helpers";
import { fixture, REAL_TEXTS } from "./real-texts";

const config = exampleConfig();
const realText = (id: string, index = 0) => REAL_TEXTS.filter((t) => t.id === id)[index].text;

function diagnosis(text: string, cfg = config) {
  const { report } = run(text, { config: cfg });
  expect(report.diagnoses).toHaveLength(1);
  const d = report.diagnoses[0];
  return { id: d.failure.id, facts: d.facts.join("\n"), causes: d.causes.join("\n"), fixes: d.fixes.join("\n") };
}

/** ministryofjustice/cloud-platform#7245's message with this config's names. */
const ecrDenied = (role: string, action: string, repository: string, account = "000123456789") =>
  `denied: User: arn:aws:sts::${account}:assumed-role/${role}/GitHubActions is not authorized to perform: ${action} on resource: arn:aws:ecr:ap-northeast-1:${account}:repository/${repository} because no identity-based policy allows the ${action} action`;

describe("ecr-not-authorized: the role's synthesized policy against the action and repository", () => {
  test("a repository the config does not declare", () => {
    const { facts, causes, fixes } = diagnosis(ecrDenied("techblue-dev-ecr-push", "ecr:InitiateLayerUpload", "other-app"));
    expect(facts).toContain("action: ecr:InitiateLayerUpload");
    expect(causes).toContain("other-app is not one of the ECR repositories of platform.yaml (techblue-dev)");
    expect(fixes).toContain("add it to repositories[0].deployRoles[0].ecrPush");
  });

  test("a declared repository missing from the role's ecrPush", () => {
    const cfg = exampleConfig((doc) => {
      doc.repositories[0].ecrRepositories.push({ name: "techblue-dev/cache" });
    });
    const { causes, fixes } = diagnosis(ecrDenied("techblue-dev-ecr-push", "ecr:PutImage", "techblue-dev/cache"), cfg);
    expect(causes).toContain("techblue-dev-ecr-push may not push to techblue-dev/cache: it is not in repositories[0].deployRoles[0].ecrPush");
    expect(fixes).toContain("add techblue-dev/cache to repositories[0].deployRoles[0].ecrPush");
  });

  test("an action the synthesized policy grants: the deployed policy is older", () => {
    const { causes, fixes } = diagnosis(ecrDenied("techblue-dev-ecr-push", "ecr:InitiateLayerUpload", "techblue-dev"));
    expect(causes).toContain("grants ecr:InitiateLayerUpload on arn:aws:ecr:ap-northeast-1:000123456789:repository/techblue-dev");
    expect(fixes).toContain("deploy the AWS stack");
  });

  test("a pull action: ecrPull", () => {
    expect(diagnosis(ecrDenied("techblue-dev-ecr-push", "ecr:BatchGetImage", "techblue-dev")).fixes).toContain("set repositories[0].deployRoles[0].ecrPull: true");
  });

  test("the runner's service role, found by its project: it holds no ECR permissions, the job must assume its deploy role", () => {
    const { causes, fixes } = diagnosis(ecrDenied("codebuild-techblue-dev-runner", "ecr:PutImage", "techblue-dev"));
    expect(causes).toContain("the job ran as codebuild-techblue-dev-runner, the service role of the CodeBuild runner, which holds no ECR permissions");
    expect(fixes).toContain("give the workflow a deployRole that lists techblue-dev in its ecrPush");
  });

  test("an action outside the push set (IAM-003)", () => {
    expect(diagnosis(ecrDenied("techblue-dev-ecr-push", "ecr:CreateRepository", "techblue-dev")).causes).toContain("ecr:CreateRepository is outside what the template grants");
  });

  test("a role the config does not create (the real message of cloud-platform#7245)", () => {
    expect(diagnosis(realText("ecr-not-authorized")).causes).toContain("the job runs as cloud-platform-ecr-e344de1fe05708ec-github, which platform.yaml does not create");
  });

  test("a repository of another account (the resource-based variant of amazon-ecr-login#232)", () => {
    const text =
      "denied: User: arn:aws:sts::111111111111:assumed-role/cp-sw-actions-runner/GitHubActions is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-west-2:222222222222:repository/runner-test because no resource-based policy allows the ecr:InitiateLayerUpload action";
    expect(diagnosis(text).causes).toContain("the repository is in account 222222222222 and the role in 111111111111");
  });

  test("a CloudTrail event of a denied ECR call is recognised by its error message", () => {
    const event = {
      eventSource: "ecr.amazonaws.com",
      eventName: "InitiateLayerUpload",
      errorCode: "AccessDenied",
      errorMessage: ecrDenied("techblue-dev-ecr-push", "ecr:InitiateLayerUpload", "other-app").replace(/^denied: /, ""),
    };
    const { id, causes } = diagnosis(JSON.stringify({ Records: [event, event] }));
    expect(id).toBe("ecr-not-authorized");
    expect(causes).toContain("other-app is not one of the ECR repositories");
  });
});

describe("connection failures", () => {
  test("access denied while the config says pending: complete the connection", () => {
    const pending = exampleConfig((doc) => {
      doc.codeConnection.status = "pending";
    });
    const { facts, causes, fixes } = diagnosis(realText("connection-access-denied"), pending);
    expect(facts).toContain('connection "techblue-github" (created by the AWS stack), codeConnection.status: pending');
    expect(causes).toContain("codeConnection.status is pending");
    expect(fixes).toContain("set codeConnection.status: available and deploy again");
  });

  test("access denied on the first apply: run the deploy again", () => {
    expect(diagnosis(realText("connection-access-denied")).fixes).toContain("run the deploy again: npx cdktf deploy aws-000123456789-ap-northeast-1");
  });

  test("repository not found: the app installation lacks the repository", () => {
    expect(diagnosis(realText("connection-access-denied", 1)).causes).toContain("the AWS Connector app's installation does not include the runner repository");
  });

  test("a PENDING connection while the config says available", () => {
    expect(diagnosis(realText("connection-pending")).fixes).toContain("codeConnection.status says available but the connection is PENDING");
  });

  test("the precondition: the console steps for this connection and region", () => {
    expect(diagnosis(realText("connection-precondition-failed")).fixes).toContain(
      'open https://console.aws.amazon.com/codesuite/settings/connections?region=ap-northeast-1, select "techblue-github" (Pending)',
    );
  });
});

describe("OIDC provider", () => {
  test("already exists: the exact existingArn to set", () => {
    expect(diagnosis(realText("oidc-provider-already-exists")).fixes).toContain(
      "set oidcProvider.existingArn: arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com in platform.yaml",
    );
  });

  test("not found, created by this stack: deploy it", () => {
    expect(diagnosis(realText("oidc-provider-not-found")).fixes).toContain("deploy the AWS stack: npx cdktf deploy aws-000123456789-ap-northeast-1");
  });

  test("not found, referenced by existingArn: the reference is wrong", () => {
    const existing = exampleConfig((doc) => {
      doc.oidcProvider = { existingArn: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com" };
    });
    expect(diagnosis(realText("oidc-provider-not-found"), existing).causes).toContain("references the existing provider");
  });
});

describe("GitHub side", () => {
  test("resource not accessible: the permission the failing call needs", () => {
    const { facts, causes, fixes } = diagnosis(realText("github-resource-not-accessible"));
    expect(facts).toContain("GitHub API call: https://api.github.com/repos/org/repo/collaborators?affiliation=direct&per_page=100");
    expect(causes).toContain("Administration: read & write");
    expect(fixes).toContain("include techblue-dev in the installation");
  });

  /** The provider's message in Terraform's error format, naming the failing resource. */
  const fileExists = (address: string) =>
    [
      "│ Error: refusing to overwrite existing file: configure `overwrite_on_create` to `true` to override",
      "│ ",
      `│   with github_repository_file.${address},`,
      `│   on cdk.tf.json line 120, in resource "github_repository_file" "${address}":`,
    ].join("\n");

  test("an existing file, for a resource the config synthesizes with overwrite_on_create: an older synth", () => {
    const address = synthesizedView(config)
      .ofType("github_repository_file")
      .find((r) => r.config.file === ".github/workflows/ecr-push.yml")!.name;
    const { facts, causes } = diagnosis(fileExists(address));
    expect(facts).toContain("writes .github/workflows/ecr-push.yml");
    expect(causes).toContain("sets overwrite_on_create: the failing apply used an older synth");
  });

  test("an existing file, for a resource the config does not synthesize", () => {
    expect(diagnosis(fileExists("ci")).causes).toContain("github_repository_file.ci is not among the resources synthesized from platform.yaml");
  });

  test("workflow permission: counts the files the GitHub stack commits", () => {
    expect(diagnosis(realText("workflow-permission-missing", 1)).causes).toMatch(/commits \d+ workflow file\(s\) under \.github\/workflows\//);
  });
});

describe("state lock", () => {
  test("reads the lock id and gives the unlock command", () => {
    const { facts, fixes } = diagnosis(fixture("state-lock.txt"));
    expect(facts).toContain("lock id: f9763602-b03f-e35c-da30-4083cdbb99ae");
    expect(fixes).toContain("terraform force-unlock f9763602-b03f-e35c-da30-4083cdbb99ae");
  });

  test("a state path of this template names the stack folder", () => {
    const text = fixture("state-lock.txt").replace("terraform-statess-387688863714/aws-data/terraform.tfstate", "github-actions-platform/aws-000123456789-ap-northeast-1.tfstate");
    expect(diagnosis(text).fixes).toContain("cd cdktf.out/stacks/aws-000123456789-ap-northeast-1 && terraform force-unlock");
  });
});
