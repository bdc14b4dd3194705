import type { Rule } from "../../types";

const SECRET_TYPES = ["github_actions_secret", "github_actions_environment_secret", "github_actions_organization_secret"];
const VARIABLE_TYPES = ["github_actions_variable", "github_actions_environment_variable", "github_actions_organization_variable"];

/** What a secret looks like, by kind; a match is reported by kind only, never quoted (it would land in the synth log). */
const SECRET_SHAPES: readonly [string, RegExp][] = [
  ["an AWS access key id (AKIA...)", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a GitHub token (ghp_/gho_/ghs_/ghu_/ghr_...)", /\bgh[pousr]_[A-Za-z0-9]/],
  ["a GitHub fine-grained token (github_pat_...)", /\bgithub_pat_[A-Za-z0-9_]/],
  ["a PEM private key", /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/],
  ["a Slack token (xoxb-/xoxp-...)", /\bxox[abprs]-/],
];

export const GH_008: Rule = {
  id: "GH-008",
  title: "No plaintext_value Actions secrets, and no secret-looking Actions variable values",
  why: "a plaintext_value sits in cdk.tf.json, the plan and the Terraform state; a variable is shown to anyone who can read the repository and printed unmasked in logs",
  fix: "set secrets outside Terraform (gh secret set) or pass encrypted_value; never put a credential under a repository's variables in platform.yaml, and rotate any that was",
  source: "GitHub docs: Using secrets in GitHub Actions / Store information in variables; terraform-provider-github github_actions_secret (plaintext_value is stored in state)",
  resourceTypes: [...SECRET_TYPES, ...VARIABLE_TYPES],
  check(resource) {
    const c = resource.config;
    if (SECRET_TYPES.includes(resource.type)) {
      if (c.plaintext_value === undefined || c.plaintext_value === null) return undefined;
      return `secret ${JSON.stringify(c.secret_name)} sets plaintext_value (value not shown)`;
    }
    if (typeof c.value !== "string") return undefined;
    const kind = SECRET_SHAPES.find(([, shape]) => shape.test(c.value))?.[0];
    return kind ? `variable ${JSON.stringify(c.variable_name)} holds what looks like ${kind} (value not shown)` : undefined;
  },
};
