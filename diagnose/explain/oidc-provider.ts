/** The account's GitHub OIDC provider: missing where the role is, or already there. */
import { oidcProviderArn } from "../../domain/arn";
import { awsStackName } from "../../config/derive";
import type { DiagnoseContext, Explanation, Match } from "../types";

export function explainProviderNotFound(match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const account = config.aws.accountId;
  const stack = awsStackName(account, config.aws.region);
  const role = /(arn:[\w-]+:iam::(\d{12}):role\/[\w+=,.@/-]+)/.exec(match.text);
  const facts: string[] = [];
  const causes: string[] = [];
  const fixes: string[] = [];
  if (role) {
    facts.push(`role asked for: ${role[1]}`);
    if (role[2] !== account) {
      causes.push(`the role is in account ${role[2]}, ${ctx.configFile} manages ${account}: that account has no GitHub provider`);
      fixes.push("assume the role through the AWS_ROLE_ARN_<ROLE> Actions variable this template sets, not a typed ARN");
    }
  }
  if (config.oidcProvider.existingArn) {
    causes.push(`${ctx.configFile} references the existing provider ${config.oidcProvider.existingArn} (oidcProvider.existingArn) instead of creating one: it does not exist (aws iam list-open-id-connect-providers)`);
    fixes.push("remove oidcProvider.existingArn so the AWS stack creates the provider, or correct the ARN");
  } else {
    causes.push(`the AWS stack creates ${oidcProviderArn(account, config.aws.region)}: if the job ran before it was deployed (or after it was deleted), the account has none`);
    fixes.push(`deploy the AWS stack: npx cdktf deploy ${stack}`);
  }
  return { facts, causes, fixes };
}

export function explainProviderExists(_match: Match, ctx: DiagnoseContext): Explanation {
  const config = ctx.config;
  if (!config) return {};
  const arn = oidcProviderArn(config.aws.accountId, config.aws.region);
  if (config.oidcProvider.existingArn) {
    return { causes: [`${ctx.configFile} already sets oidcProvider.existingArn, so this stack does not create a provider: the error comes from another stack or tool creating one`] };
  }
  return {
    causes: [`account ${config.aws.accountId} already has ${arn}, and ${ctx.configFile} asks the AWS stack to create it (no oidcProvider.existingArn)`],
    fixes: [`set oidcProvider.existingArn: ${arn} in ${ctx.configFile} (or import the provider into the AWS stack's state)`],
  };
}
