/** Failures of the GitHub stack's writes: workflow files, App permissions. */
import { workflowPath } from "../../domain/github";
import { githubStackName } from "../../config/derive";
import type { DiagnoseContext, Explanation, Match } from "../types";

/** The permission a GitHub REST path needs, for the paths the GitHub stack writes. */
const PERMISSION_BY_PATH: ReadonlyArray<[RegExp, string]> = [
  [/\/collaborators\b/, "Administration: read & write (repository)"],
  [/\/teams\//, "Members: read (organisation) and Administration: read & write (repository)"],
  [/\/actions\/variables\b/, "Variables: read & write (repository)"],
  [/\/contents\/\.github\/workflows\//, "Contents: read & write and Workflows: read & write (repository)"],
  [/\/contents\//, "Contents: read & write (repository)"],
  [/api\.github\.com\/user\b/, "none: this call needs the provider's owner set, which the template does; check that GITHUB_OWNER does not override it"],
];

export function explainResourceNotAccessible(match: Match, ctx: DiagnoseContext): Explanation {
  const url = /(?:GET|PUT|POST|PATCH|DELETE) (https:\/\/api\.github\.com\/\S+?):? 403/.exec(match.text)?.[1];
  const facts = url ? [`GitHub API call: ${url}`] : [];
  const needed = url ? PERMISSION_BY_PATH.find(([re]) => re.test(url))?.[1] : undefined;
  const causes = needed ? [`that call needs the App permission ${needed}`] : [];
  const fixes = ctx.config
    ? [`grant it to the GitHub App (or token) that deploys ${githubStackName(ctx.config.github.owner)}, accept the new permissions on its installation, and include ${ctx.config.repositories.map((r) => r.name).join(", ")} in the installation`]
    : [];
  return { facts, causes, fixes };
}

export function explainWorkflowFileExists(match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const owned = config.repositories.flatMap((r, i) => r.workflows.map((w, j) => ({ path: `repositories[${i}].workflows[${j}]`, file: workflowPath(w.file) })));
  // Terraform names the failing resource ("with github_repository_file.<name>,"); plan output may show its file.
  const address = /github_repository_file\.([\w.-]+?),?\s/.exec(`${match.text} `)?.[1];
  const resource = address ? ctx.view()?.ofType("github_repository_file").find((r) => r.name === address) : undefined;
  if (address && resource) {
    const file = String(resource.config.file);
    return resource.config.overwrite_on_create === true
      ? {
          facts: [`github_repository_file.${address} writes ${file}`],
          causes: [`the resource ${ctx.configFile} synthesizes now sets overwrite_on_create: the failing apply used an older synth of it`],
          fixes: ["synthesize and deploy the GitHub stack again from this config"],
        }
      : {
          facts: [`github_repository_file.${address} writes ${file}`],
          causes: [`that resource does not set overwrite_on_create: it is not written by the WorkflowFile module (a resource added to the stack by hand, or an edited module)`],
          fixes: ["write workflow files through repositories[].workflows, or give the resource a file name the repository does not have yet"],
        };
  }
  if (address) {
    return {
      causes: [`github_repository_file.${address} is not among the resources synthesized from ${ctx.configFile}: it comes from another configuration or an older synth`],
      fixes: [`the template only overwrites files it generates (${owned.map((o) => o.file).join(", ") || "none"}): give the other file another name, or delete or import the existing file`],
    };
  }
  const file = /\.github\/workflows\/[\w.-]+\.ya?ml/.exec(match.text)?.[0];
  const ours = file ? owned.find((o) => o.file === file) : undefined;
  if (ours) {
    return {
      causes: [`${file} is ${ours.path} of ${ctx.configFile}; the template writes it with overwrite_on_create, so the failing resource is not the template's WorkflowFile (a resource added to the stack by hand, or an edited module)`],
      fixes: ["write workflow files only through repositories[].workflows (the WorkflowFile module), or remove the extra github_repository_file resource"],
    };
  }
  return {
    fixes: [`the template only overwrites files it generates (${owned.map((o) => o.file).join(", ") || "none"}): give the new workflow another file name, or delete or import the existing file`],
  };
}

export function explainWorkflowPermission(_match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  return {
    causes: [`the GitHub stack (${githubStackName(config.github.owner)}) commits ${config.repositories.flatMap((r) => r.workflows).length} workflow file(s) under .github/workflows/, which GitHub protects separately from other contents`],
  };
}

/** A workflow commit refused by a ruleset or branch protection: which file, branch and App, from the config. */
export function explainWorkflowCommitRejected(match: Match, ctx: DiagnoseContext): Explanation {
  const url = /(?:PUT|POST|PATCH|DELETE) https:\/\/api\.github\.com\/repos\/([^/\s]+)\/([^/\s]+)\/contents\/(\S+?):? (?:409|422)\b/.exec(match.text);
  const ref = /refs\/heads\/([^\s.,;:)]+(?:\.[^\s.,;:)]+)*)/.exec(match.text)?.[1];
  const facts = [
    ...(url ? [`GitHub refused a commit of ${decodeURIComponent(url[3])} to ${url[1]}/${url[2]}`] : []),
    ...(ref ? [`branch: ${ref}`] : []),
  ];
  const config = ctx.config;
  if (!config) return { facts };
  const repository = url ? config.repositories.find((r) => r.name.toLowerCase() === url[2].toLowerCase()) : undefined;
  const isSelf = url !== null && config.self !== undefined && config.self.repository.toLowerCase() === url[2].toLowerCase();
  const branch = repository?.defaultBranch ?? (isSelf ? config.self!.defaultBranch : undefined);
  const causes = repository
    ? [`${repository.name}'s workflow files are committed to its defaultBranch ${branch} (${repository.workflows.length} of them), which a ruleset or branch protection guards`]
    : isSelf
      ? [`${config.self!.repository} (self) has its plan and deploy workflows committed to ${branch}, which a ruleset or branch protection guards`]
      : [];
  const app = config.self?.deployApp;
  const fixes = [
    app
      ? `add the deploy App (App ID ${app.appId}, installation ${app.installationId}) to the bypass list of the ruleset on ${branch ?? "that branch"}, or to "Allow specified actors to bypass required pull requests" of its branch protection; then deploy again`
      : `add the GitHub App or user whose credentials deploy ${githubStackName(config.github.owner)} to the bypass list of the ruleset on ${branch ?? "that branch"} (or to the branch protection's bypass actors); then deploy again`,
    "or commit the generated file through a pull request (its content is in the plan) and deploy again",
  ];
  return { facts, causes, fixes };
}
