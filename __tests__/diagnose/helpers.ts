import { parseConfig } from "../../config/load";
import type { PlatformConfig } from "../../config/schema";
import { createContext } from "../../diagnose/context";
import { diagnose, type Report } from "../../diagnose/diagnose";
import { renderReport } from "../../diagnose/render";
import { exampleVariant } from "../guardrails/helpers";
import { fixture } from "./real-texts";

/** The example platform.yaml, optionally edited, validated like the app does. */
export function exampleConfig(edit?: (doc: any) => void): PlatformConfig {
  return parseConfig(exampleVariant(edit));
}

export interface Run {
  readonly report: Report;
  /** The plain-text output, as the CLI prints it. */
  readonly output: string;
  readonly ids: readonly string[];
}

export function run(text: string, options: { config?: PlatformConfig; subject?: string } = {}): Run {
  const ctx = createContext({ ...options, configFile: "platform.yaml" });
  const report = diagnose(text, ctx);
  return { report, output: renderReport(report, "input", options.config ? "platform.yaml" : undefined), ids: report.diagnoses.map((d) => d.failure.id) };
}

/** Seed 001's CloudTrail event (annotation removed) with another subject, role or audience. */
export function webIdentityEvent(change: { sub?: string; role?: string; aud?: string; account?: string } = {}): string {
  const event = JSON.parse(fixture("seed-001-cloudtrail.json").trim().replace(/,$/, ""));
  const account = change.account ?? "000123456789";
  const sub = change.sub ?? event.userIdentity.userName;
  const provider = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
  event.userIdentity.userName = sub;
  event.userIdentity.identityProvider = provider;
  event.userIdentity.principalId = `${provider}:${change.aud ?? "sts.amazonaws.com"}:${sub}`;
  if (change.role) event.requestParameters.roleArn = `arn:aws:iam::${account}:role/${change.role}`;
  return JSON.stringify(event, null, 2);
}
