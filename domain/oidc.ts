/**
 * GitHub Actions OIDC, as AWS sees it: the issuer, the audience, the condition keys STS builds from
 * a token's claims, and the subject (`sub`) GitHub puts in it, built and parsed here and nowhere
 * else. Loads nothing: the guardrails, `diagnose` and the plan summary read it without cdktf.
 *
 * Subjects (https://docs.github.com/en/actions/reference/security/oidc): `repo:<owner>/<repo>:<context>`
 * (legacy) or `repo:<owner>@<owner id>/<repo>@<repo id>:<context>` (immutable: GitHub's default for
 * repositories created, renamed or transferred since 2026-07-15, opt-in for older ones), where the
 * context is `ref:refs/heads/<branch>`, `ref:refs/tags/<tag>`, `environment:<name>` (a job
 * environment wins over the ref) or `pull_request`.
 */

export const OIDC_HOST = "token.actions.githubusercontent.com";
export const OIDC_URL = `https://${OIDC_HOST}`;
/** The audience configure-aws-credentials asks for by default, and the provider's one client id. */
export const STS_AUDIENCE = "sts.amazonaws.com";
export const WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity";

/**
 * The IAM condition key STS makes of a token claim: `<host>:<claim>`, e.g. `...:sub`,
 * `...:repository_id`, `...:job_workflow_ref`. IAM compares condition keys ignoring case.
 */
export function claimKey(claim: string): string {
  return `${OIDC_HOST}:${claim}`;
}

export const SUB_KEY = claimKey("sub");
export const AUD_KEY = claimKey("aud");

/** Is this condition key one of GitHub's token claims (any case, as IAM reads keys)? */
export function isClaimKey(key: string): boolean {
  return key.toLowerCase().startsWith(claimKey(""));
}

// ---------------------------------------------------------------------------------------------
// Subjects: build
// ---------------------------------------------------------------------------------------------

/** The two subject forms a repository can send; a repository sends exactly one of them. */
export type SubjectForm = "legacy" | "immutable";
/** A repository's declared format: one form, or both during a migration. */
export type SubjectFormat = SubjectForm | "both";

export interface SubjectRepository {
  readonly owner: string;
  readonly ownerId?: number;
  readonly repository: string;
  readonly repositoryId?: number;
}

/** The forms a declared format stands for, legacy first. */
export function subjectForms(format: SubjectFormat): SubjectForm[] {
  return format === "both" ? ["legacy", "immutable"] : [format];
}

/**
 * The `repo:...` part GitHub puts in front of every subject of the repository, in one form. The
 * immutable form needs both ids: the config validator asks for them, so reaching the throw means a
 * caller skipped validation.
 */
export function subjectPrefix(repo: SubjectRepository, form: SubjectForm): string {
  if (form === "legacy") return `repo:${repo.owner}/${repo.repository}`;
  if (repo.ownerId === undefined || repo.repositoryId === undefined) {
    throw new Error(`immutable subjects of ${repo.owner}/${repo.repository} need the owner id and the repository id`);
  }
  return `repo:${repo.owner}@${repo.ownerId}/${repo.repository}@${repo.repositoryId}`;
}

/** The context part of a subject, after `repo:...:`. */
export const subjectContext = {
  branch: (name: string) => `ref:refs/heads/${name}`,
  tag: (name: string) => `ref:refs/tags/${name}`,
  environment: (name: string) => `environment:${name}`,
  pullRequest: () => "pull_request",
};

export function subject(prefix: string, context: string): string {
  return `${prefix}:${context}`;
}

// ---------------------------------------------------------------------------------------------
// Subjects: parse
// ---------------------------------------------------------------------------------------------

export type SubjectKind = "branch" | "tag" | "environment" | "pull_request" | "other";

export interface SubjectParts {
  readonly owner: string;
  /** As written (GitHub's ids are decimal strings in the token). */
  readonly ownerId?: string;
  readonly repository: string;
  readonly repositoryId?: string;
  /** Immutable when either id is present (a half-immutable subject is one GitHub never sends). */
  readonly form: SubjectForm;
  /** Everything after `repo:<owner>/<repo>:`. */
  readonly context: string;
  readonly kind: SubjectKind;
  /** Branch, tag or environment name. */
  readonly name?: string;
}

/**
 * The repository part of any subject value, pattern or not: what stands between `repo:` and the
 * next `:` (`o/r`, `o@1/r@2`, `o/*`), or undefined when the value does not start with `repo:`.
 */
export function subjectRepository(value: string): string | undefined {
  if (!value.startsWith("repo:")) return undefined;
  const rest = value.slice("repo:".length);
  const colon = rest.indexOf(":");
  const repo = colon < 0 ? rest : rest.slice(0, colon);
  return repo === "" ? undefined : repo;
}

const REPOSITORY_PART = /^([^/@:]+)(?:@(\d+))?\/([^/:@]+)(?:@(\d+))?$/;
// `.` stops at line breaks: a subject is one line.
const CONTEXT = /^.+$/;

/**
 * The one subject parser: `repo:<owner>(@<id>)?/<repo>(@<id>)?:<context>` taken apart, with the
 * context's kind. Lenient about names (a wildcard or an unknown context still parses, as kind
 * `other` or with the pattern in `name`); undefined when the value has no such shape.
 */
export function parseSubject(value: string): SubjectParts | undefined {
  const repo = subjectRepository(value);
  if (repo === undefined || value.length === "repo:".length + repo.length) return undefined;
  const m = REPOSITORY_PART.exec(repo);
  const context = value.slice("repo:".length + repo.length + 1);
  if (!m || !CONTEXT.test(context)) return undefined;
  const [, owner, ownerId, repository, repositoryId] = m;
  const base = {
    owner,
    repository,
    ...(ownerId === undefined ? {} : { ownerId }),
    ...(repositoryId === undefined ? {} : { repositoryId }),
    form: ownerId !== undefined || repositoryId !== undefined ? ("immutable" as const) : ("legacy" as const),
    context,
  };
  const ref = /^ref:refs\/(heads|tags)\/(.+)$/.exec(context);
  if (ref) return { ...base, kind: ref[1] === "heads" ? "branch" : "tag", name: ref[2] };
  const env = /^environment:(.+)$/.exec(context);
  if (env) return { ...base, kind: "environment", name: env[1] };
  if (context === "pull_request") return { ...base, kind: "pull_request" };
  return { ...base, kind: "other" };
}

/**
 * Could GitHub send this subject for one repository? GitHub's owner names (letters, digits,
 * hyphens), repository names (letters, digits, `.`, `_`, `-`) and a branch, tag, environment or
 * pull_request context. What OIDC-006 asks of every trusted subject.
 */
export function isIssuableSubject(parts: SubjectParts): boolean {
  return /^[A-Za-z0-9-]+$/.test(parts.owner) && /^[A-Za-z0-9._-]+$/.test(parts.repository) && parts.kind !== "other";
}

/**
 * The GitHub claims besides sub and aud that AWS STS evaluates as condition keys (since 2026-01):
 * AWS IAM User Guide, "Available keys for OIDC federation"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif)
 * and AWS What's New, "AWS STS supports validation of identity provider claims"
 * (https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/).
 * Any other claim (repository_owner_id, runner_environment, ...) is absent from the request
 * context, so a positive condition on it is false. None of these reaches the session.
 */
export const STS_GITHUB_CLAIMS = ["actor", "actor_id", "job_workflow_ref", "repository", "repository_id", "workflow", "ref", "environment", "enterprise_id"] as const;
export type StsGithubClaim = (typeof STS_GITHUB_CLAIMS)[number];
