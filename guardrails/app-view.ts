import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { AppView, SynthResource } from "./types";

interface StackTerraform {
  resource?: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  provider?: Record<string, Record<string, any>[]>;
  output?: Record<string, Record<string, any>>;
  locals?: Record<string, unknown>;
  variable?: Record<string, Record<string, any>>;
  module?: Record<string, Record<string, any>>;
  terraform?: { backend?: Record<string, any> };
}

/** The non-resource elements of one stack's Terraform, shaped like resources (AppView.blocks). */
function blocksOf(stackName: string, tf: StackTerraform): SynthResource[] {
  const blocks: SynthResource[] = [];
  const add = (type: string, name: string, config: unknown) => {
    const body = typeof config === "object" && config !== null && !Array.isArray(config) ? (config as Record<string, any>) : { value: config };
    const path = (body["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? `${stackName}/${type}.${name}`;
    blocks.push({ stack: stackName, type, name, path, config: body });
  };
  for (const [type, byName] of Object.entries(tf.data ?? {})) {
    for (const [name, config] of Object.entries(byName)) add(`data.${type}`, name, config);
  }
  for (const [name, configs] of Object.entries(tf.provider ?? {})) configs.forEach((c, i) => add(`provider.${name}`, String(i), c));
  for (const [name, config] of Object.entries(tf.output ?? {})) add("output", name, config);
  for (const [name, value] of Object.entries(tf.locals ?? {})) add("locals", name, { value });
  for (const [name, config] of Object.entries(tf.variable ?? {})) add("variable", name, config);
  for (const [name, config] of Object.entries(tf.module ?? {})) add("module", name, config);
  if (tf.terraform !== undefined) add("terraform", "terraform", tf.terraform);
  return blocks;
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.[^}]*)?\}$/;

/**
 * Builds the view from each stack's resolved Terraform (`toTerraform()`), i.e. exactly what synth
 * writes, once for the whole app: the cross-side checks need both stacks at once.
 */
export function buildAppView(stacks: readonly TerraformStack[]): AppView {
  const resources: SynthResource[] = [];
  const blocks: SynthResource[] = [];
  const byType = new Map<string, SynthResource[]>();
  const byRef = new Map<string, SynthResource>();
  const providers = new Map<string, Record<string, Record<string, any>[]>>();
  const backends = new Map<string, Record<string, any> | undefined>();
  const memos = new Map<string, unknown>();
  const terraforms = new Map<string, StackTerraform>();
  // `type.name` a reference string points at (null: not a reference); rules ask about the same ones often.
  const targets = new Map<string, string | null>();

  for (const stack of stacks) {
    const stackName = stack.node.id;
    const tf = stack.toTerraform() as StackTerraform;
    terraforms.set(stackName, tf);
    providers.set(stackName, tf.provider ?? {});
    backends.set(stackName, tf.terraform?.backend);
    blocks.push(...blocksOf(stackName, tf));
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
    blocks,
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
    terraform: (stack) => terraforms.get(stack),
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
