import { parse } from "yaml";
import { ACTION_PINS, pinned, type PinnedActionName } from "../../workflows/action-pins";
import { imageBuildPushWorkflow } from "../../workflows/image-build-push";
import type { Workflow } from "../../workflows/model";
import { GENERATED_MARKER } from "../../domain/github";
import { escapeForTerraform, renderWorkflow, unescapeFromTerraform } from "../../workflows/render";

const githubHosted = imageBuildPushWorkflow({
  name: "Build and push app",
  triggers: { branches: ["main"], tags: ["v*"] },
  runner: { kind: "github-hosted", label: "ubuntu-24.04", roleArnVariable: "AWS_ROLE_ARN_APP_PUSH" },
  ecrRepositoryVariable: "ECR_REPOSITORY_APP",
  regionVariable: "AWS_REGION",
  dockerfile: "Dockerfile",
  context: ".",
});
const rendered = renderWorkflow(githubHosted, { source: "platform.yaml" });

/** A minimal valid model to break one rule at a time. */
const minimal: Workflow = {
  name: "Minimal",
  on: { push: { branches: ["main"] } },
  permissions: {},
  jobs: {
    one: {
      name: "One",
      runsOn: "ubuntu-24.04",
      permissions: { contents: "read" },
      timeoutMinutes: 5,
      steps: [{ name: "Check out", uses: pinned("actions/checkout") }],
    },
  },
};

describe("renderWorkflow", () => {
  test("starts with the generated-file header naming the source", () => {
    const lines = rendered.split("\n");
    expect(lines[0]).toBe(`${GENERATED_MARKER} from platform.yaml.`);
    expect(lines[1]).toBe("# Do not edit: change the platform config and run cdktf deploy; edits here are overwritten.");
  });

  test("has permissions: {} at the workflow level and keys in the conventional order", () => {
    expect(rendered).toMatch(/^permissions: \{\}$/m);
    const doc = parse(rendered) as Record<string, unknown>;
    expect(doc.permissions).toEqual({});
    expect(Object.keys(doc)).toEqual(["name", "on", "permissions", "concurrency", "jobs"]);
  });

  test("pins every uses: to a 40-hex SHA with the matching # vX.Y.Z comment", () => {
    const usesLines = rendered.split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
    // checkout, configure-aws-credentials, amazon-ecr-login
    expect(usesLines).toHaveLength(3);
    for (const line of usesLines) {
      const m = /^\s*(?:- )?uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
      expect(m).not.toBeNull();
      const [, action, sha, version] = m!;
      const pin = ACTION_PINS[action as PinnedActionName];
      expect(pin).toBeDefined();
      expect(sha).toBe(pin.sha);
      expect(version).toBe(pin.tag);
    }
    // The comment is YAML syntax, not part of the value.
    const steps = (parse(rendered) as { jobs: Record<string, { steps: { uses?: string }[] }> }).jobs["build-and-push"].steps;
    expect(steps[0].uses).toBe(`actions/checkout@${ACTION_PINS["actions/checkout"].sha}`);
  });

  test("every pin names its own action and a full SHA", () => {
    for (const [key, pin] of Object.entries(ACTION_PINS)) {
      expect(pin.action).toBe(key);
      expect(pin.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(pin.tag).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(pinned(key as PinnedActionName)).toEqual({ uses: `${key}@${pin.sha}`, version: pin.tag });
    }
  });

  test("writes multi-line run: scripts as block literals", () => {
    expect(rendered).toMatch(/^ {8}run: \|$/m);
    const steps = (parse(rendered) as { jobs: Record<string, { steps: { run?: string }[] }> }).jobs["build-and-push"].steps;
    const run = steps.find((s) => s.run !== undefined)!.run!;
    expect(run.split("\n").length).toBeGreaterThan(2);
  });

  test("keeps long values on one line", () => {
    const long = { ...minimal, name: "A".repeat(150) };
    expect(renderWorkflow(long, { source: "platform.yaml" })).toContain(`name: ${"A".repeat(150)}\n`);
  });

  test("is deterministic and ends with exactly one newline", () => {
    expect(renderWorkflow(githubHosted, { source: "platform.yaml" })).toBe(rendered);
    expect(rendered.endsWith("\n")).toBe(true);
    expect(rendered.endsWith("\n\n")).toBe(false);
  });

  test("renders only the push filters that are set", () => {
    const doc = parse(renderWorkflow(minimal, { source: "x" })) as { on: { push: Record<string, unknown> } };
    expect(doc.on.push).toEqual({ branches: ["main"] });
  });

  describe("refuses models that break a rule", () => {
    const render = (m: Workflow, source = "platform.yaml") => () => renderWorkflow(m, { source });

    test("workflow-level permissions (WF-001)", () => {
      const bad = { ...minimal, permissions: { contents: "read" } } as unknown as Workflow;
      expect(render(bad)).toThrow(/WF-001/);
    });
    test("a job without permissions (WF-001)", () => {
      const bad: Workflow = { ...minimal, jobs: { one: { ...minimal.jobs.one, permissions: {} } } };
      expect(render(bad)).toThrow(/WF-001/);
    });
    test("an action not pinned to a SHA (WF-002)", () => {
      const step = { name: "Check out", uses: { uses: "actions/checkout@v7", version: "v7.0.1" } };
      const bad: Workflow = { ...minimal, jobs: { one: { ...minimal.jobs.one, steps: [step] } } };
      expect(render(bad)).toThrow(/WF-002/);
    });
    test("an expression inside run: (WF-003)", () => {
      const step = { name: "Echo", run: 'echo "${{ github.event.head_commit.message }}"' };
      const bad: Workflow = { ...minimal, jobs: { one: { ...minimal.jobs.one, steps: [step] } } };
      expect(render(bad)).toThrow(/WF-003/);
    });
    test("a push trigger without filters", () => {
      expect(render({ ...minimal, on: { push: { branches: [], tags: [] } } })).toThrow(/at least one branch or tag/);
    });
    test("a source that would end the header comment", () => {
      expect(render(minimal, "platform.yaml\non: pull_request_target")).toThrow(/one line/);
    });
  });
});

describe("escapeForTerraform / unescapeFromTerraform", () => {
  const cases: [string, string][] = [
    ["${{ github.sha }}", "$${{ github.sha }}"],
    ["%{ if x }", "%%{ if x }"],
    ["already $${ escaped", "already $$${ escaped"],
    ["already %%{ escaped", "already %%%{ escaped"],
    ["costs $5 and 50%", "costs $5 and 50%"],
    ["run: echo \"$HOME\"\n${HOME}", "run: echo \"$HOME\"\n$${HOME}"],
    // One line with a quote and ${: each special character as an interpolation of a quoted
    // literal, which `cdktf synth --hcl` cannot turn into an expression (modules/terraform-text.ts).
    ['run: echo "$HOME" ${HOME}', 'run: echo ${"\\""}${"$"}HOME${"\\""} ${"$"}{HOME}'],
  ];

  test.each(cases)("escapes %j", (input, escaped) => {
    expect(escapeForTerraform(input)).toBe(escaped);
    expect(unescapeFromTerraform(escaped)).toBe(input);
  });

  test("round-trips every string over $ % { } a up to length 6, leaving no bare ${ or %{", () => {
    const alphabet = ["$", "%", "{", "}", "a"];
    let strings = [""];
    let checked = 0;
    for (let len = 1; len <= 6; len++) {
      strings = strings.flatMap((s) => alphabet.map((c) => s + c));
      for (const s of strings) {
        const e = escapeForTerraform(s);
        if (unescapeFromTerraform(e) !== s) throw new Error(`round trip failed for ${JSON.stringify(s)}`);
        // Every ${ / %{ Terraform sees must be the second half of its escape $${ / %%{.
        for (let i = e.indexOf("${"); i !== -1; i = e.indexOf("${", i + 1)) {
          if (e[i - 1] !== "$") throw new Error(`bare \${ in ${JSON.stringify(e)}`);
        }
        for (let i = e.indexOf("%{"); i !== -1; i = e.indexOf("%{", i + 1)) {
          if (e[i - 1] !== "%") throw new Error(`bare %{ in ${JSON.stringify(e)}`);
        }
        checked++;
      }
    }
    expect(checked).toBe(5 + 25 + 125 + 625 + 3125 + 15625);
  });

  test("round-trips a rendered workflow", () => {
    expect(escapeForTerraform(rendered)).not.toBe(rendered);
    expect(unescapeFromTerraform(escapeForTerraform(rendered))).toBe(rendered);
  });
});
