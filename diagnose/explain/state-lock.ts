/** Terraform's state lock: the lock's id and path are in the message; the command follows from them. */
import { awsAccounts, awsStackName, githubStackName } from "../../config/derive";
import type { DiagnoseContext, Explanation, Match } from "../types";

export function explainStateLock(match: Match, ctx: DiagnoseContext): Explanation {
  const text = match.text.replace(/^\s*[│╷╵]\s?/gm, "");
  const id = /^\s*ID:\s+(\S+)/m.exec(text)?.[1];
  const path = /^\s*Path:\s+(\S+)/m.exec(text)?.[1];
  const who = /^\s*Who:\s+(.+)$/m.exec(text)?.[1]?.trim();
  const created = /^\s*Created:\s+(.+)$/m.exec(text)?.[1]?.trim();
  // The template keeps each stack's state at <keyPrefix>/<stack>.tfstate (terraform.<stack>.tfstate
  // locally); a path of another layout names no stack of this template.
  const file = path ? /([^/]+)\.tfstate$/.exec(path)?.[1]?.replace(/^terraform\./, "") : undefined;
  const stacks = ctx.config ? [...awsAccounts(ctx.config).map((a) => awsStackName(a.accountId, a.region)), githubStackName(ctx.config.github.owner)] : [];
  const stack = file !== undefined && (stacks.includes(file) || (!ctx.config && /^(?:aws-\d{12}-[a-z0-9-]+|github-[a-z0-9-]+)$/.test(file))) ? file : undefined;
  const facts = [
    ...(id ? [`lock id: ${id}`] : []),
    ...(path ? [`state: ${path}`] : []),
    ...(who ? [`held by: ${who}${created ? ` since ${created}` : ""}`] : []),
  ];
  const fixes = id
    ? [`when no apply is running: cd cdktf.out/stacks/${stack ?? "<stack>"} && terraform force-unlock ${id}`]
    : [];
  return { facts, fixes };
}
