/**
 * What the synthesized trust policies say about each repository's OIDC identity: the subject
 * form(s) they name it in (legacy `repo:O/R`, immutable `repo:O@ID/R@ID`) and its numeric ids.
 *
 * GitHub sends one subject form per repository (a repository setting no resource of the github
 * provider 6.9 carries), so OIDC-009 reads it where the app states it: the trust policies. A role
 * that names the repository in the immutable form means the app expects GitHub to send that form;
 * both forms anywhere in the app mean a migration, during which a job's token may carry either.
 * A hand-added workflow resource of that repository is therefore checked in the same form.
 */
import { claimKey, parseSubject, SUB_KEY, type SubjectFormat } from "../../../domain/oidc";
import { entriesFor, githubStatements } from "../oidc/github-trust";
import type { AppView } from "../../types";

export interface SubjectIdentity {
  readonly owner: string;
  readonly repository: string;
  readonly format: SubjectFormat;
  readonly ownerId?: number;
  readonly repositoryId?: number;
  /** Roles whose trust policies name the repository, for messages. */
  readonly roles: readonly string[];
  /** Different numeric ids the app gives the repository (a token carries one: all but one are wrong). */
  readonly conflictingIds: readonly string[];
}

const REPOSITORY_ID = claimKey("repository_id");

export function identityKey(owner: string, repository: string): string {
  // GitHub compares owner and repository names ignoring case.
  return `${owner.toLowerCase()}/${repository.toLowerCase()}`;
}

interface Gathered {
  owner: string;
  repository: string;
  legacy: boolean;
  immutable: boolean;
  ownerIds: Set<number>;
  repositoryIds: Set<number>;
  roles: Set<string>;
}

/** Per `owner/repo` (lower case): the identity the app's trust policies give it. Computed once per synth. */
export function subjectIdentities(app: AppView): ReadonlyMap<string, SubjectIdentity> {
  return app.memo("subject-identities", () => {
    const gathered = new Map<string, Gathered>();
    const entry = (owner: string, repository: string): Gathered => {
      const key = identityKey(owner, repository);
      let g = gathered.get(key);
      if (g === undefined) {
        g = { owner, repository, legacy: false, immutable: false, ownerIds: new Set(), repositoryIds: new Set(), roles: new Set() };
        gathered.set(key, g);
      }
      return g;
    };
    for (const role of app.ofType("aws_iam_role")) {
      const roleName = String(role.config.name ?? role.name);
      for (const s of githubStatements(role)) {
        const named = new Set<Gathered>();
        for (const e of entriesFor(s, SUB_KEY)) {
          for (const value of e.values) {
            const parts = parseSubject(value);
            if (!parts) continue; // OIDC-006 reports it
            const g = entry(parts.owner, parts.repository);
            named.add(g);
            g.roles.add(roleName);
            if (parts.ownerId !== undefined && parts.repositoryId !== undefined) {
              g.immutable = true;
              g.ownerIds.add(Number(parts.ownerId));
              g.repositoryIds.add(Number(parts.repositoryId));
            } else if (parts.ownerId === undefined && parts.repositoryId === undefined) {
              g.legacy = true;
            } // half-immutable: no form GitHub sends (OIDC-010, and this rule's evaluation, show it)
          }
        }
        // A repository_id pinned next to one repository's subjects is that repository's id.
        if (named.size === 1) {
          const [g] = named;
          for (const e of entriesFor(s, REPOSITORY_ID)) {
            if (e.operator !== "StringEquals") continue;
            for (const v of e.values) if (/^\d+$/.test(v)) g.repositoryIds.add(Number(v));
          }
        }
      }
    }
    const out = new Map<string, SubjectIdentity>();
    for (const [key, g] of gathered) {
      const format: SubjectFormat = g.legacy && g.immutable ? "both" : g.immutable ? "immutable" : "legacy";
      const ids = [...g.repositoryIds];
      out.set(key, {
        owner: g.owner,
        repository: g.repository,
        format,
        ownerId: [...g.ownerIds][0],
        repositoryId: ids[0],
        roles: [...g.roles].sort(),
        conflictingIds: ids.length > 1 ? ids.map(String) : [],
      });
    }
    return out;
  });
}
