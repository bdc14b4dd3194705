import type { Rule } from "../../types";
import { block } from "./projects";
import { publicRepositoriesOfProject } from "./public";

export const CB_013: Rule = {
  id: "CB-013",
  title: "Runners serving a public repository are not privileged",
  why:
    "A privileged build container has the Docker daemon and the host's devices: on a public repository, where strangers' runs can reach the runner, a job escaping the container gets the build host, its network and the service role.",
  fix: "Turn runner.privilegedMode off for the public repository (build images on a GitHub-hosted runner), or accept it with publicRepositoryOptIns.privilegedRunner and a reason.",
  source: "GitHub docs: Security hardening for GitHub Actions (self-hosted runners on public repositories); checkov CKV_AWS_316",
  resourceTypes: ["aws_codebuild_project"],
  check(resource, app) {
    const privileged = block(resource.config.environment)?.privileged_mode;
    if (privileged !== true && privileged !== "true") return undefined;
    const admitted = publicRepositoriesOfProject(app, resource);
    return admitted.length === 0 ? undefined : `environment.privileged_mode is true and the runner serves the public repository ${admitted.join(", ")}`;
  },
};
