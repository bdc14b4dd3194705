import type { Rule } from "../../types";
import { block } from "./projects";

export const CB_006: Rule = {
  id: "CB-006",
  title: "CodeBuild projects run without privileged mode",
  why:
    "Privileged mode runs the build container with the host's device access and lets jobs start a Docker daemon: any step of any job on the runner (a compromised action, a pull request's build script) can escape the container far more easily.",
  fix: "Remove runner.privilegedMode from platform.yaml; when jobs must build images, set privilegedMode.enabled: true with a reason (printed as a suppression on every synth).",
  source: "checkov CKV_AWS_316; AWS Security Hub CodeBuild.5",
  resourceTypes: ["aws_codebuild_project"],
  check(resource) {
    const privileged = block(resource.config.environment)?.privileged_mode;
    return privileged === true || privileged === "true" ? "environment.privileged_mode is true" : undefined;
  },
};
