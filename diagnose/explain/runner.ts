/**
 * Seed 000: the CodeBuild runner cannot register with GitHub. Which identity it registers as
 * comes from the config: a person's token (runner.legacyPersonalToken) or the connection.
 */
import { formatPath } from "../../config/cross-references";
import { entryAccount } from "../../config/derive";
import { configuredRunners } from "../../config/runners";
import type { PlatformConfig } from "../../config/schema";
import type { DiagnoseContext, Explanation, Match } from "../types";

const UI_WORDS: Record<string, string> = { pull: "read", push: "write" };

export function explainRunnerJit(_match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const facts: string[] = [];
  const causes: string[] = [];
  const fixes: string[] = [];
  const runners = config.repositories.flatMap((repo, i) => (repo.runner ? [{ repo, runner: repo.runner, path: `repositories[${i}].runner` }] : []));
  if (runners.length === 0 && config.runners.length === 0) {
    causes.push(`${ctx.configFile} defines no CodeBuild runner (repositories[].runner or runners[]): the failing project is not managed here, so its GitHub identity cannot be checked`);
    return { facts, causes, fixes };
  }
  // Shared runners always register through the connection, in each repository they serve.
  for (const shared of configuredRunners(config).filter((r) => r.kind === "shared")) {
    const served = shared.served.map((s) => s.repository.name);
    const connection = entryAccount(config, {}, shared.settings).codeConnection;
    describeConnectionRunner(connection, served.join(", ") || "the repositories it serves", shared.name, formatPath(shared.path), ctx.configFile, facts, causes, fixes);
  }
  for (const { repo, runner, path } of runners) {
    const token = runner.legacyPersonalToken;
    if (token) {
      const entry = repo.collaborators.find((c) => c.username.toLowerCase() === token.owner.toLowerCase());
      const permission = entry ? (UI_WORDS[entry.permission] ?? entry.permission) : undefined;
      facts.push(`${path} (${runner.projectName}) registers with ${token.owner}'s personal token (${path}.legacyPersonalToken, secret ${token.secretArn})`);
      causes.push(
        permission === "admin"
          ? `${token.owner} is admin on ${repo.name} in ${ctx.configFile}, but the runner breaks as soon as that changes on GitHub (seed 000: admin lowered to write) or the token expires; GitHub refused ${token.owner}'s token`
          : `${token.owner} ${permission ? `has permission ${permission}` : "is not a collaborator"} on ${repo.name} in ${ctx.configFile}; registering a runner needs admin, so GitHub refuses ${token.owner}'s token`,
      );
      fixes.push(
        `move the runner to the connection: remove ${path}.legacyPersonalToken${config.codeConnection ? "" : " and add codeConnection (name: <new name>, status: pending)"}, deploy, complete the connection with the AWS Connector app installed on ${repo.name} (README: Connecting CodeBuild to GitHub)`,
        `until then, keep ${token.owner} at permission admin in ${repositoryPath(config, repo.name)}.collaborators (CB-010 fails synth when that is lowered)`,
      );
    } else {
      describeConnectionRunner(entryAccount(config, repo, runner).codeConnection, repo.name, runner.projectName, path, ctx.configFile, facts, causes, fixes);
    }
  }
  return { facts, causes, fixes };
}

function describeConnectionRunner(
  // The connection of the account the runner lives in (aws.accounts[].codeConnection, or the top-level one).
  conn: PlatformConfig["codeConnection"],
  repoName: string,
  project: string,
  path: string,
  file: string,
  facts: string[],
  causes: string[],
  fixes: string[],
): void {
  const which = conn?.existingArn ? `the existing connection ${conn.existingArn}` : `the connection ${conn?.name ?? "(none)"}`;
  facts.push(`${path} (${project}) registers through ${which} (codeConnection), not a person's token`);
  causes.push(
    `the connection's GitHub identity cannot administer ${repoName}'s runners: it was completed without installing the AWS Connector app (it then acts as the user who completed it, and that user is no longer admin: seed 000), or the app's installation does not include ${repoName}`,
  );
  fixes.push(
    `in GitHub (Settings > GitHub Apps > AWS Connector for GitHub > Configure), make sure the installation includes ${repoName}`,
    `if the connection acts as a user: connections cannot be edited, so set codeConnection.name to a new name with status: pending in ${file}, deploy, complete it in the console choosing the app installation (never an empty choice), set status: available and deploy again`,
  );
}

function repositoryPath(config: PlatformConfig, name: string): string {
  return `repositories[${config.repositories.findIndex((r) => r.name === name)}]`;
}
