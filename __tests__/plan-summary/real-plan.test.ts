/**
 * The tool on fresh real plans: the AWS stack synthesized and planned offline by terraform against
 * a local provider mirror (real-plans.ts). Runs where `terraform` is on PATH and TF_PROVIDER_MIRROR
 * names a filesystem mirror holding hashicorp/aws; skipped, with the reason in its name, elsewhere.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blockedChanges } from "../../plan-summary/blocked";
import { readStackInput } from "../../plan-summary/input";
import { analyse, renderComment } from "../../plan-summary/summary";
import { AWS_STACK, fixture } from "./helpers";
import { generateRealPlans, realPlanSkipReason } from "./real-plans";

const skipReason = realPlanSkipReason();
const suite = skipReason === "" ? describe : describe.skip;

/** `address actions` of every resource change, the part of a plan the fixtures must keep matching. */
function shape(file: string): string[] {
  return JSON.parse(readFileSync(file, "utf8"))
    .resource_changes.map((c: { address: string; change: { actions: string[] } }) => `${c.address} ${c.change.actions.join("/")}`)
    .sort();
}

suite(`plan summary of fresh real plans${skipReason ? ` (${skipReason})` : ""}`, () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "plan-summary-fresh-"));
    generateRealPlans(out, process.env.TF_PROVIDER_MIRROR as string);
  }, 600_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("the example config, created: every resource counted as an add, nothing protected at risk", () => {
    const input = readStackInput(join(out, "create", `${AWS_STACK}.json`));
    const a = analyse([input.plan]);
    const counts = a.counts.get(AWS_STACK)!;
    expect(counts.add).toBe(input.plan.changes.length);
    expect(counts.add).toBeGreaterThan(10);
    expect(a.risks.filter((r) => r.kind === "protected-resource")).toEqual([]);
    // The runner's policy holds the new connection's ARN: the one value an apply computes that is flagged.
    expect(a.risks.filter((r) => r.kind === "known-after-apply").map((r) => /`(aws_[^`]+)`/.exec(r.text)?.[1])).toEqual([
      expect.stringMatching(/^aws_iam_role_policy\.Runner-.*_ServicePolicy_/),
    ]);
    const md = renderComment([input], { runUrl: "https://example.test/run" });
    expect(md).toContain('"role: techblue-dev-ecr-push (new)"');
    expect(md).toContain("<details><summary>Plan of <code>aws-000123456789-ap-northeast-1</code>");
  });

  test("a changed config: replaces, a destroy and widened trust are flagged", () => {
    const a = analyse([readStackInput(join(out, "changed", `${AWS_STACK}.json`)).plan]);
    expect(a.counts.get(AWS_STACK)).toMatchObject({ add: 0, change: 5, replace: 2, destroy: 2 });
    expect(a.risks.map((r) => r.kind).sort()).toEqual(["known-after-apply", "protected-resource", "protected-resource", "protected-resource", "trust-widened"]);
    expect(a.permissions.find((p) => p.policy === "techblue-dev-ecr-push/ecr-push")?.actionsAdded).toEqual(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
  });

  test("the deploy gate on the fresh changed plan: both ECR repositories and the connection, nothing else", () => {
    const found = blockedChanges(readStackInput(join(out, "changed", `${AWS_STACK}.json`)).plan.changes);
    expect(found.map((b) => `${b.kind} ${b.name} ${b.action}`).sort()).toEqual([
      "delete-connection techblue-github replace",
      "delete-ecr-repository techblue-dev replace",
      "delete-ecr-repository techblue-legacy delete",
    ]);
    expect(blockedChanges(readStackInput(join(out, "create", `${AWS_STACK}.json`)).plan.changes)).toEqual([]);
  });

  test("seed 000: the real AWS plan with the hand-written GitHub plan flags the token owner", () => {
    const a = analyse([readStackInput(join(out, "seed-000", `${AWS_STACK}.json`)).plan, readStackInput(fixture("seed-000", "github-test-user.json")).plan]);
    expect(a.risks.map((r) => r.kind)).toContain("token-owner-loses-admin");
  });

  test.each(["create", "changed", "seed-000"])("the committed %s fixture still plans the same resources with the same actions (else regenerate it, see fixtures/README.md)", (scenario) => {
    expect(shape(fixture(scenario, `${AWS_STACK}.json`))).toEqual(shape(join(out, scenario, `${AWS_STACK}.json`)));
  });
});
