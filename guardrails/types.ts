/**
 * The shapes the guardrails work on. Rules see the Terraform the stacks will emit (resolved
 * configuration, snake_case keys, references as `${type.name.attr}` strings), never the config
 * file: a resource added by hand to a stack, or a module edited locally, is checked the same way.
 */

/** One resource as Terraform will read it. */
export interface SynthResource {
  /** Stack (construct id) that emits it. */
  readonly stack: string;
  /** Terraform type, e.g. `aws_iam_role`. */
  readonly type: string;
  /** Logical name in the stack, e.g. `DeployRole-x_A7ED7D89`; references use `${type}.${name}`. */
  readonly name: string;
  /** Construct path, e.g. `aws-000123456789-ap-northeast-1/DeployRole-x/Resource`. */
  readonly path: string;
  /** Resolved configuration, snake_case. */
  readonly config: Readonly<Record<string, any>>;
}

/**
 * `resourceTypes` entry of a rule that checks every element Terraform reads: each resource and
 * each other block (see {@link AppView.blocks}).
 */
export const EVERY_BLOCK = "*";

/** Everything the rules may look at: all resources of the app, indexed once per synth. */
export interface AppView {
  readonly resources: readonly SynthResource[];
  /**
   * Every other top-level element of every stack, shaped like a resource: data sources
   * (type `data.<type>`), providers (`provider.<name>`, name = index), outputs (`output`), locals
   * (`locals`, one per name), variables (`variable`), modules (`module`) and the `terraform` block.
   */
  readonly blocks: readonly SynthResource[];
  /** Resources of one type across all stacks. */
  ofType(type: string): readonly SynthResource[];
  /** The resource a `${type.name.attr}` reference (or `type.name`) points at, in the same stack. */
  referenced(from: SynthResource, reference: unknown): SynthResource | undefined;
  /** Provider blocks per stack, e.g. `provider("github-x", "github")`. */
  provider(stack: string, name: string): readonly Record<string, any>[];
  /** Backend block of a stack, e.g. `{ s3: {...} }`. */
  backend(stack: string): Readonly<Record<string, any>> | undefined;
  /** The whole resolved Terraform of a stack, exactly as synth writes it. */
  terraform(stack: string): unknown;
  /** Memo for rules that derive app-wide data (computed once per synth, not per resource). */
  memo<T>(key: string, compute: () => T): T;
}

/** What a rule says about one resource: nothing (compliant or not applicable) or the problems. */
export type RuleResult = undefined | string | readonly string[];

export interface Rule {
  /** Stable id, e.g. `OIDC-006`. Never reused for another check. */
  readonly id: string;
  /** One line: what the rule checks. */
  readonly title: string;
  /** Why it matters (what breaks, or who gets in). */
  readonly why: string;
  /** How to fix a finding, in terms of platform.yaml where possible. */
  readonly fix: string;
  /** Where the rule comes from (docs, incident, scanner). */
  readonly source: string;
  /** Terraform types the rule inspects; the engine calls `check` only for these ({@link EVERY_BLOCK}: all). */
  readonly resourceTypes: readonly string[];
  /** Warnings are printed; errors fail synth. @default "error" */
  readonly severity?: "error" | "warning";
  check(resource: SynthResource, app: AppView): RuleResult;
}

export interface Finding {
  readonly rule: Rule;
  readonly resource: SynthResource;
  readonly message: string;
}
