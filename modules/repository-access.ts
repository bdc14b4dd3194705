import { RepositoryCollaborators } from "@cdktf/provider-github/lib/repository-collaborators";
import { Construct } from "constructs";
import { terraformLiterals } from "./terraform-text";
import type { ProviderPermission } from "../config/schema";
import { ImportExisting } from "./terraform-blocks";

export interface RepositoryAccessProps {
  /** Repository name (without the owner). */
  readonly repository: string;
  /** People and their permission, in the values the GitHub API reports (pull, triage, push, maintain, admin). */
  readonly collaborators: readonly { readonly username: string; readonly permission: ProviderPermission }[];
  // No module default for teams and ignoreTeams: the config's (repositories[], empty lists) are the
  // only ones, passed on by the stack.
  /** Organisation teams by slug. */
  readonly teams: readonly { readonly slug: string; readonly permission: ProviderPermission }[];
  /**
   * Teams (slugs) the access list leaves alone, e.g. teams granted access at organisation level.
   * The provider drops them from what it reads (listTeams skips ignore_team ids), so they are
   * neither removed on apply nor shown as a change on every plan. Empty: every team not in `teams`
   * is removed.
   */
  readonly ignoreTeams: readonly string[];
  /**
   * Adopt the access list GitHub has today: an `import` block (id = the repository name), so the
   * first plan reads the current collaborators and shows who loses access. Terraform ignores the
   * block once the list is in state.
   * @default true
   */
  readonly adoptExisting?: boolean;
}

/**
 * Who may do what on one repository, managed authoritatively with `github_repository_collaborators`
 * (GH-005/GH-006): a permission change updates in place (the singular resource would remove and
 * re-invite), and anyone added by hand outside this config is removed on apply.
 */
export class RepositoryAccess extends Construct {
  readonly resource: RepositoryCollaborators;

  constructor(scope: Construct, id: string, props: RepositoryAccessProps) {
    super(scope, id);
    this.resource = new RepositoryCollaborators(this, "Resource", terraformLiterals({
      repository: props.repository,
      user: props.collaborators.map((c) => ({ username: c.username, permission: c.permission })),
      team: props.teams.map((t) => ({ teamId: t.slug, permission: t.permission })),
      ignoreTeam: props.ignoreTeams.length > 0 ? props.ignoreTeams.map((slug) => ({ teamId: slug })) : undefined,
    }));
    // Without it, the first apply would overwrite the list unseen: a create replaces everyone.
    if (props.adoptExisting ?? true) new ImportExisting(this, "Import", this.resource, props.repository);
  }
}
