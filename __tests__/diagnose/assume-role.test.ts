import { exampleConfig, run, webIdentityEvent } from "./helpers";
import { fixture } from "./real-texts";

const config = exampleConfig();
const ROLE = "techblue-dev-ecr-push";

function assumeRole(text: string, options: Parameters<typeof run>[1] = { config }) {
  const { report, output } = run(text, options);
  const d = report.diagnoses.find((x) => x.failure.id === "oidc-assume-role-denied");
  if (!d) throw new Error(`oidc-assume-role-denied not recognised:\n${output}`);
  return { d, output, notes: report.notes, causes: d.causes.join("\n"), fixes: d.fixes.join("\n"), facts: d.facts.join("\n") };
}

describe("seed 001: the CloudTrail event against the example platform.yaml", () => {
  const { d, causes, facts, fixes, notes } = assumeRole(fixture("seed-001-cloudtrail.json"));

  test("reads the subject, audience, provider and role from the event", () => {
    expect(facts).toContain("subject (userIdentity.userName): repo:Test-User/techblue-dev:ref:refs/heads/main");
    expect(facts).toContain("audience (from userIdentity.principalId): sts.amazonaws.com");
    expect(facts).toContain("identity provider: arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com");
    expect(facts).toContain("role asked for (requestParameters.roleArn): arn:aws:iam::000123456789:role/Githubactions-to-ECR-role");
  });

  test("says the role it asked for is not one the config creates", () => {
    expect(causes).toMatch(/asked for Githubactions-to-ECR-role, which platform\.yaml does not create \(its GitHub roles: [^)]*techblue-dev-ecr-push/);
  });

  test("still evaluates the subject against every configured role and names the one that trusts it", () => {
    expect(causes).toContain(`${ROLE} (repositories[0].deployRoles[0]) of platform.yaml trusts it`);
    expect(facts).toContain("nearest allowed subject: repo:Test-User/techblue-dev:ref:refs/heads/main (StringEquals, role techblue-dev-ecr-push): it matches");
    expect(fixes).toContain("role-to-assume: ${{ vars.AWS_ROLE_ARN_TECHBLUE_DEV_ECR_PUSH }}");
    expect(d.details.join("\n")).toContain("decision: allow");
  });

  test("says it forgave the trailing comma the event was copied with", () => {
    expect(notes.join("\n")).toContain("ignored the comma after the JSON's last closing bracket");
  });
});

describe("seed 001: the GitHub Actions log", () => {
  test("reads role-to-assume and audience from the action's echoed inputs and asks for the event", () => {
    const { facts, causes, fixes } = assumeRole(fixture("seed-001-actions.log"));
    expect(facts).toContain("role asked for (role-to-assume): arn:aws:iam::000123456789:role/Githubactions-to-ECR-role");
    expect(facts).toContain("audience (input): sts.amazonaws.com");
    expect(causes).toContain("which platform.yaml does not create");
    expect(fixes).toContain("run diagnose on the CloudTrail AssumeRoleWithWebIdentity event");
  });

  test("with --subject, evaluates that subject like one read from CloudTrail", () => {
    const { causes } = assumeRole(fixture("seed-001-actions.log"), { config, subject: "repo:Test-User/techblue-dev:ref:refs/heads/develop" });
    expect(causes).toContain("likely cause: other branch");
  });

  test("for a role of the config, lists the subjects it trusts", () => {
    const log = fixture("seed-001-actions.log").replace("Githubactions-to-ECR-role", ROLE);
    expect(assumeRole(log).causes).toContain(`role ${ROLE} (repositories[0].deployRoles[0]) trusts only: repo:Test-User/techblue-dev:ref:refs/heads/main`);
  });
});

describe("a denied subject: the role, the failed condition, the nearest allowed subject and the likely cause", () => {
  const denied = (sub: string, cfg = config) => assumeRole(webIdentityEvent({ sub, role: ROLE }), { config: cfg });
  const FAILED_SUB = `role ${ROLE} (repositories[0].deployRoles[0]) denies it: statement 0 (GitHubActionsExactSubjects): the condition StringEquals token.actions.githubusercontent.com:sub failed`;
  const NEAREST = "nearest allowed subject: repo:Test-User/techblue-dev:ref:refs/heads/main (StringEquals, role techblue-dev-ecr-push)";

  test("environment: the job's environment replaced the ref in the subject", () => {
    const withEnvironment = exampleConfig((doc) => {
      doc.repositories[0].workflows[0].environment = "production";
      doc.repositories[0].environments = [{ name: "production" }];
    });
    const { causes, facts, fixes } = denied("repo:Test-User/techblue-dev:environment:production", withEnvironment);
    expect(causes).toContain(FAILED_SUB);
    expect(facts).toContain(NEAREST);
    expect(causes).toContain("likely cause: environment: the job runs in environment production");
    expect(fixes).toContain("add production to repositories[0].deployRoles[0].allow.environments, or remove environment: production from the job (repositories[0].workflows[0] (ecr-push.yml).environment)");
  });

  test("immutable subject format: GitHub sends owner and repository ids", () => {
    const { causes, facts, fixes } = denied("repo:Test-User@1234567/techblue-dev@7654321:ref:refs/heads/main");
    expect(causes).toContain(FAILED_SUB);
    expect(facts).toContain(NEAREST);
    expect(causes).toContain("likely cause: immutable subject format");
    expect(fixes).toContain("set repositories[0].subjectFormat: immutable (or both while migrating), with github.ownerId: 1234567 and repositories[0].id: 7654321");
  });

  test("case: StringEquals is case-sensitive", () => {
    const { causes, fixes } = denied("repo:test-user/techblue-dev:ref:refs/heads/main");
    expect(causes).toContain("likely cause: case: the token says test-user/techblue-dev, the role trusts Test-User/techblue-dev");
    expect(fixes).toContain("spell github.owner and the repository's name exactly as GitHub does: test-user / techblue-dev");
  });

  test("pull_request: the subject carries no branch", () => {
    const { causes, fixes } = denied("repo:Test-User/techblue-dev:pull_request");
    expect(causes).toContain("likely cause: pull_request");
    expect(fixes).toContain("repositories[0].deployRoles[0].allow.pullRequest: true");
  });

  test("other branch", () => {
    const { causes, fixes } = denied("repo:Test-User/techblue-dev:ref:refs/heads/develop");
    expect(causes).toContain("likely cause: other branch: the run is on branch develop; the role trusts branch main");
    expect(fixes).toContain("add develop to repositories[0].deployRoles[0].allow.branches");
  });

  test("a tag the role does not trust", () => {
    expect(denied("repo:Test-User/techblue-dev:ref:refs/tags/v1.2.3").causes).toContain("likely cause: tag: the run is for tag v1.2.3");
  });

  test("another repository", () => {
    expect(denied("repo:Test-User/other-app:ref:refs/heads/main").causes).toContain("likely cause: other repository: the token comes from Test-User/other-app");
  });

  test("another audience fails the aud condition, with the subject matching", () => {
    const { causes, fixes } = assumeRole(webIdentityEvent({ role: ROLE, aud: "sigstore" }));
    expect(causes).toContain("the token's audience is sigstore; AWS roles expect sts.amazonaws.com");
    expect(causes).toContain("the condition StringEquals token.actions.githubusercontent.com:aud failed: got sigstore");
    expect(fixes).toContain("remove the audience input of aws-actions/configure-aws-credentials");
  });
});

describe("an allowed subject", () => {
  test("says the trust policy allows it and points at the deployed policy, aud, provider and role ARN", () => {
    const { causes, fixes, d } = assumeRole(webIdentityEvent({ role: ROLE }));
    expect(causes).toContain(`the trust policy platform.yaml synthesizes for ${ROLE} (repositories[0].deployRoles[0]) allows this token`);
    expect(fixes).toContain(`aws iam get-role --role-name ${ROLE}`);
    expect(fixes).toContain("check the audience (sts.amazonaws.com) and the identity provider the event names");
    expect(fixes).toContain(`the role ARN the job passes (arn:aws:iam::000123456789:role/${ROLE})`);
    expect(d.details.join("\n")).toContain("decision: allow");
  });
});

describe("any number of roles, read from the synthesized aws_iam_role resources", () => {
  const twoRoles = exampleConfig((doc) => {
    doc.repositories[0].deployRoles.push({ name: "techblue-dev-release", allow: { tags: ["v1.0.0"], environments: ["release"] }, ecrPush: ["techblue-dev"] });
    doc.repositories[0].environments = [{ name: "release", tags: ["v1.0.0"] }];
  });

  test("a role the event does not name: the nearest subject picks the role to explain", () => {
    const { causes, facts } = assumeRole(webIdentityEvent({ sub: "repo:Test-User/techblue-dev:environment:relase" }), { config: twoRoles });
    expect(facts).toContain("nearest allowed subject: repo:Test-User/techblue-dev:environment:release (StringEquals, role techblue-dev-release)");
    expect(causes).toContain("the nearest role, techblue-dev-release (repositories[0].deployRoles[1]), denies it");
    expect(causes).toContain("likely cause: environment");
  });

  test("a token another role trusts: names that role", () => {
    const { causes, fixes } = assumeRole(webIdentityEvent({ sub: "repo:Test-User/techblue-dev:ref:refs/tags/v1.0.0" }), { config: twoRoles });
    expect(causes).toContain("techblue-dev-release (repositories[0].deployRoles[1]) of platform.yaml trusts it");
    expect(fixes).toContain("vars.AWS_ROLE_ARN_TECHBLUE_DEV_RELEASE");
  });

  test("the service role of the CodeBuild runner is not a GitHub role", () => {
    const { causes } = assumeRole(webIdentityEvent({ role: "Githubactions-to-ECR-role" }));
    expect(causes).not.toContain("codebuild-techblue-dev-runner");
  });
});

describe("other accounts and providers", () => {
  test("a role and provider of another account are named", () => {
    const { causes } = assumeRole(webIdentityEvent({ account: "767397806995", role: "Githubacitions-to-ECR-role" }));
    expect(causes).toContain("the role arn:aws:iam::767397806995:role/Githubacitions-to-ECR-role is in account 767397806995; platform.yaml manages account 000123456789");
    expect(causes).toContain("STS matched the token to the provider arn:aws:iam::767397806995:oidc-provider/token.actions.githubusercontent.com");
  });
});

describe("without a config", () => {
  test("the message is recognised with the generic cause and fix, and what the subject alone says", () => {
    const { d, output } = assumeRole(webIdentityEvent({ sub: "repo:Test-User/techblue-dev:environment:production" }), {});
    expect(d.facts).toContain("the job ran in environment production: its subject carries the environment, not the branch or tag");
    expect(output).toContain("(no config: generic advice)");
    expect(output).toContain("Allow that subject in the role's `deployRoles[].allow`");
  });
});

describe("a config whose stacks cannot be built", () => {
  test("still recognises the failure with the generic cause and fix, and says why the config was not used", () => {
    // GIVEN a config object that skipped validation: a role with no subject makes the trust policy builder throw
    const broken = JSON.parse(JSON.stringify(config));
    broken.repositories[0].deployRoles[0].allow.branches = [];
    // WHEN
    const { report, output } = run(fixture("seed-001-cloudtrail.json"), { config: broken });
    // THEN
    expect(report.diagnoses.map((d) => d.failure.id)).toEqual(["oidc-assume-role-denied"]);
    expect(report.notes.join("\n")).toContain("could not build the stacks from platform.yaml");
    expect(output).toContain("Allow that subject in the role's `deployRoles[].allow`");
  });
});
