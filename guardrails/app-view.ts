import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { AppView, SynthResource } from "./types";

interface StackTerraform {
  resource?: Record<string, Record<string, Record<string, any>>>;
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
 * The Terraform the guardrails resolved for this stack, handed over once to the synth that
 * follows them (see PlatformStack.toTerraform), or undefined when the tree has changed since.
 */
export function takePreparedTerraform(stack: TerraformStack): unknown {
  const entry = prepared.get(stack);
  prepared.delete(stack);
  return entry && entry.constructs === stack.node.findAll().length ? entry.terraform : undefined;
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

  for (const stack of stacks) {
    const stackName = stack.node.id;
    const tf = stack.toTerraform() as StackTerraform;
    if (options.handOffToSynth) prepared.set(stack, { constructs: stack.node.findAll().length, terraform: tf });
    providers.set(stackName, tf.provider ?? {});
    backends.set(stackName, tf.terraform?.backend);
    for (const [type, byName] of Object.entries(tf.resource ?? {})) {
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
      const m = REFERENCE.exec(reference) ?? /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)$/.exec(reference);
      return m ? byRef.get(`${from.stack}|${m[1]}.${m[2]}`) : undefined;
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
