/** Reading the CLI's inputs: `<dir>/<stack>.json` (terraform show -json) and the optional `<dir>/<stack>.txt` beside it. */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parsePlan, PlanInputError, type StackPlan } from "./plan";
import type { StackInput } from "./summary";

function stackName(file: string): string {
  return basename(file).replace(/\.json$/i, "");
}

/** One stack's plan from `terraform show -json` in `file`; unreadable or not a plan: PlanInputError. */
export function readPlanFile(file: string): StackPlan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PlanInputError(`${file}: ${code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a folder, not a plan file" : `cannot read it (${code ?? String(e)})`}`);
  }
  return parsePlan(text, stackName(file), file);
}

export function readStackInput(file: string): StackInput {
  const plan = readPlanFile(file);
  const stack = stackName(file);
  const textFile = join(dirname(file), `${stack}.txt`);
  let planText: string | undefined;
  if (existsSync(textFile)) {
    try {
      planText = readFileSync(textFile, "utf8");
    } catch (e) {
      throw new PlanInputError(`${textFile}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  return { plan, planText };
}
