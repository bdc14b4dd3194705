/** Helpers the github rules share: which resources grant repository access, and for which repository. */
import { githubOwner, isReference } from "../../support";
import type { AppView, SynthResource } from "../../types";

/** The three ways the provider manages who may access a repository (GH-005). */
export const ACCESS_TYPES = ["github_repository_collaborators", "github_repository_collaborator", "github_team_repository"] as const;

/**
 * Which repository a resource manages, as a key comparable across the app: `owner/name` by the
 * stack's github provider (two stacks of one owner manage the same repositories), or the reference
 * itself, per stack, when the name is known only at apply.
 */
export function repositoryKey(app: AppView, resource: SynthResource): string {
  const repository = String(resource.config.repository ?? "");
  if (isReference(repository)) return `${resource.stack}|${repository}`;
  return `${githubOwner(app, resource.stack) ?? resource.stack}/${repository}`;
}

/** `github_team_repository "name" (path)`: how messages name another resource. */
export function describe(resource: SynthResource): string {
  return `${resource.type} at ${resource.path}`;
}
