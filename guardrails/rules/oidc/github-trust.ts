/** Reading the GitHub OIDC parts of trust policies, shared by the OIDC rules. */
import { isClaimKey, OIDC_HOST } from "../../../domain/oidc";
import type { Statement } from "../../../iam/policy";
import { asArray, trustStatements } from "../../support";
import type { SynthResource } from "../../types";

/** Does this statement trust GitHub's OIDC provider (by principal or by its condition keys)? */
export function isGithubStatement(s: Statement): boolean {
  const federated = asArray((s.Principal as { Federated?: string | string[] } | undefined)?.Federated);
  if (federated.some((f) => typeof f === "string" && f.includes(OIDC_HOST))) return true;
  return Object.values(s.Condition ?? {}).some((keys) => Object.keys(keys ?? {}).some(isClaimKey));
}

export function githubStatements(role: SynthResource): Statement[] {
  return trustStatements(role).filter(isGithubStatement);
}

export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

/** Every operator/key/values triple of a statement, keys compared case-insensitively. */
export function conditionEntries(s: Statement): ConditionEntry[] {
  return Object.entries(s.Condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys ?? {}).map(([key, values]) => ({ operator, key: key.toLowerCase(), values: asArray(values).map(String) })),
  );
}

export function entriesFor(s: Statement, key: string): ConditionEntry[] {
  return conditionEntries(s).filter((e) => e.key === key.toLowerCase());
}

/** Statement label for messages: its Sid or its position. */
export function label(s: Statement, index: number): string {
  return s.Sid ? `statement "${s.Sid}"` : `statement ${index + 1}`;
}

