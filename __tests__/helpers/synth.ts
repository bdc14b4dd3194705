import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing, TerraformStack } from "cdktf";
import type { Construct } from "constructs";

export type Synthesized = {
  resource?: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value: unknown; description?: string }>;
  terraform?: Record<string, any>;
  provider?: Record<string, any[]>;
};

/** One outdir per test worker (Testing.app() would leave a new temp folder per call). */
const TEST_OUTDIR = join(tmpdir(), `cdktf-tests-${process.pid}`);

export function removeTestOutdir(): void {
  rmSync(TEST_OUTDIR, { recursive: true, force: true });
}

export function testApp(): App {
  return Testing.app({ outdir: TEST_OUTDIR });
}

/** Synthesizes what `build` adds to a fresh stack and returns the parsed Terraform JSON. */
export function synthJson(build: (scope: Construct) => void): Synthesized {
  const stack = new TerraformStack(testApp(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

export function synthStack(stack: TerraformStack): Synthesized {
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

/** All resources of one Terraform type. */
export function resourcesOf(json: Synthesized, type: string): Record<string, any>[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** The only resource of a type; fails the test when there is not exactly one. */
export function onlyResource(json: Synthesized, type: string): Record<string, any> {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}
