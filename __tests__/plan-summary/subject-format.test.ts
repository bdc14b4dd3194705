/**
 * Plan comment: a repository switched from legacy to immutable subjects is the same repository in
 * another subject form, with the warning that its runs fail until GitHub sends that form; it is
 * not "Trust widened: new repository" (issue 12 §3). The plan is the real `changed/` fixture
 * (`terraform show -json`), its deploy role's new trust policy rewritten as the template writes it.
 */
import { readFileSync } from "node:fs";
import { githubOidcTrustPolicy, renderPolicy } from "../../modules/policy-document";
import { subjectForm, trustChanges } from "../../plan-summary/iam";
import { parsePlan } from "../../plan-summary/plan";
import { analyse, renderComment } from "../../plan-summary/summary";
import { AWS_STACK, fixture } from "./helpers";

const PROVIDER = "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com";
const ROLE = "aws_iam_role.DeployRole-techblue-dev-ecr-push_A7ED7D89";
const LEGACY = "repo:Test-User/techblue-dev";
const IMMUTABLE = "repo:Test-User@1234/techblue-dev@5678";

/** The real plan, with the deploy role's before and after trust policies set to these subject prefixes. */
function planWith(before: string[], after: string[]) {
  const json = JSON.parse(readFileSync(fixture("changed", `${AWS_STACK}.json`), "utf8"));
  const rc = json.resource_changes.find((r: any) => r.address === ROLE);
  const policy = (prefixes: string[]) => renderPolicy(githubOidcTrustPolicy(PROVIDER, { exact: prefixes.map((p) => `${p}:ref:refs/heads/main`), wildcard: [] }));
  rc.change.before.assume_role_policy = policy(before);
  rc.change.after.assume_role_policy = policy(after);
  return parsePlan(JSON.stringify(json), AWS_STACK, `${AWS_STACK}.json`);
}

const trustOf = (plan: ReturnType<typeof planWith>) => trustChanges(plan.changes).find((t) => t.address === ROLE)!;

describe("subject forms", () => {
  test("a subject's repository, without its ids and ignoring case, and its form", () => {
    expect(subjectForm("repo:Test-User/techblue-dev:ref:refs/heads/main")).toEqual({ repository: "test-user/techblue-dev", form: "legacy" });
    expect(subjectForm("repo:Test-User@1234/techblue-dev@5678:pull_request")).toEqual({ repository: "test-user/techblue-dev", form: "immutable", ids: "@1234/@5678" });
    expect(subjectForm("repo:Test-User@1234/techblue-dev:pull_request")).toBeUndefined();
  });
});

describe("legacy -> immutable", () => {
  const plan = planWith([LEGACY], [IMMUTABLE]);

  test("is the same repository in another form, not a new repository", () => {
    const t = trustOf(plan);
    expect(t.widening).toEqual([]);
    expect(t.formatChanges).toEqual([
      { repository: "Test-User/techblue-dev", from: ["legacy"], to: ["immutable"], example: `${IMMUTABLE}:ref:refs/heads/main` },
    ]);
  });

  test("the risk flags warn that runs fail until GitHub sends that form", () => {
    const risks = analyse([plan]).risks;
    const flag = risks.find((r) => r.kind === "subject-format-changed")!;
    expect(flag.text).toContain("**`Test-User/techblue-dev` trusted in another subject format** on role `techblue-dev-ecr-push`");
    expect(flag.text).toContain("the same repository, now in the immutable form only");
    expect(flag.text).toContain('until GitHub sends that form');
    expect(risks.filter((r) => r.kind === "trust-widened").map((r) => r.text).join("\n")).not.toContain("new repository");
  });

  test("the comment's trust table notes the form change on the role", () => {
    const md = renderComment([{ plan }]);
    expect(md).toContain("`Test-User/techblue-dev`: same repository, subject form legacy → immutable");
    expect(md).not.toContain("new repository `Test-User@1234/techblue-dev@5678`");
  });
});

describe("other form changes", () => {
  test("adding the immutable form next to the legacy one (a migration) is noted, not flagged", () => {
    const plan = planWith([LEGACY], [LEGACY, IMMUTABLE]);
    expect(trustOf(plan).formatChanges).toEqual([expect.objectContaining({ from: ["legacy"], to: ["legacy", "immutable"] })]);
    expect(analyse([plan]).risks.map((r) => r.kind)).not.toContain("subject-format-changed");
    expect(trustOf(plan).widening).toEqual([]);
  });

  test("must flag: other ids are another repository (deleted and re-created under the name): trust widened", () => {
    const plan = planWith([IMMUTABLE], ["repo:Test-User@1234/techblue-dev@9999"]);
    expect(trustOf(plan).widening).toEqual(["new repository `Test-User@1234/techblue-dev@9999`"]);
    expect(trustOf(plan).formatChanges).toEqual([]);
  });

  test("must flag: a repository of another name is still a new repository", () => {
    const plan = planWith([LEGACY], [LEGACY, "repo:Test-User/other"]);
    expect(trustOf(plan).widening).toEqual(["new repository `Test-User/other`"]);
  });
});
