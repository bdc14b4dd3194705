import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { AppView, SynthResource } from "./types";

interface StackTerraform {
  resource?: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  provider?: Record<string, Record<string, any>[]>;
  terraform?: { backend?: Record<string, any> };
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.[^}]*)?\}$/;

interface Prepared {
  readonly constructs: number;
  readonly terraform: unknown;
}

// Resolving every token is the most expensive part of synth; the guardrails have just done it.
const prepared = new WeakMap<TerraformStack, Prepared>();

/**
 * cdktf's own module that TerraformStack.toTerraform() resolves every element through: the one
 * object whose `resolve` it reads at each call (cdktf 0.21, pinned;
 * __tests__/tools/synth-shortcuts.test.ts fails if that changes).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdktfTokens: { resolve: typeof import("cdktf/lib/_tokens").resolve } = require("cdktf/lib/_tokens");

const constructCount = (stack: TerraformStack): number => stack.node.findAll().length;

/** The handed-over Terraform, when the stack's tree is as it was when it was resolved. */
function unchangedSincePrepared(stack: TerraformStack): Prepared | undefined {
  const entry = prepared.get(stack);
  return entry && entry.constructs === constructCount(stack) ? entry : undefined;
}

/**
 * The Terraform the guardrails resolved for this stack, handed over once to the synth that
 * follows them (see PlatformStack.toTerraform), or undefined when the tree has changed since.
 */
export function takePreparedTerraform(stack: TerraformStack): unknown {
  const entry = unchangedSincePrepared(stack);
  prepared.delete(stack);
  return entry?.terraform;
}

/**
 * `stack.toTerraform()` resolved as app.synth() prepares a stack (`preparing`: the pass in which
 * cross-stack references create their outputs and remote state), so that one resolve pass does
 * the work of two: app.synth() first prepares every stack (ensureBackendExists, then every
 * element's toTerraform() resolved with preparing = true), then resolves all of it again in
 * toTerraform(). Preparing changes the result only through those cross-stack constructs; when
 * the pass adds any, the stack is resolved again as synth would.
 */
function resolvePrepared(stack: TerraformStack): { terraform: StackTerraform; constructs: number } {
  const constructs = constructCount(stack);
  // cdktf's TerraformStack.toTerraform() calls this module's resolve() for every element: make
  // those calls preparing ones, for the duration of this call only.
  const resolve = cdktfTokens.resolve;
  cdktfTokens.resolve = (scope, obj) => resolve(scope, obj, true);
  let terraform: StackTerraform;
  try {
    terraform = stack.toTerraform() as StackTerraform;
  } finally {
    cdktfTokens.resolve = resolve;
  }
  const after = constructCount(stack);
  if (after === constructs) {
    // app.synth() will prepare this stack again first: with nothing changed since, that second
    // pass finds nothing new, so it is skipped (once). A stack without a backend is left to it:
    // preparing adds cdktf's default one.
    if (terraform.terraform?.backend !== undefined) skipNextPrepare(stack);
    return { terraform, constructs };
  }
  return { terraform: stack.toTerraform() as StackTerraform, constructs: after };
}

/** The next prepareStack() of this stack does nothing if the stack is unchanged since it was resolved. */
function skipNextPrepare(stack: TerraformStack): void {
  Object.defineProperty(stack, "prepareStack", {
    configurable: true,
    writable: true,
    value: function prepareUnlessPrepared(this: TerraformStack): void {
      delete (this as { prepareStack?: unknown }).prepareStack;
      if (unchangedSincePrepared(this) === undefined) this.prepareStack();
    },
  });
}

export interface AppViewOptions {
  /** Keep each stack's resolved Terraform for the synth that follows (the Aspect does). */
  readonly handOffToSynth?: boolean;
}

/**
 * Builds the view from each stack's resolved Terraform (`toTerraform()`), i.e. exactly what synth
 * writes, once for the whole app: the cross-side checks need both stacks at once.
 */
export function buildAppView(stacks: readonly TerraformStack[], options: AppViewOptions = {}): AppView {
  const resources: SynthResource[] = [];
  const byType = new Map<string, SynthResource[]>();
  const byRef = new Map<string, SynthResource>();
  const providers = new Map<string, Record<string, Record<string, any>[]>>();
  const backends = new Map<string, Record<string, any> | undefined>();
  const memos = new Map<string, unknown>();
  // `type.name` a reference string points at (null: not a reference); rules ask about the same ones often.
  const targets = new Map<string, string | null>();

  for (const stack of stacks) {
    const stackName = stack.node.id;
    let tf: StackTerraform;
    if (options.handOffToSynth) {
      const { terraform, constructs } = resolvePrepared(stack);
      prepared.set(stack, { constructs, terraform });
      tf = terraform;
    } else {
      tf = stack.toTerraform() as StackTerraform;
    }
    providers.set(stackName, tf.provider ?? {});
    backends.set(stackName, tf.terraform?.backend);
    // Data sources join as `data.<type>` (what a reference to them starts with), e.g. the
    // github_repository whose postcondition carries a repository's declared visibility.
    const blocks = [
      ...Object.entries(tf.resource ?? {}),
      ...Object.entries(tf.data ?? {}).map(([type, byName]) => [`data.${type}`, byName] as const),
    ];
    for (const [type, byName] of blocks) {
      for (const [name, config] of Object.entries(byName)) {
        const path = (config["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? `${stackName}/${name}`;
        const resource: SynthResource = { stack: stackName, type, name, path, config };
        resources.push(resource);
        const ofType = byType.get(type);
        if (ofType) ofType.push(resource);
        else byType.set(type, [resource]);
        byRef.set(`${stackName}|${type}.${name}`, resource);
      }
    }
  }

  return {
    resources,
    ofType: (type) => byType.get(type) ?? [],
    referenced(from, reference) {
      if (typeof reference !== "string") return undefined;
      let target = targets.get(reference);
      if (target === undefined) {
        const m = REFERENCE.exec(reference) ?? /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)$/.exec(reference);
        target = m ? `${m[1]}.${m[2]}` : null;
        targets.set(reference, target);
      }
      return target === null ? undefined : byRef.get(`${from.stack}|${target}`);
    },
    provider: (stack, name) => providers.get(stack)?.[name] ?? [],
    backend: (stack) => backends.get(stack),
    memo<T>(key: string, compute: () => T): T {
      if (!memos.has(key)) memos.set(key, compute());
      return memos.get(key) as T;
    },
  };
}

/** The stacks of the app a construct belongs to. */
export function stacksOf(scope: IConstruct): TerraformStack[] {
  // Stacks are children of the App; no need to walk every construct.
  return scope.node.root.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
}
