/** The account's GitHub OIDC provider: missing where the role is, or already there. */
import { oidcProviderArn } from "../../domain/arn";
import { awsAccounts, awsStackName, primaryAccount } from "../../config/derive";
import type { DiagnoseContext, Explanation, Match } from "../types";

export function explainProviderNotFound(match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const role = /(arn:[\w-]+:iam::(\d{12}):role\/[\w+=,.@/-]+)/.exec(match.text);
  // The account the job assumed a role in, when the config manages it; else the primary one.
  const managed = awsAccounts(config).find((a) => a.accountId === role?.[2]) ?? primaryAccount(config);
  const account = managed.accountId;
  const stack = awsStackName(account, managed.region);
  const providerAt = managed.oidcProviderAt.join(".");
  const facts: string[] = [];
  const causes: string[] = [];
  const fixes: string[] = [];
  if (role) {
    facts.push(`role asked for: ${role[1]}`);
    if (role[2] !== account) {
      causes.push(`the role is in account ${role[2]}, ${ctx.configFile} manages ${awsAccounts(config).map((a) => a.accountId).join(", ")}: that account has no GitHub provider`);
      fixes.push("assume the role through the AWS_ROLE_ARN_<ROLE> Actions variable this template sets, not a typed ARN");
    }
  }
  if (managed.oidcProvider.existingArn) {
    causes.push(`${ctx.configFile} references the existing provider ${managed.oidcProvider.existingArn} (${providerAt}.existingArn) instead of creating one: it does not exist (aws iam list-open-id-connect-providers)`);
    fixes.push(`remove ${providerAt}.existingArn so the AWS stack creates the provider, or correct the ARN`);
  } else {
    causes.push(`the AWS stack creates ${oidcProviderArn(account, managed.region)}: if the job ran before it was deployed (or after it was deleted), the account has none`);
    fixes.push(`deploy the AWS stack: npx cdktf deploy ${stack}`);
  }
  return { facts, causes, fixes };
}

export function explainProviderExists(_match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const primary = primaryAccount(config);
  const arn = oidcProviderArn(primary.accountId, primary.region);
  if (primary.oidcProvider.existingArn) {
    return { causes: [`${ctx.configFile} already sets oidcProvider.existingArn, so this stack does not create a provider: the error comes from another stack or tool creating one`] };
  }
  return {
    causes: [`account ${primary.accountId} already has ${arn}, and ${ctx.configFile} asks the AWS stack to create it (no oidcProvider.existingArn)`],
    fixes: [`set oidcProvider.existingArn: ${arn} in ${ctx.configFile} (or import the provider into the AWS stack's state)`],
  };
}
