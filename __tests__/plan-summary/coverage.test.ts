/**
 * The summary interprets every resource type the template synthesizes: none of the template's own
 * resources may land in "types outside this template" (the example config with `self` on, so the
 * deployment environment and its variables are there too).
 */
import { parse } from "yaml";
import { parseConfig } from "../../config/load";
import { buildGuardedPlatform } from "../helpers/platform";
import { KNOWN_TYPES } from "../../plan-summary/summary";
import { EXAMPLE_TEXT } from "../helpers/example";
import { withSelf } from "../helpers/self";
import { synthStack, testApp } from "../helpers/synth";
import { TerraformStack } from "cdktf";

test("every synthesized resource type is one the summary reads", () => {
  const doc = parse(EXAMPLE_TEXT);
  withSelf(doc);
  const app = testApp();
  buildGuardedPlatform(app, parseConfig(JSON.stringify(doc)));
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
  const types = new Set(stacks.flatMap((s) => Object.keys((synthStack(s) as { resource?: Record<string, unknown> }).resource ?? {})));
  expect(types.has("github_repository_environment")).toBe(true);
  expect([...types].filter((t) => !KNOWN_TYPES.has(t))).toEqual([]);
});
