import { isIssuableSubject, parseSubject, SUB_KEY } from "../../../domain/oidc";
import type { Rule } from "../../types";
import { entriesFor, githubStatements } from "./github-trust";

export const OIDC_010: Rule = {
  id: "OIDC-010",
  title: "A role trusts one subject format per repository, or exactly both during a migration",
  why: "GitHub sends either repo:owner/repo:... (legacy) or repo:owner@ID/repo@ID:... (immutable, the default for repositories created, renamed or transferred since 2026-07-15); a migration that lists the forms unevenly denies some jobs after the switch",
  fix: "set the repository's subjectFormat (legacy, immutable or both) and let the template write the subjects",
  source: "GitHub changelog: immutable OIDC subject claims (2026)",
  resourceTypes: ["aws_iam_role"],
  check(role) {
    // repository (owner/repo, case kept) -> format -> suffixes
    const byRepo = new Map<string, { legacy: Set<string>; immutable: Set<string> }>();
    for (const s of githubStatements(role)) {
      for (const e of entriesFor(s, SUB_KEY)) {
        for (const value of e.values) {
          const parts = parseSubject(value);
          if (!parts || !isIssuableSubject(parts)) continue; // OIDC-006 reports it
          const key = `${parts.owner}/${parts.repository}`;
          if (!byRepo.has(key)) byRepo.set(key, { legacy: new Set(), immutable: new Set() });
          const entry = byRepo.get(key)!;
          const immutable = parts.form === "immutable";
          if (immutable && (parts.ownerId === undefined || parts.repositoryId === undefined)) continue; // half-immutable: OIDC-009 shows it never matches
          (immutable ? entry.immutable : entry.legacy).add(parts.context);
        }
      }
    }
    const problems: string[] = [];
    for (const [repo, { legacy, immutable }] of byRepo) {
      if (legacy.size === 0 || immutable.size === 0) continue;
      const onlyLegacy = [...legacy].filter((x) => !immutable.has(x));
      const onlyImmutable = [...immutable].filter((x) => !legacy.has(x));
      if (onlyLegacy.length + onlyImmutable.length > 0) {
        problems.push(
          `${repo} is trusted in both subject formats but not for the same refs (legacy only: ${onlyLegacy.join(", ") || "none"}; immutable only: ${onlyImmutable.join(", ") || "none"})`,
        );
      }
    }
    return problems;
  },
};
