/** The comment stays within --max-chars: plan texts are cut first, then long tables, never the risk flags' headline. */
import { allocate, DEFAULT_MAX_CHARS, renderComment, type StackInput } from "../../plan-summary/summary";
import { AWS_STACK, collaborators, fixtureInputs, githubProvider, planOf } from "./helpers";

const RUN = "https://github.com/Test-User/platform/actions/runs/42";

/** A long plan text in terraform show's shape. */
function hugePlanText(resources: number): string {
  const lines = ["Terraform will perform the following actions:", ""];
  for (let i = 0; i < resources; i++) {
    lines.push(`  # github_actions_variable.v${i} will be created`, `  + resource "github_actions_variable" "v${i}" {`, `      + value = "${"x".repeat(60)}"`, "    }", "");
  }
  lines.push(`Plan: ${resources} to add, 0 to change, 0 to destroy.`);
  return lines.join("\n");
}

describe("a huge plan text", () => {
  const [aws, github] = fixtureInputs("seed-000", [AWS_STACK, "github-test-user"]);
  const big = hugePlanText(5000);
  const md = renderComment([aws, { ...github, planText: big }], { runUrl: RUN });

  test("keeps the comment within the default limit, which leaves room under GitHub's 65,536", () => {
    expect(DEFAULT_MAX_CHARS).toBe(65_000);
    expect(big.length).toBeGreaterThan(400_000);
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(md.length).toBeGreaterThan(DEFAULT_MAX_CHARS - 2_000);
  });

  test("keeps the whole summary and the small plan, and cuts the big one with a note and the run link", () => {
    expect(md).toContain("🔴 **`alice` loses admin on `Test-User/techblue-dev`**");
    expect(md).toContain("```mermaid");
    expect(md).toContain("No changes. Your infrastructure matches the configuration.");
    expect(md).toMatch(new RegExp(`✂️ Plan truncated to fit the comment: [\\d,]+ of ${big.length.toLocaleString("en-US")} characters \\([\\d,]+ lines\\) not shown; see the full plan in the workflow run: ${RUN.replace(/[./]/g, "\\$&")}\\.`));
    // Cut at a line end, and the fence is closed.
    expect(md).toMatch(/\n```\n\n✂️ Plan truncated/);
    expect(md.trimEnd().endsWith("</sub>")).toBe(true);
  });

  test("--max-chars is honoured for small limits too", () => {
    for (const max of [20_000, 5_000, 3_000, 500, 50]) {
      expect(renderComment([aws, { ...github, planText: big }], { runUrl: RUN, maxChars: max }).length).toBeLessThanOrEqual(max);
    }
  });

  test("without a run URL the note still says where the full plan is", () => {
    expect(renderComment([aws, { ...github, planText: big }])).toContain("see the full plan with terraform show on the plan file");
  });
});

describe("a summary too long on its own", () => {
  // 4,000 people lose access to one repository: the access table alone exceeds the limit.
  const users = Array.from({ length: 4000 }, (_, i) => [`user-${i}`, "push"] as [string, string]);
  const plan = planOf(
    "github-acme",
    [
      {
        address: "github_repository_collaborators.web",
        actions: ["update"],
        before: collaborators("web", [["alice", "admin"], ...users]),
        after: collaborators("web", []),
      },
    ],
    githubProvider("acme"),
  );
  const input: StackInput = { plan, planText: hugePlanText(200) };
  const md = renderComment([input], { runUrl: RUN });

  test("truncates its long tables with a note and the run link, and keeps the risk flags", () => {
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(md).toContain("**Last admin of `acme/web` removed**");
    expect(md).toMatch(new RegExp(`… and [\\d,]+ more rows not shown to keep the comment within GitHub's size limit; see the full plan in the workflow run: ${RUN.replace(/[./]/g, "\\$&")}\\.`));
    expect(md).toContain("| `acme/web` | `alice` | removed (was admin) ⚠️ |");
  });
});

describe("fences", () => {
  test("a plan text holding ``` cannot close its code block", () => {
    const [aws] = fixtureInputs("seed-000", [AWS_STACK]);
    const md = renderComment([{ ...aws, planText: "  + content = <<-EOT\n        ```yaml\n        x: 1\n        ```\n    EOT\n" }]);
    expect(md).toContain("````diff\n");
    expect(md).toContain("\n````\n");
  });
});

test("allocate: short plans whole, long ones share the rest", () => {
  expect(allocate([100, 10_000, 50_000], 20_000)).toEqual([100, 9_950, 9_950]);
  expect(allocate([100, 200], 1_000)).toEqual([100, 200]);
  expect(allocate([100], -5)).toEqual([0]);
});
