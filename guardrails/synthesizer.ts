/**
 * How guarded stacks are synthesized, so that the guardrails check exactly what is written.
 *
 * cdktf's own StackSynthesizer runs a stack's Aspects, validates it and writes it, one stack
 * after the other, and never runs Aspects added to the App. A check at any point of that loop
 * would read a stack whose later Aspects (a user's tagging or patching Aspect added in main.ts
 * after the stacks were built) have not run yet, or one that is already written. Here, when the
 * first guarded stack is synthesized:
 *   1. every Aspect of every guarded stack runs, once (the App's own ones included, in CDK's order:
 *      inherited first), and the guardrails last;
 *   2. the guardrails read the whole app as it then is, annotate it, and fail before anything is
 *      written when a finding is left;
 *   3. each stack is then written from the very Terraform the rules read (resolving is the
 *      costliest step of synth; nothing changes the tree between the check and the write).
 *
 * Writing a stack as cdktf does is cdktf-internal: writeStack in cdktf-internals.ts, whose test
 * (__tests__/cdktf-internals.test.ts) proves this writes byte-for-byte what plain cdktf writes.
 */
import { Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { writeOptionsFromEnv, writeStack, type IStackSynthesizer, type ISynthesisSession } from "../cdktf-internals";
import { stacksOf } from "./app-view";
import type { GuardrailsAspect } from "./aspect";

/** Thrown when guardrail findings stop synth; nothing has been written then. */
export class GuardrailsFailure extends Error {
  constructor(readonly findings: readonly string[]) {
    super(`${findings.length} guardrail finding(s); nothing was synthesized:\n${findings.map((f) => `  ${f}`).join("\n")}`);
    this.name = "GuardrailsFailure";
  }
}

interface Guarded {
  readonly aspect: GuardrailsAspect;
}

const guarded = new WeakMap<TerraformStack, Guarded>();
// Aspects visit each construct once per app, however many synth passes run (cdktf forgets).
const visited = new WeakMap<IConstruct, Set<IAspect>>();
// What the check resolved, per stack, for the write that follows it in the same synth.
const checked = new WeakMap<TerraformStack, unknown>();

/** Makes `stack` synthesize through the guardrails (see the file comment). */
export function guardSynthesis(stack: TerraformStack, aspect: GuardrailsAspect): void {
  guarded.set(stack, { aspect });
  stack.synthesizer = new GuardedSynthesizer(stack);
}

/** The guarded stacks of the app `scope` belongs to, in the order app.synth() visits them. */
function guardedStacks(scope: IConstruct): TerraformStack[] {
  // Asked by every stack's synthesize: the App's children, not a walk of every construct.
  return stacksOf(scope).filter((s) => guarded.has(s));
}

/**
 * Runs every Aspect of the guarded stacks (once), then the guardrails over all of them. Returns
 * the findings that fail synth; the stacks carry them (and the accepted ones) as annotations.
 */
export function checkGuardedApp(scope: IConstruct): readonly string[] {
  const stacks = guardedStacks(scope);
  const aspects = new Set(stacks.map((s) => guarded.get(s)!.aspect));
  const isGuardrails = (a: IAspect) => aspects.has(a as GuardrailsAspect);
  for (const stack of stacks) invokeAspectsOnce(stack, inheritedAspects(stack), isGuardrails);
  const errors: string[] = [];
  for (const aspect of aspects) {
    const own = stacks.filter((s) => guarded.get(s)!.aspect === aspect);
    const result = aspect.check(stacks, own);
    errors.push(...result.errors);
    for (const stack of own) checked.set(stack, result.view.terraform(stack.node.id));
  }
  // Errors the stacks carry from elsewhere (a construct's own, a user's Aspect) stop synth too,
  // before the first file rather than after some.
  for (const stack of stacks) {
    for (const node of stack.node.findAll()) {
      for (const m of node.node.metadata) {
        if (m.type === ERROR && !errors.includes(String(m.data))) errors.push(String(m.data));
      }
    }
  }
  return errors;
}

/** Aspects on the App and any scope above the stack: cdktf itself never runs those. */
function inheritedAspects(stack: TerraformStack): IAspect[] {
  const scopes: IConstruct[] = [];
  for (let s = stack.node.scope; s !== undefined; s = s.node.scope) scopes.unshift(s);
  return scopes.flatMap((s) => Aspects.of(s).all);
}

function invokeAspectsOnce(construct: IConstruct, inherited: readonly IAspect[], skip: (a: IAspect) => boolean): void {
  const here = [...inherited, ...Aspects.of(construct).all];
  let done = visited.get(construct);
  if (!done) visited.set(construct, (done = new Set()));
  for (const aspect of here) {
    if (skip(aspect) || done.has(aspect)) continue;
    aspect.visit(construct);
    done.add(aspect);
  }
  for (const child of construct.node.children) invokeAspectsOnce(child, here, skip);
}

const ERROR = "@cdktf/error";

class GuardedSynthesizer implements IStackSynthesizer {
  // Read when the stack is guarded, as cdktf's own StackSynthesizer reads them when a stack is created.
  private readonly options = writeOptionsFromEnv();

  constructor(private readonly stack: TerraformStack) {}

  synthesize(session: ISynthesisSession): void {
    const stack = this.stack;
    // The first guarded stack of a synth checks them all, before any of them is written.
    if (guardedStacks(stack)[0] === stack) {
      const errors = checkGuardedApp(stack);
      if (errors.length > 0) throw new GuardrailsFailure(errors);
    }
    // The HCL output is rendered from the tree, not from the JSON the check resolved.
    const resolved = this.options.hclOutput ? undefined : checked.get(stack);
    checked.delete(stack);
    writeStack(stack, session, this.options, resolved);
  }
}
