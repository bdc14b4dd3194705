/**
 * The CodeConnections connection the runners use: denied, still PENDING, or declared available too
 * early. The config says which connection and what status it claims.
 */
import { awsAccounts, awsStackName, primaryAccount, type AwsAccount } from "../../config/derive";
import type { PlatformConfig } from "../../config/schema";
import type { DiagnoseContext, Explanation, Match } from "../types";

/** The account whose connection the runners use: the first one with a connection (several accounts: one each). */
function connectionAccount(config: PlatformConfig): AwsAccount {
  return awsAccounts(config).find((a) => a.codeConnection !== undefined) ?? primaryAccount(config);
}

function connectionFacts(config: PlatformConfig, file: string): string[] {
  const conn = connectionAccount(config).codeConnection;
  if (!conn) return [`${file} has no codeConnection: its runners (if any) use a person's token`];
  const which = conn.existingArn ? `existing connection ${conn.existingArn}` : `connection "${conn.name}" (created by the AWS stack)`;
  return [`${file}: ${which}, codeConnection.status: ${conn.status}`];
}

export function explainConnectionDenied(match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const facts = connectionFacts(config, ctx.configFile);
  const causes: string[] = [];
  const fixes: string[] = [];
  const account = connectionAccount(config);
  const stack = awsStackName(account.accountId, account.region);
  if (account.codeConnection?.status === "pending") {
    causes.push("codeConnection.status is pending: the connection is most likely still PENDING, and CodeBuild cannot use a pending connection");
    fixes.push("complete the connection in the console (README: Connecting CodeBuild to GitHub), set codeConnection.status: available and deploy again");
  }
  if (/Repository not found or permission denied/i.test(match.text)) {
    causes.push("GitHub answered \"Repository not found or permission denied\": the AWS Connector app's installation does not include the runner repository");
    fixes.push("add the runner repositories to the app's installation (GitHub: Settings > GitHub Apps > AWS Connector for GitHub > Configure), then deploy again");
  } else {
    causes.push("on a first apply, the service role's grant on the connection may not have propagated when CodeBuild checked it (the template makes the project and webhook wait for the policy, but IAM is eventually consistent)");
    fixes.push(`run the deploy again: npx cdktf deploy ${stack} (it is safe to repeat)`);
  }
  return { facts, causes, fixes };
}

export function explainConnectionPending(_match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const facts = connectionFacts(config, ctx.configFile);
  const fixes =
    connectionAccount(config).codeConnection?.status === "available"
      ? [`codeConnection.status says available but the connection is PENDING: set it back to pending until the handshake is done, or complete the handshake now (README: Connecting CodeBuild to GitHub)`]
      : [];
  return { facts, fixes };
}

export function explainConnectionPrecondition(_match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const account = connectionAccount(config);
  const conn = account.codeConnection;
  const name = conn?.name ?? conn?.existingArn ?? "the connection";
  return {
    facts: connectionFacts(config, ctx.configFile),
    fixes: [
      `open https://console.aws.amazon.com/codesuite/settings/connections?region=${account.region}, select "${name}" (Pending), choose "Update pending connection", install the AWS Connector for GitHub app on ${config.github.owner}, then deploy again`,
      "or set codeConnection.status: pending to apply everything but the runner webhooks first",
    ],
  };
}
