import { DataGithubRepository } from "@cdktf/provider-github/lib/data-github-repository";
import { Construct } from "constructs";

export type RepositoryVisibilityValue = "private" | "internal" | "public";

export interface RepositoryVisibilityProps {
  readonly owner: string;
  /** Repository name (without the owner). */
  readonly repository: string;
  /** The visibility the config declares. */
  readonly visibility: RepositoryVisibilityValue;
  /** Where the declaration is, for the plan's error message, e.g. `platform.yaml repositories[0].visibility`. */
  readonly declaredAt: string;
}

/**
 * The repository's declared visibility as a `github_repository` data source whose postcondition
 * checks it against what GitHub reports: a plan stops when a repository said to be private is
 * public. The guardrails on public repositories (CB-012..CB-014, OIDC-014) read the declaration
 * from this postcondition, so what they check is what Terraform verifies, not an unchecked tag.
 */
export class RepositoryVisibility extends Construct {
  readonly resource: DataGithubRepository;

  constructor(scope: Construct, id: string, props: RepositoryVisibilityProps) {
    super(scope, id);
    this.resource = new DataGithubRepository(this, "Resource", {
      fullName: `${props.owner}/${props.repository}`,
      lifecycle: {
        postcondition: [
          {
            condition: `\${self.visibility == "${props.visibility}"}`,
            // `${self.visibility}` is Terraform's own interpolation; the other values are a GitHub
            // login, a repository name and an enum word, none of which can hold `${`.
            // No quotes: cdktf synth --hcl writes a string holding \${ without escaping its quotes.
            errorMessage: `${props.declaredAt} says ${props.visibility}, but GitHub reports \${self.visibility} for ${props.owner}/${props.repository} (empty: the repository does not exist, or the credentials cannot read it). Set visibility to what GitHub reports: the checks on public repositories depend on it.`,
          },
        ],
      },
    });
  }
}
