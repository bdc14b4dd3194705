import type { Rule } from "../../types";

export const ECR_006: Rule = {
  id: "ECR-006",
  title: "ECR repositories are never deleted with their images (force_delete off, prevent_destroy on)",
  why:
    "Images are data: force_delete lets a destroy (or a rename, which replaces the repository) delete every image with it, and without prevent_destroy Terraform plans that without stopping.",
  fix: "Keep the template's EcrRepository (force_delete = false, lifecycle.prevent_destroy = true); to retire a repository, remove it from state (terraform state rm) and delete it deliberately.",
  source: "Terraform AWS provider docs: aws_ecr_repository force_delete; Terraform docs: lifecycle prevent_destroy",
  resourceTypes: ["aws_ecr_repository"],
  check(resource) {
    const problems: string[] = [];
    if (resource.config.force_delete === true || resource.config.force_delete === "true") problems.push("force_delete is true");
    if (resource.config.lifecycle?.prevent_destroy !== true) {
      problems.push(`lifecycle.prevent_destroy is ${JSON.stringify(resource.config.lifecycle?.prevent_destroy ?? "not set")}, not true`);
    }
    return problems.length > 0 ? problems : undefined;
  },
};
