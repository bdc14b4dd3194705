/**
 * One generated workflow file committed into a repository under `.github/workflows/`.
 *
 * The GitHub provider's token (or App) needs the `workflow` scope (Workflows: write) to write
 * there (WF-009).
 */
import { Token } from "cdktf";
import { Construct } from "constructs";
// Deep import: the provider's barrel module loads every resource and makes synth ~10x slower.
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { GENERATED_MARKER, workflowPath } from "../domain/github";
import { terraformLiterals } from "./terraform-text";

export interface WorkflowFileProps {
  /** Name of the repository (without the owner) the file is committed to. */
  readonly repository: string;
  /** Branch the file is committed to, usually the repository's default branch. */
  readonly branch: string;
  /** File name under `.github/workflows/`, e.g. `ecr-push.yml`; no folders. */
  readonly file: string;
  /**
   * The rendered workflow YAML (`renderWorkflow`), unescaped. It must start with the generated
   * header: only files that say they are generated are overwritten (WF-009).
   */
  readonly content: string;
  /**
   * Commit message of the commits Terraform makes.
   *
   * @default "Update .github/workflows/<file> (generated from the platform config)"
   */
  readonly commitMessage?: string;
}

export class WorkflowFile extends Construct {
  /** The `github_repository_file` resource. */
  public readonly resource: RepositoryFile;
  /** Path in the repository, `.github/workflows/<file>`. */
  public readonly path: string;
  /** The workflow YAML as it will appear in the repository (before Terraform escaping). */
  public readonly content: string;

  constructor(scope: Construct, id: string, props: WorkflowFileProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9._-]+\.ya?ml$/.test(props.file)) {
      throw new Error(`WorkflowFile ${this.node.path}: file must be a .yml or .yaml name without folders, got ${JSON.stringify(props.file)}`);
    }
    if (Token.isUnresolved(props.content)) {
      // Escaping would also escape the token's own ${...} and write its placeholder into the file.
      throw new Error(`WorkflowFile ${this.node.path}: content must be plain text, not a Terraform token`);
    }
    if (!props.content.startsWith(GENERATED_MARKER)) {
      // overwriteOnCreate replaces whatever file is there; only do that to files the template owns.
      throw new Error(`WorkflowFile ${this.node.path}: content must start with the generated-file header (${GENERATED_MARKER})`);
    }

    this.path = workflowPath(props.file);
    this.content = props.content;
    this.resource = new RepositoryFile(this, "Resource", terraformLiterals({
      repository: props.repository,
      branch: props.branch,
      file: this.path,
      // Terraform reads ${ and %{ in JSON strings as its own templates; without the escape
      // (terraformLiterals, as every argument), ${{ github.sha }} fails the plan (WF-008).
      content: props.content,
      commitMessage: props.commitMessage ?? `Update ${this.path} (generated from the platform config)`,
      // The file carries the generated header: replace a hand-made file at that path on first apply.
      overwriteOnCreate: true,
    }));
  }
}
