import { globMatch } from "../../../iam/glob";
import type { AppView, Rule, SynthResource } from "../../types";
import { block, blocks } from "../codebuild/projects";

/** Does a registry scanning configuration of the stack scan this repository's pushes? */
function registryScans(app: AppView, repository: SynthResource): boolean {
  const name = repository.config.name;
  return app
    .ofType("aws_ecr_registry_scanning_configuration")
    .filter((c) => c.stack === repository.stack)
    .some((c) =>
      blocks(c.config.rule).some(
        (rule) =>
          (rule.scan_frequency === "SCAN_ON_PUSH" || rule.scan_frequency === "CONTINUOUS_SCAN") &&
          blocks(rule.repository_filter).some((f) => typeof f.filter === "string" && (typeof name !== "string" || globMatch(f.filter, name))),
      ),
    );
}

export const ECR_002: Rule = {
  id: "ECR-002",
  title: "ECR images are scanned on push (repository setting or registry scanning configuration)",
  why: "Without a scan on push, an image with known vulnerabilities is deployable the moment CI pushes it, and no one is told.",
  fix: "Remove scanOnPush: false from the repository in platform.yaml (the default is true), or add an aws_ecr_registry_scanning_configuration with a SCAN_ON_PUSH or CONTINUOUS_SCAN rule covering it.",
  source: "AWS ECR user guide: image scanning; checkov CKV_AWS_163",
  resourceTypes: ["aws_ecr_repository"],
  check(resource, app) {
    const scanOnPush = block(resource.config.image_scanning_configuration)?.scan_on_push;
    if (scanOnPush === true || registryScans(app, resource)) return undefined;
    return scanOnPush === undefined
      ? "image_scanning_configuration.scan_on_push is not set, and no registry scanning configuration of this stack covers the repository"
      : `image_scanning_configuration.scan_on_push is ${JSON.stringify(scanOnPush)}, and no registry scanning configuration of this stack covers the repository`;
  },
};
