/**
 * Predicts the OIDC token GitHub will issue to a job, so the guardrails can evaluate the role's
 * trust policy against it (OIDC-009) before anything is applied.
 *
 * Which subject a trigger yields is predicted here from GitHub's documented rules, independently of
 * config/derive.ts (which turns a role's `allow` into trusted subjects): a test of either catches
 * a bug in the other. The subject forms themselves are domain/oidc.ts's, tested there against the
 * strings GitHub documents.
 *
 * Subject (`sub`) rules, from https://docs.github.com/en/actions/reference/security/oidc :
 * - a job with `environment:` gets `repo:O/R:environment:E` whatever the event (environment wins);
 * - else a pull_request event gets `repo:O/R:pull_request`;
 * - else `repo:O/R:ref:<the ref the run is on>` (`refs/heads/B` or `refs/tags/T`).
 * `repo:O/R` is the legacy form; the immutable form is `repo:O@OWNER_ID/R@REPO_ID` (README,
 * Guardrails > Rules: OIDC-010). A repository sends exactly ONE of the two forms, chosen by a repository setting that
 * the template cannot read, so for `subjectFormat: both` (a migration) both claim sets are returned
 * and callers must require the trust policy to allow each of them.
 *
 * The IAM context (claimsContext) holds `sub`, `aud` and the other claims AWS STS maps to
 * condition keys that can be predicted here: repository, repository_id, job_workflow_ref, ref,
 * environment, workflow (STS_GITHUB_CLAIMS, modules/policy-document.ts, cites AWS's list).
 * Unmapped claims (repository_owner_id, ...) never go in: STS leaves them out of the request, so a
 * policy pinning them must look as unsatisfiable as it is. actor, actor_id and enterprise_id are
 * mapped but depend on who runs the job: they are left out too, and callers treat a condition on
 * them as undecidable (UNPREDICTABLE_CLAIMS).
 *
 * Approximations (each result carries an `approximate` note when one applies):
 * - push filters with glob patterns (`v*`, `release/**`): the token carries the concrete ref that
 *   was pushed, which the pattern only describes; the `sub` returned contains the pattern itself.
 * - events that may run on any ref (workflow_dispatch, workflow_call, push without filters,
 *   branches-ignore/tags-ignore, release, merge_group) become `{ kind: "any-ref" }`, predicted as
 *   `ref:refs/heads/*` and/or `ref:refs/tags/*` patterns.
 * - events that run on the default branch (schedule, workflow_run, issues, ...) become
 *   `{ kind: "any-ref", refs: "default-branch" }`; concrete when `defaultBranch` is given.
 * - pull_request_target is predicted like pull_request (the generated workflows never use it:
 *   WF-006 forbids it where roles are assumed).
 */
import {
  AUD_KEY,
  claimKey,
  STS_AUDIENCE,
  SUB_KEY,
  subject,
  subjectContext,
  subjectForms,
  subjectPrefix,
  type SubjectForm,
  type SubjectFormat,
  type SubjectRepository,
} from "../domain/oidc";

/** STS-mapped claims whose value depends on who triggers the run, which no synth can know. */
export const UNPREDICTABLE_CLAIMS = ["actor", "actor_id", "enterprise_id"] as const;

/** What made the job run, as far as the token's subject is concerned. */
export type Trigger =
  | { readonly kind: "push-branch"; readonly branch: string; readonly note?: string }
  | { readonly kind: "push-tag"; readonly tag: string; readonly note?: string }
  | { readonly kind: "pull_request"; readonly note?: string }
  | { readonly kind: "environment"; readonly environment: string }
  | {
      readonly kind: "any-ref";
      /** The workflow event, e.g. `workflow_dispatch`. */
      readonly event: string;
      /** Which refs the run may be on. */
      readonly refs: "branches" | "tags" | "branches-and-tags" | "default-branch";
      readonly note: string;
    };

export interface ClaimsInput extends SubjectRepository {
  readonly subjectFormat: SubjectFormat;
  readonly trigger: Trigger;
  /** The job's `environment:` name, if any; it replaces the ref/pull_request part of `sub`. */
  readonly environment?: string;
  /** Used for `any-ref` triggers with `refs: "default-branch"`; without it `sub` is a pattern. */
  readonly defaultBranch?: string;
  /** The workflow file, e.g. `.github/workflows/ecr-push.yml`: gives `job_workflow_ref`. @default - no job_workflow_ref */
  readonly workflowPath?: string;
  /** The workflow's `name:` (GitHub sends the file path when there is none): the `workflow` claim. @default - the path */
  readonly workflowName?: string;
}

/** One token GitHub may issue, reduced to the claims the guardrails use. */
export interface Claims {
  /** Which subject form this claim set uses. */
  readonly form: SubjectForm;
  readonly sub: string;
  readonly aud: string;
  /** `owner/repo` */
  readonly repository: string;
  readonly repository_owner: string;
  /** GitHub sends ids as strings. */
  readonly repository_id?: string;
  readonly repository_owner_id?: string;
  /** e.g. `refs/heads/main`; absent for pull_request and when unknown. */
  readonly ref?: string;
  readonly ref_type?: "branch" | "tag";
  readonly environment?: string;
  readonly event_name?: string;
  /** `<owner>/<repo>/<workflow path>@<ref>`; the ref part is a pattern where the ref is. */
  readonly job_workflow_ref?: string;
  /** The workflow's name. */
  readonly workflow?: string;
  /** Set when `sub` is a pattern or a guess rather than the exact value GitHub will send. */
  readonly approximate?: string;
}

/**
 * The claim sets a job's token may carry: one per subject form (two for `both`), and for
 * `any-ref` triggers on branches and tags, one per ref kind.
 */
export function predictClaims(input: ClaimsInput): Claims[] {
  const subjects = subjectParts(input);
  const out: Claims[] = [];
  for (const form of subjectForms(input.subjectFormat)) {
    const prefix = subjectPrefix(input, form);
    for (const s of subjects) {
      out.push({
        form,
        sub: subject(prefix, s.suffix),
        aud: STS_AUDIENCE,
        repository: `${input.owner}/${input.repository}`,
        repository_owner: input.owner,
        ...(input.repositoryId === undefined ? {} : { repository_id: String(input.repositoryId) }),
        ...(input.ownerId === undefined ? {} : { repository_owner_id: String(input.ownerId) }),
        ...(s.ref === undefined ? {} : { ref: s.ref }),
        ...(s.refType === undefined ? {} : { ref_type: s.refType }),
        ...(s.environment === undefined ? {} : { environment: s.environment }),
        ...(s.event === undefined ? {} : { event_name: s.event }),
        ...(input.workflowPath === undefined ? {} : { job_workflow_ref: `${input.owner}/${input.repository}/${input.workflowPath}@${s.ref ?? (s.suffix === "pull_request" ? "refs/pull/*/merge" : "*")}` }),
        ...(input.workflowPath === undefined && input.workflowName === undefined ? {} : { workflow: input.workflowName ?? input.workflowPath }),
        ...(s.approximate === undefined ? {} : { approximate: s.approximate }),
      });
    }
  }
  return out;
}

/** The IAM condition context STS builds from a token: `sub`, `aud` and the predictable STS-mapped claims. */
export function claimsContext(claims: Pick<Claims, "sub" | "aud"> & Partial<Claims>): Record<string, string> {
  const context: Record<string, string> = { [SUB_KEY]: claims.sub, [AUD_KEY]: claims.aud };
  for (const claim of ["repository", "repository_id", "job_workflow_ref", "ref", "environment", "workflow"] as const) {
    const value = claims[claim];
    if (value !== undefined) context[claimKey(claim)] = value;
  }
  return context;
}

/**
 * The triggers of a parsed workflow `on:` block (string, list or map form), for going from a
 * generated workflow to the claim sets to check. Jobs' `environment:` is not part of `on:`: pass
 * it to predictClaims as `environment`. Unknown shapes give an empty list.
 */
export function triggersOfWorkflow(on: unknown): Trigger[] {
  const events = normaliseOn(on);
  const out: Trigger[] = [];
  for (const [event, config] of events) {
    switch (event) {
      case "push":
        out.push(...pushTriggers(config));
        break;
      case "pull_request":
        out.push({ kind: "pull_request" });
        break;
      case "pull_request_target":
        out.push({ kind: "pull_request", note: "pull_request_target is approximated as pull_request" });
        break;
      case "workflow_dispatch":
        out.push(anyRef(event, "branches-and-tags", "the subject is the ref the run was dispatched on, any branch or tag"));
        break;
      case "workflow_call":
        out.push(anyRef(event, "branches-and-tags", "a called workflow's token carries the caller's event and ref"));
        break;
      case "release":
        out.push(anyRef(event, "tags", "the subject is the release's tag"));
        break;
      case "merge_group":
        out.push(anyRef(event, "branches", "the subject is a temporary merge-queue branch"));
        break;
      default:
        out.push(anyRef(event, "default-branch", `${event} runs on the default branch`));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface SubjectPart {
  readonly suffix: string;
  readonly ref?: string;
  readonly refType?: "branch" | "tag";
  readonly environment?: string;
  readonly event?: string;
  readonly approximate?: string;
}

function subjectParts(input: ClaimsInput): SubjectPart[] {
  const refs = refParts(input);
  const environment = input.trigger.kind === "environment" ? input.trigger.environment : input.environment;
  if (environment === undefined) return refs;
  // The environment wins over the ref; ref claims stay as they were.
  return refs.map((r) => ({ ...r, suffix: subjectContext.environment(environment), environment }));
}

function refParts(input: ClaimsInput): SubjectPart[] {
  const t = input.trigger;
  switch (t.kind) {
    case "push-branch":
      return [branchPart(t.branch, "push", t.note)];
    case "push-tag":
      return [tagPart(t.tag, "push", t.note)];
    case "pull_request":
      return [{ suffix: subjectContext.pullRequest(), event: "pull_request", ...(t.note ? { approximate: t.note } : {}) }];
    case "environment":
      // No ref information: the event that ran the job is unknown here.
      return [{ suffix: "" }];
    case "any-ref":
      if (t.refs === "default-branch") {
        return input.defaultBranch !== undefined
          ? [{ ...branchPart(input.defaultBranch, t.event), approximate: t.note }]
          : [{ ...branchPart("*", t.event), approximate: `${t.note}; default branch unknown` }];
      }
      return [
        ...(t.refs !== "tags" ? [{ ...branchPart("*", t.event), approximate: t.note }] : []),
        ...(t.refs !== "branches" ? [{ ...tagPart("*", t.event), approximate: t.note }] : []),
      ];
  }
}

function branchPart(branch: string, event: string, note?: string): SubjectPart {
  const approximate = note ?? (isRefPattern(branch) ? patternNote("branch", branch) : undefined);
  return {
    suffix: subjectContext.branch(branch),
    ref: `refs/heads/${branch}`,
    refType: "branch",
    event,
    ...(approximate ? { approximate } : {}),
  };
}

function tagPart(tag: string, event: string, note?: string): SubjectPart {
  const approximate = note ?? (isRefPattern(tag) ? patternNote("tag", tag) : undefined);
  return { suffix: subjectContext.tag(tag), ref: `refs/tags/${tag}`, refType: "tag", event, ...(approximate ? { approximate } : {}) };
}

/** GitHub's filter pattern characters (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#filter-pattern-cheat-sheet). */
function isRefPattern(s: string): boolean {
  return /[*?+[\]!]/.test(s);
}

function patternNote(what: string, pattern: string): string {
  return `${what} filter ${pattern} is a pattern: the token carries the concrete ${what} pushed`;
}

function anyRef(event: string, refs: Extract<Trigger, { kind: "any-ref" }>["refs"], note: string): Trigger {
  return { kind: "any-ref", event, refs, note };
}

function pushTriggers(config: unknown): Trigger[] {
  const c = isRecord(config) ? config : {};
  const branches = filterList(c.branches);
  const tags = filterList(c.tags);
  const branchesIgnore = "branches-ignore" in c;
  const tagsIgnore = "tags-ignore" in c;
  const branchFiltered = branches !== undefined || branchesIgnore;
  const tagFiltered = tags !== undefined || tagsIgnore;
  if (!branchFiltered && !tagFiltered) {
    return [anyRef("push", "branches-and-tags", "push without branch or tag filters runs for every branch and tag")];
  }
  // GitHub: with only branch filters, tag pushes do not run the workflow, and vice versa.
  const out: Trigger[] = [];
  for (const b of branches ?? []) {
    out.push(isRefPattern(b) ? { kind: "push-branch", branch: b, note: patternNote("branch", b) } : { kind: "push-branch", branch: b });
  }
  if (branchesIgnore) out.push(anyRef("push", "branches", "branches-ignore: any branch not ignored"));
  for (const t of tags ?? []) {
    out.push(isRefPattern(t) ? { kind: "push-tag", tag: t, note: patternNote("tag", t) } : { kind: "push-tag", tag: t });
  }
  if (tagsIgnore) out.push(anyRef("push", "tags", "tags-ignore: any tag not ignored"));
  return out;
}

/** A filter list without its `!negations` (they only narrow what the positive patterns select). */
function filterList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  return list.filter((s) => !s.startsWith("!"));
}

function normaliseOn(on: unknown): Array<[string, unknown]> {
  if (typeof on === "string") return [[on, null]];
  if (Array.isArray(on)) return on.filter((e): e is string => typeof e === "string").map((e) => [e, null]);
  if (isRecord(on)) return Object.entries(on);
  return [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
