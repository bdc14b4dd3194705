import { EVERY_BLOCK, type Rule } from "../../types";
import { foreignExpressions, mayHoldTemplate } from "./expressions";

/** `a.b[0].c`, `tags["x y"]`: where in the block a string sits. */
function pathText(path: readonly (string | number)[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out === "" ? JSON.stringify(key) : `[${JSON.stringify(key)}]`;
    else out += out === "" ? key : `.${key}`;
  }
  return out;
}

/**
 * Every string and map key of a value (Terraform's JSON syntax reads keys as templates too). The
 * path is one array, pushed and popped: only a finding turns it into text.
 */
function collect(value: unknown, path: (string | number)[], out: string[]): void {
  if (typeof value === "string") {
    if (!mayHoldTemplate(value)) return;
    for (const f of foreignExpressions(value)) out.push(`${pathText(path) || "value"} holds ${f.expression}: ${f.problems.join("; ")}`);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      collect(value[i], path, out);
      path.pop();
    }
  } else if (typeof value === "object" && value !== null) {
    for (const k in value) {
      // Terraform ignores "//" at the top of a block: cdktf's metadata, not configuration.
      if (path.length === 0 && k === "//") continue;
      if (mayHoldTemplate(k)) {
        for (const f of foreignExpressions(k)) {
          out.push(`the key ${JSON.stringify(k)} of ${pathText(path) || "the block"} holds ${f.expression}: ${f.problems.join("; ")}`);
        }
      }
      path.push(k);
      collect((value as Record<string, unknown>)[k], path, out);
      path.pop();
    }
  }
}

export const TF_001: Rule = {
  id: "TF-001",
  title: "No string Terraform reads holds an expression or directive the template did not generate",
  why: "Terraform evaluates ${...} and %{...} in every string of cdk.tf.json: a config value or hand-written attribute holding ${file(\"/proc/self/environ\")} prints the plan job's credentials into the plan, filebase64 behind an unknown value writes the deploy job's into a resource at apply, base64decode turns a literal into *, and a reference to another resource's description splices text into a trust policy (which then reads \"known after apply\" in review)",
  fix: "write literal text (escape ${ as $${ and %{ as %%{; the template's modules do this for every argument through modules/terraform-text.ts); use cdktf references (resource.arn) for values of other resources, never text that spells an expression",
  source: "Terraform docs: String templates (interpolation, directives, $${ and %%{ escapes), JSON configuration syntax (keys and values are templates); issue 9 (expression injection)",
  resourceTypes: [EVERY_BLOCK],
  check(resource) {
    const problems: string[] = [];
    collect(resource.config, [], problems);
    return problems.length > 0 ? problems : undefined;
  },
};
