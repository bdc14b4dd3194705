import type { Rule } from "../../types";
import { terraformStringValue } from "../../../modules/terraform-text";
import { secretNameWord, secretValueKind } from "./gh-008-secret-shapes";

const SECRET_TYPES = ["github_actions_secret", "github_actions_environment_secret", "github_actions_organization_secret"];
const VARIABLE_TYPES = ["github_actions_variable", "github_actions_environment_variable", "github_actions_organization_variable"];

/**
 * Variables the template derives from role and ECR names (domain/github.ts): a role called
 * token-service gives AWS_ROLE_ARN_TOKEN_SERVICE. Their name says nothing about a secret as long
 * as the value has the derived shape (a role ARN, an ECR repository name).
 */
const DERIVED_VARIABLES: readonly [RegExp, RegExp][] = [
  [/^AWS_ROLE_ARN_/, /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/],
  [/^ECR_REPOSITORY_/, /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/],
];

function derived(name: string, value: string): boolean {
  return DERIVED_VARIABLES.some(([prefix, shape]) => prefix.test(name) && shape.test(value));
}

export const GH_008: Rule = {
  id: "GH-008",
  title: "No plaintext_value Actions secrets, and no secret-looking Actions variable values or names",
  why: "a plaintext_value sits in cdk.tf.json, the plan and the Terraform state; a variable is shown to anyone who can read the repository and printed unmasked in logs, so a value shaped like a credential (or a variable named PASSWORD, SECRET, TOKEN, PRIVATE_KEY, CREDENTIAL) is a leaked secret",
  fix: "set secrets outside Terraform (gh secret set NAME) and read them as secrets.NAME, or pass encrypted_value; never put a credential under a repository's variables in platform.yaml, and rotate any that was",
  source: "GitHub docs: Using secrets in GitHub Actions / Store information in variables; terraform-provider-github github_actions_secret (plaintext_value is stored in state)",
  resourceTypes: [...SECRET_TYPES, ...VARIABLE_TYPES],
  check(resource) {
    const c = resource.config;
    if (SECRET_TYPES.includes(resource.type)) {
      if (c.plaintext_value === undefined || c.plaintext_value === null) return undefined;
      return `secret ${JSON.stringify(c.secret_name)} sets plaintext_value (value not shown)`;
    }
    if (typeof c.value !== "string") return undefined;
    // The value GitHub will store: Terraform's evaluation of the literal the template wrote.
    const value = terraformStringValue(c.value);
    const name = JSON.stringify(c.variable_name);
    // The value is never quoted: it would land in the synth log.
    const kind = secretValueKind(value);
    if (kind) return `variable ${name} holds what looks like ${kind} (value not shown)`;
    const word = typeof c.variable_name === "string" ? secretNameWord(c.variable_name, value) : undefined;
    if (word && !derived(c.variable_name, value)) {
      return `variable ${name} is named like a secret (${word}): variables are readable by anyone with read access to the repository and printed unmasked in logs (value not shown)`;
    }
    return undefined;
  },
};
