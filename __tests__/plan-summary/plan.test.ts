import { readFileSync } from "node:fs";
import { actionOf, afterValue, configAddress, parsePlan, PlanInputError, referenceOf } from "../../plan-summary/plan";
import { countChanges, renderComment } from "../../plan-summary/summary";
import { AWS_STACK, fixture, planOf } from "./helpers";

describe("parsePlan", () => {
  test.each([
    [["create"], "create"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["no-op"], "no-op"],
    [["read"], "read"],
    [["forget"], "forget"],
    [["create", "forget"], "other"],
    [["delete", "something-new"], "delete"],
  ])("actions %j are %s", (actions, action) => {
    expect(actionOf(actions)).toBe(action);
  });

  test("reads every resource change of a real plan, with the configuration's expressions", () => {
    const plan = parsePlan(readFileSync(fixture("create", `${AWS_STACK}.json`), "utf8"), AWS_STACK, "create.json");
    expect(plan.changes.length).toBe(16);
    expect(plan.changes.every((c) => c.action === "create")).toBe(true);
    const policy = plan.changes.find((c) => c.address.includes("ServicePolicy"))!;
    // The runner policy holds the connection ARN: unknown in the plan, a reference in the configuration.
    expect(afterValue(policy, ["policy"])).toEqual({ known: false });
    expect(referenceOf(policy, ["role"])).toMatch(/^aws_iam_role\.Runner-techblue-dev-runner_ServiceRole_/);
  });

  test("an empty plan (no resource_changes, as terraform writes it) is a plan with no changes", () => {
    const plan = parsePlan(
      '{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{}},"configuration":{"root_module":{}},"applyable":false,"complete":true,"errored":false}',
      "empty",
      "empty.json",
    );
    expect(plan.changes).toEqual([]);
  });

  test.each([
    ["not-json.json", /not valid JSON/],
    ["state.json", /no resource_changes or planned_values \(this looks like a state/],
    ["no-format-version.json", /no format_version/],
    ["array.json", /expected a JSON object/],
  ])("%s is refused with a message naming the file", (file, message) => {
    const text = readFileSync(fixture("broken", file), "utf8");
    expect(() => parsePlan(text, "x", file)).toThrow(PlanInputError);
    expect(() => parsePlan(text, "x", file)).toThrow(message);
    expect(() => parsePlan(text, "x", file)).toThrow(file);
  });

  test("a plan format of another major version is refused", () => {
    expect(() => parsePlan('{"format_version":"2.0","resource_changes":[]}', "x", "x.json")).toThrow(/format 2\.0 is not supported/);
  });

  test("after_unknown marks a value and everything under it as known after apply", () => {
    const [c] = planOf("s", [
      { address: "aws_x.a", actions: ["create"], after: { tags: {}, list: [{ a: 1, b: null }] }, after_unknown: { arn: true, list: [{ b: true }] } },
    ]).changes;
    expect(afterValue(c, ["arn"])).toEqual({ known: false });
    expect(afterValue(c, ["list", 0, "b"])).toEqual({ known: false });
    expect(afterValue(c, ["list", 0, "a"])).toEqual({ known: true, value: 1 });
  });

  test("instance addresses map to their configuration block", () => {
    expect(configAddress('module.a[0].aws_x.y["k"]')).toBe("module.a.aws_x.y");
  });

  test("unknown resource types, data sources, imports and forgets are counted", () => {
    const plan = planOf("s", [
      { address: "weird_thing.a", actions: ["create"], after: {} },
      { address: "weird_thing.b", actions: ["no-op"], before: {}, after: {}, importing: { id: "b" } },
      { address: "data.github_repository.r", actions: ["read"], after: {} },
      { address: "github_repository_file.f", actions: ["forget"], before: {} },
      { address: "other_thing.c", actions: ["delete", "create"], before: {}, after: {} },
      { address: "other_thing.d", actions: ["something-new"], before: {}, after: {} },
    ]);
    expect(countChanges(plan.changes)).toEqual({ add: 1, change: 0, replace: 1, destroy: 0, unchanged: 1, read: 1, import: 1, forget: 1, other: 1 });
  });
});

test("odd values where objects are expected never crash the summary", () => {
  const odd: unknown[] = ["text", 5, [], [null, 3], { user: "not a list", team: [null, { team_id: 7 }] }, null];
  const types = [
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_codebuild_project",
    "aws_codeconnections_connection",
    "aws_ecr_repository",
    "github_repository_collaborators",
    "github_team_repository",
    "github_repository_file",
    "github_actions_variable",
  ];
  const changes = types.flatMap((type, i) =>
    odd.flatMap((before, j) =>
      ["create", "update", "delete"].map((action, k) => ({
        address: `${type}.r${i}_${j}_${k}`,
        actions: [action],
        before: action === "create" ? null : before,
        after: action === "delete" ? null : odd[(j + 1) % odd.length],
        after_unknown: j % 2 === 0 ? { policy: true, content: true, user: [true] } : "weird",
      })),
    ),
  );
  const plan = planOf("odd", changes);
  const md = renderComment([{ plan, planText: "x" }]);
  expect(md).toContain("## Terraform plan summary");
  expect(md).not.toContain("could not be computed");
});

test("an errored plan, drift and deferred changes are said so", () => {
  const plan = planOf("s", [{ address: "aws_ecr_repository.a", actions: ["no-op"], before: { name: "a" }, after: { name: "a" } }], {
    errored: true,
    resource_drift: [{ address: "aws_ecr_repository.a" }],
    deferred_changes: [{ reason: "provider_config_unknown" }],
  });
  const md = renderComment([{ plan }]);
  expect(md).toContain("> [!CAUTION]\n> The plan of `s` stopped with an error: what it lists is incomplete.");
  expect(md).toContain("| `s` | 0 | 0 | 0 | 0 | 1 | 1 deferred, 1 changed outside Terraform |");
});
