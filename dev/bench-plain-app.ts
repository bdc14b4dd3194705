/**
 * For dev/bench.ts: the example's resources written as a plain cdktf app, the way a user
 * starting from `cdktf init --template=typescript` would: one TerraformStack class per stack,
 * `new IamRole(this, ...)` per resource with typed, camelCase props, provider classes imported by
 * deep path (`@cdktf/provider-aws/lib/iam-role`, as cdktf's documentation does), `app.synth()`.
 * No config file, no guardrails, no schema.
 *
 * It is generated from the Terraform JSON the app synthesized (so it follows platform.yaml), into
 * a temp folder with cdktf init's own tsconfig.json and cdktf.json (`npx ts-node main.ts`) copied
 * from the installed cdktf-cli template. The bench runs it twice:
 *   - the anchor: `npx ts-node main.ts`, which type-checks at start-up (cdktf init's default);
 *   - the floor: `npx cdktf synth` of the same app precompiled by tsc to JavaScript.
 * Either must synthesize as many resources as the app did.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface StackJson {
  provider?: Record<string, JsonObject[]>;
  terraform?: { backend?: Record<string, JsonObject> };
  data?: Record<string, Record<string, JsonObject>>;
  resource?: Record<string, Record<string, JsonObject>>;
  output?: Record<string, JsonObject>;
}

/** Provider packages by the prefix of their resource types. */
const PACKAGES: Record<string, string> = { aws: "@cdktf/provider-aws", github: "@cdktf/provider-github" };
/** Objects whose keys are data, not attribute names: left as they are. */
const MAP_ATTRIBUTES = new Set(["tags", "tags_all"]);
/** Terraform meta-arguments handled apart (depends_on) or not part of a plain app (provider aliases). */
const META_ARGUMENTS = new Set(["//", "depends_on", "provider"]);

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (name: string): string => camel(name).replace(/^./, (c) => c.toUpperCase());
const kebab = (name: string): string => name.replace(/_/g, "-");

/**
 * Module and class of a provider binding: resource `aws_iam_role` -> lib/iam-role, IamRole; data
 * source `aws_caller_identity` -> lib/data-aws-caller-identity, DataAwsCallerIdentity.
 */
function binding(type: string, kind: "resource" | "data"): { module: string; className: string } {
  const prefix = type.slice(0, type.indexOf("_"));
  const pkg = PACKAGES[prefix];
  if (pkg === undefined) throw new Error(`plain app: no provider package known for ${kind} type ${type}`);
  if (kind === "data") return { module: `${pkg}/lib/data-${kebab(type)}`, className: `Data${pascal(type)}` };
  const rest = type.slice(prefix.length + 1);
  return { module: `${pkg}/lib/${kebab(rest)}`, className: pascal(rest) };
}

/** A TypeScript literal of a Terraform JSON value, attribute names in camelCase. */
function literal(value: Json, indent: string, keepKeys = false): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([key]) => !META_ARGUMENTS.has(key));
  if (entries.length === 0) return "{}";
  const lines = entries.map(([key, v]) => {
    const name = keepKeys ? JSON.stringify(key) : camel(key);
    return `${inner}${name}: ${literal(v, inner, MAP_ATTRIBUTES.has(key))},`;
  });
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function readStacks(outdir: string): Map<string, StackJson> {
  const stacks = new Map<string, StackJson>();
  const dir = join(outdir, "stacks");
  for (const name of readdirSync(dir).sort()) {
    stacks.set(name, JSON.parse(readFileSync(join(dir, name, "cdk.tf.json"), "utf8")) as StackJson);
  }
  return stacks;
}

function stackClass(className: string, stack: StackJson, imports: Map<string, Set<string>>): string {
  const use = (module: string, name: string): void => {
    if (!imports.has(module)) imports.set(module, new Set());
    imports.get(module)?.add(name);
  };
  const body: string[] = [];
  for (const [name, configs] of Object.entries(stack.provider ?? {})) {
    const pkg = PACKAGES[name];
    if (pkg === undefined) throw new Error(`plain app: no provider package known for provider ${name}`);
    const providerClass = `${pascal(name)}Provider`;
    use(`${pkg}/lib/provider`, providerClass);
    configs.forEach((config, i) => body.push(`new ${providerClass}(this, "${name}${i === 0 ? "" : i}", ${literal(config, "    ")});`));
  }
  for (const [kind, config] of Object.entries(stack.terraform?.backend ?? {})) {
    const backendClass = `${pascal(kind)}Backend`;
    use("cdktf", backendClass);
    body.push(`new ${backendClass}(this, ${literal(config, "    ")});`);
  }
  const elements = [
    ...Object.entries(stack.data ?? {}).map(([type, byName]) => ({ type, byName, kind: "data" as const })),
    ...Object.entries(stack.resource ?? {}).map(([type, byName]) => ({ type, byName, kind: "resource" as const })),
  ];
  for (const { type, byName, kind } of elements) {
    const { module, className: resourceClass } = binding(type, kind);
    use(module, resourceClass);
    for (const [name, config] of Object.entries(byName)) {
      const created = `new ${resourceClass}(this, ${JSON.stringify(name)}, ${literal(config, "    ")})`;
      const dependsOn = config.depends_on;
      // Resource addresses, as synthesized: the plain app keeps the same construct ids, so the same names.
      if (Array.isArray(dependsOn) && dependsOn.length > 0) body.push(`${created}.dependsOn = ${JSON.stringify(dependsOn)};`);
      else body.push(`${created};`);
    }
  }
  for (const [name, config] of Object.entries(stack.output ?? {})) {
    use("cdktf", "TerraformOutput");
    body.push(`new TerraformOutput(this, ${JSON.stringify(name)}, ${literal(config, "    ")});`);
  }
  return [
    `class ${className} extends TerraformStack {`,
    "  constructor(scope: Construct, id: string) {",
    "    super(scope, id);",
    ...body.map((line) => `    ${line}`),
    "  }",
    "}",
  ].join("\n");
}

/** main.ts of the plain app that synthesizes what `outdir` holds. */
export function plainAppSource(outdir: string): string {
  const imports = new Map<string, Set<string>>([["cdktf", new Set(["App", "TerraformStack"])]]);
  const classes: string[] = [];
  const instances: string[] = [];
  [...readStacks(outdir)].forEach(([name, stack], i) => {
    const className = `Stack${i + 1}`;
    classes.push(stackClass(className, stack, imports));
    instances.push(`new ${className}(app, ${JSON.stringify(name)});`);
  });
  const importLines = [
    'import { Construct } from "constructs";',
    ...[...imports].map(([module, names]) => `import { ${[...names].sort().join(", ")} } from "${module}";`),
  ];
  return [importLines.join("\n"), ...classes, ["const app = new App();", ...instances, "app.synth();"].join("\n")].join("\n\n") + "\n";
}

/** Writes the plain app into `dir`, with cdktf init's tsconfig.json and cdktf.json. */
export function writePlainApp(root: string, outdir: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const template = join(root, "node_modules", "cdktf-cli", "bundle", "templates", "typescript");
  copyFileSync(join(template, "tsconfig.json"), join(dir, "tsconfig.json"));
  const cdktfJson = readFileSync(join(template, "cdktf.json"), "utf8")
    .replace("{{projectId}}", "bench-plain-app")
    .replace("{{sendCrashReports}}", "false")
    .replace("{{futureFlags}}", "");
  writeFileSync(join(dir, "cdktf.json"), cdktfJson);
  writeFileSync(join(dir, "main.ts"), plainAppSource(outdir));
  // cdktf, constructs, the providers, ts-node and typescript: the project's own installation.
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
}
