/** domain/github.ts: the GitHub facts the stacks write and the rules, diagnose and plan summary read. */
import { ACTIONS, GENERATED_MARKER, repositoryUrl, variableOfExpression, WORKFLOW_DIR, workflowPath } from "../../domain/github";
import { ACTION_PINS } from "../../workflows/action-pins";

test("workflow files live in .github/workflows/", () => {
  expect(workflowPath("build.yml")).toBe(".github/workflows/build.yml");
  expect(workflowPath("build.yml").startsWith(WORKFLOW_DIR)).toBe(true);
});

test("the generated-file marker is a YAML comment line", () => {
  expect(GENERATED_MARKER).toMatch(/^# [^\n]+$/);
});

test("a repository's clone URL", () => {
  expect(repositoryUrl("octo-org", "app")).toBe("https://github.com/octo-org/app.git");
});

test("the actions the rules recognise by name are the ones the generated workflows pin", () => {
  // A renamed pin would otherwise leave OIDC-009 and WF-004 silently checking nothing.
  expect(ACTION_PINS[ACTIONS.checkout].action).toBe(ACTIONS.checkout);
  expect(ACTION_PINS[ACTIONS.configureAwsCredentials].action).toBe(ACTIONS.configureAwsCredentials);
});

describe("variableOfExpression", () => {
  it.each([
    ["${{ vars.AWS_ROLE_ARN_DEPLOY }}", "AWS_ROLE_ARN_DEPLOY"],
    ["${{vars.X}}", "X"],
    ["${{   vars._a1   }}", "_a1"],
    ["${{ secrets.X }}", undefined],
    ["${{ vars.X }}-suffix", undefined],
    ["arn:aws:iam::000123456789:role/deploy", undefined],
    ["${{ vars.1X }}", undefined],
  ])("%s reads %s", (expression, variable) => {
    expect(variableOfExpression(expression)).toBe(variable);
  });
});
