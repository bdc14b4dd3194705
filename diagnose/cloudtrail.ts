/**
 * CloudTrail events as users paste them: one event (the console's event record), a log file
 * (`{"Records": [...]}`), a list of events, or `aws cloudtrail lookup-events` output (each event as a
 * JSON string under `Events[].CloudTrailEvent`).
 *
 * For `AssumeRoleWithWebIdentity`, STS records the token's subject in `userIdentity.userName` and
 * `<provider ARN>:<aud>:<sub>` in `userIdentity.principalId` (seed 001, verbatim), so the audience is
 * read from the principal id.
 */
import { OIDC_HOST } from "../domain/oidc";

export interface CloudTrailEvent {
  readonly eventName?: string;
  readonly eventSource?: string;
  readonly eventTime?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly awsRegion?: string;
  readonly recipientAccountId?: string;
  readonly userIdentity?: {
    readonly type?: string;
    readonly principalId?: string;
    readonly userName?: string;
    readonly identityProvider?: string;
    readonly arn?: string;
  };
  readonly requestParameters?: { readonly roleArn?: string; readonly roleSessionName?: string } | null;
}

/** The events in a parsed JSON value, or undefined when it is not CloudTrail. */
export function cloudTrailEvents(json: unknown): CloudTrailEvent[] | undefined {
  if (Array.isArray(json)) {
    const events = json.filter(isEvent);
    return events.length > 0 ? events : undefined;
  }
  if (!isRecord(json)) return undefined;
  if (isEvent(json)) return [json];
  if (Array.isArray(json.Records)) return cloudTrailEvents(json.Records);
  if (Array.isArray(json.Events)) {
    const events = json.Events.flatMap((e: unknown) => {
      const inner = isRecord(e) ? e.CloudTrailEvent : undefined;
      if (typeof inner !== "string") return [];
      try {
        const parsed: unknown = JSON.parse(inner);
        return isEvent(parsed) ? [parsed] : [];
      } catch {
        return [];
      }
    });
    return events.length > 0 ? events : undefined;
  }
  return undefined;
}

function isEvent(v: unknown): v is CloudTrailEvent {
  return isRecord(v) && typeof v.eventName === "string" && typeof v.eventSource === "string";
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isWebIdentityEvent(e: CloudTrailEvent): boolean {
  return e.eventName === "AssumeRoleWithWebIdentity";
}

/** What an AssumeRoleWithWebIdentity event says about the token and the role asked for. */
export interface WebIdentityRequest {
  /** The token's `sub` (userIdentity.userName, else the tail of principalId). */
  readonly subject?: string;
  /** The token's `aud`, from principalId; undefined when it cannot be read. */
  readonly audience?: string;
  /** The OIDC provider ARN STS matched the token's issuer to. */
  readonly providerArn?: string;
  readonly roleArn?: string;
}

export function webIdentityRequest(e: CloudTrailEvent): WebIdentityRequest {
  const id = e.userIdentity ?? {};
  const provider = typeof id.identityProvider === "string" ? id.identityProvider : undefined;
  const principal = typeof id.principalId === "string" ? id.principalId : "";
  let subject = typeof id.userName === "string" && id.userName !== "" ? id.userName : undefined;
  let audience: string | undefined;
  // principalId = <provider ARN>:<aud>:<sub>; the provider ARN and the subject contain colons, the
  // audience (a client id) does not.
  const host = OIDC_HOST.replace(/\./g, "\\.");
  const m = new RegExp(`oidc-provider/${host}:([^:]+):(.+)$`).exec(principal);
  if (m) {
    audience = m[1];
    subject ??= m[2];
  }
  const roleArn = e.requestParameters?.roleArn;
  return {
    ...(subject === undefined ? {} : { subject }),
    ...(audience === undefined ? {} : { audience }),
    ...(provider === undefined ? {} : { providerArn: provider }),
    ...(typeof roleArn === "string" ? { roleArn } : {}),
  };
}

/** A one-line description of an event for the output. */
export function describeEvent(e: CloudTrailEvent): string {
  const parts = [`${e.eventName ?? "?"} (${e.eventSource ?? "?"})`];
  if (e.eventTime) parts.push(`at ${e.eventTime}`);
  if (e.errorCode) parts.push(`errorCode ${e.errorCode}`);
  return parts.join(" ");
}
