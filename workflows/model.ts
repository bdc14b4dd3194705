/**
 * A small typed model of the GitHub Actions workflows this template generates. It holds only what
 * the generators need, so a rule that must always hold (workflow-level `permissions: {}`, SHA-pinned
 * actions, a timeout on every job) is a type the generators cannot get wrong, not a lint finding.
 * `render.ts` turns it into YAML.
 */
import type { PinnedAction } from "./action-pins";

/** Scopes of the GITHUB_TOKEN (and `id-token` for OIDC) a job can be granted. */
export type PermissionScope =
  | "actions"
  | "attestations"
  | "checks"
  | "contents"
  | "deployments"
  | "discussions"
  | "id-token"
  | "issues"
  | "models"
  | "packages"
  | "pages"
  | "pull-requests"
  | "security-events"
  | "statuses";

/** `none` is left out: a scope not listed is not granted once a job lists any permission. */
export type PermissionLevel = "read" | "write";

export type JobPermissions = Readonly<Partial<Record<PermissionScope, PermissionLevel>>>;

/** Workflow-level permissions are always empty (WF-001): every job states its own. */
export type WorkflowPermissions = Readonly<Record<string, never>>;

/**
 * `on: push` with branch and tag filters. A filter left out (or empty) is not rendered; GitHub then
 * runs the workflow only for the kind of ref that is listed.
 */
export interface PushTrigger {
  readonly branches?: readonly string[];
  readonly tags?: readonly string[];
}

export interface WorkflowTriggers {
  readonly push: PushTrigger;
}

export interface Concurrency {
  /** May hold expressions, e.g. `${{ github.workflow }}-${{ github.ref }}`. */
  readonly group: string;
  readonly cancelInProgress: boolean;
}

/** `with:` inputs and `env:` values as YAML scalars. */
export type StepInputs = Readonly<Record<string, string | number | boolean>>;
export type StepEnv = Readonly<Record<string, string>>;

interface StepBase {
  readonly name: string;
  /** Needed to read the step's outputs (`steps.<id>.outputs.*`). */
  readonly id?: string;
  readonly env?: StepEnv;
}

/** A step that runs an action, always pinned to a commit SHA (WF-002). */
export interface ActionStep extends StepBase {
  readonly uses: PinnedAction;
  readonly with?: StepInputs;
  readonly run?: never;
  readonly shell?: never;
}

/**
 * A step that runs a shell script. The script must not hold `${{ }}` expressions (WF-003): GitHub
 * pastes their values into the script before the shell parses it, so pass values through `env:`.
 */
export interface RunStep extends StepBase {
  readonly run: string;
  readonly shell?: "bash" | "sh";
  readonly uses?: never;
  readonly with?: never;
}

export type Step = ActionStep | RunStep;

export interface Job {
  /** Display name. */
  readonly name: string;
  /** One runner label; may hold expressions (CodeBuild runner labels do). */
  readonly runsOn: string;
  /** Deployment environment; also changes the OIDC subject to `environment:<name>`. */
  readonly environment?: string;
  readonly permissions: JobPermissions;
  readonly timeoutMinutes: number;
  readonly concurrency?: Concurrency;
  readonly steps: readonly Step[];
}

export interface Workflow {
  /** Display name in the Actions tab. */
  readonly name: string;
  readonly on: WorkflowTriggers;
  readonly permissions: WorkflowPermissions;
  readonly concurrency?: Concurrency;
  /** Job id -> job; rendered in insertion order. */
  readonly jobs: Readonly<Record<string, Job>>;
}

export function isActionStep(step: Step): step is ActionStep {
  return step.uses !== undefined;
}
