import { codebuildProject as projectOfLabel, mermaidLabel, trustMap, workflowLinks } from "../../plan-summary/trust-map";
import { lineDiff } from "../../plan-summary/line-diff";
import { analyse } from "../../plan-summary/summary";
import { codebuildProject, githubProvider, planOf } from "./helpers";

const workflow = (roleRef: string, runsOn = "ubuntu-24.04") =>
  [
    "name: x",
    "on:",
    "  push:",
    "jobs:",
    "  a:",
    `    runs-on: ${runsOn}`,
    "    steps:",
    "      - uses: aws-actions/configure-aws-credentials@0000000000000000000000000000000000000000",
    "        with:",
    `          role-to-assume: ${roleRef}`,
    "",
  ].join("\n");

describe("Mermaid output", () => {
  const names = 'we"ird/na-me.v1 <b>`x`</b> #1';
  const plan = planOf(
    "github-x",
    [
      { address: "github_repository_file.f", actions: ["create"], after: { repository: names, file: ".github/workflows/a.b-c.yml", content: workflow("${{ vars.ROLE }}") } },
      { address: "github_actions_variable.v", actions: ["create"], after: { repository: names, variable_name: "ROLE", value: `arn:aws:iam::1:role/path/${names}` } },
    ],
    githubProvider("o.r-g"),
  );
  const map = trustMap({ changes: plan.changes, owners: new Map([["github-x", "o.r-g"]]) }, { maxEdges: 100 });
  const lines = map.markdown!.split("\n");

  test("node ids are generated (n0, n1, ...) and every label is quoted with its special characters as entity codes", () => {
    const nodes = lines.filter((l) => /^ {2}n\d+\W/.test(l) && !l.includes("-->") && !l.includes("==>"));
    expect(nodes.length).toBe(3);
    for (const n of nodes) {
      expect(n).toMatch(/^ {2}n\d+(\[|\(\[|\{\{|\[\(|\[\[|>|\[\/)"[^"`<>]*"(\]|\]\)|\}\}|\)\]|\]\]|\/\])$/);
    }
    expect(map.markdown).toContain("#quot;");
    expect(map.markdown).toContain("#lt;b#gt;");
    expect(map.markdown).toContain("#96;x#96;");
    expect(map.markdown).toContain("#35;1");
  });

  test("edges use the generated ids: repository -> workflow -> role", () => {
    const edges = lines.filter((l) => /^ {2}n\d+ (-->|==>|-\.->) n\d+$/.test(l));
    expect(edges).toHaveLength(2);
  });

  test("mermaidLabel keeps labels on one line and short", () => {
    expect(mermaidLabel("a\nb")).toBe("a b");
    expect(mermaidLabel("x".repeat(500)).length).toBe(120);
  });
});

describe("workflow links", () => {
  test("role-to-assume and codebuild runs-on labels, project names with dashes", () => {
    const text = workflow("${{ vars.AWS_ROLE_ARN_A }}", "codebuild-my-runner-2-${{ github.run_id }}-${{ github.run_attempt }}");
    expect(workflowLinks(text, ["my-runner", "my-runner-2"])).toEqual({ roles: ["${{ vars.AWS_ROLE_ARN_A }}"], projects: ["my-runner-2"] });
    expect(projectOfLabel("codebuild-my-runner-2-${{ github.run_id }}-${{ github.run_attempt }}", [])).toBe("my-runner-2");
    expect(projectOfLabel("ubuntu-24.04", [])).toBeUndefined();
  });

  test("YAML that does not parse yields no links instead of an error", () => {
    expect(workflowLinks("jobs: [unclosed", [])).toEqual({ roles: [], projects: [] });
    expect(workflowLinks("just a string", [])).toEqual({ roles: [], projects: [] });
  });

  test("a variable that is not in the plans, or unknown, is named as such", () => {
    const plan = planOf("github-x", [
      { address: "github_repository_file.f", actions: ["create"], after: { repository: "r", file: ".github/workflows/a.yml", content: workflow("${{ vars.MISSING }}") } },
      { address: "github_repository_file.g", actions: ["create"], after: { repository: "r", file: ".github/workflows/b.yml", content: workflow("${{ vars.LATER }}") } },
      { address: "github_actions_variable.v", actions: ["create"], after: { repository: "r", variable_name: "LATER" }, after_unknown: { value: true } },
    ]);
    const map = trustMap({ changes: plan.changes, owners: new Map() }, { maxEdges: 100 });
    expect(map.markdown).toContain('"vars.MISSING (not set by these plans)"');
    expect(map.markdown).toContain('"vars.LATER (known after apply)"');
  });
});

describe("large maps", () => {
  const many = (n: number, changed: number) =>
    planOf(
      "aws",
      Array.from({ length: n }, (_, i) => ({
        address: `aws_codebuild_project.p${i}`,
        actions: [i < changed ? "update" : "no-op"],
        before: codebuildProject(`p${i}`, {}),
        after: codebuildProject(`p${i}`, {}),
      })),
    ).changes;

  test("beyond the edge limit only the parts the plan touches are drawn, beyond that none", () => {
    const some = trustMap({ changes: many(100, 2), owners: new Map() }, { maxEdges: 50 });
    expect(some.note).toMatch(/Only the parts of the trust map this plan touches are drawn \(200 links in all\)/);
    // Two changed projects, each with its service role; all runners share the one connection.
    expect(some.markdown).toContain('"CodeBuild: p0 (changed)"');
    const none = trustMap({ changes: many(100, 100), owners: new Map() }, { maxEdges: 50 });
    expect(none.markdown).toBeUndefined();
    expect(none.note).toMatch(/Trust map omitted/);
  });

  test("a summary with nothing to map has no trust map section", () => {
    const a = analyse([planOf("x", [{ address: "weird_thing.a", actions: ["create"], after: {} }])]);
    expect(trustMap({ changes: a.changes, owners: new Map() }, { maxEdges: 10 }).markdown).toBeUndefined();
  });
});

test("line diff: counts and hunks with context", () => {
  const before = ["a", "b", "c", "d", "e", "f", "g", "h"].join("\n") + "\n";
  const after = ["a", "b", "C", "d", "e", "f", "g", "h", "i"].join("\n") + "\n";
  const d = lineDiff(before, after, 1);
  expect([d.added, d.removed]).toEqual([2, 1]);
  expect(d.lines).toEqual([" b", "-c", "+C", " d", "…", " h", "+i"]);
});

test("a role-to-assume variable that is no role ARN is drawn by name, never by value", () => {
  const plan = planOf("github-x", [
    { address: "github_repository_file.f", actions: ["create"], after: { repository: "web", file: ".github/workflows/a.yml", content: workflow("${{ vars.ROLE }}") } },
    { address: "github_actions_variable.v", actions: ["create"], after: { repository: "web", variable_name: "ROLE", value: "not-an-arn-but-a-pasted-token-0123456789" } },
  ]);
  const map = trustMap({ changes: plan.changes, owners: new Map() }, { maxEdges: 100 }).markdown!;
  expect(map).toContain('"vars.ROLE (not a role ARN)"');
  expect(map).not.toContain("pasted-token");
});
