import { DefaultTokenResolver, StringConcat, TerraformElement, Tokenization, type TerraformStack } from "cdktf";

/**
 * `cdktf synth --hcl` is the way out of CDKTF (archived), so its HCL must be Terraform that
 * `terraform validate` accepts without warnings and `terraform fmt -check` leaves alone. cdktf
 * 0.21's HCL renderer gets these wrong when it is handed the same values as the JSON synth:
 *
 * - `lifecycle { precondition = [{ ... }] }`: it writes every lifecycle entry as an argument, but
 *   `precondition`/`postcondition` are blocks (validate: "An argument named "precondition" is not
 *   expected here");
 * - `depends_on = ["aws_x.y"]` (and `ignore_changes`, `replace_triggered_by`): quoted references,
 *   deprecated since Terraform 0.12 (validate warns on each);
 * - `attr = "${aws_x.y.arn}"`: every reference as an interpolation-only string, which Terraform
 *   reads the same as the bare expression and `terraform fmt` rewrites;
 * - a multi-line string as a heredoc of its lines, which ends in one newline more than the string
 *   when the string ends in one (every workflow file: a diff on each plan after leaving CDKTF), and
 *   backslashes in quoted strings unescaped (Terraform then reads `\"` as `"`).
 *
 * The renderer writes a value as a block, or bare, when it comes in its typed form
 * (`{ value, type, isBlock }`). So each element hands the renderer its own values in that form;
 * nothing in the rendered text is edited afterwards, and the JSON synth is untouched.
 */
export function renderableAsHcl(stack: TerraformStack): void {
  for (const node of stack.node.findAll()) {
    if (!(node instanceof TerraformElement) || PATCHED.has(node)) continue;
    PATCHED.add(node);
    const original = node.toHclTerraform.bind(node);
    node.toHclTerraform = () =>
      // Resolved first: whether a value is a sole reference is known only once its tokens are.
      hclFragment(Tokenization.resolve(original(), { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) }));
  }
}

const PATCHED = new WeakSet<TerraformElement>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fragment = Record<string, any>;

function hclFragment(fragment: Fragment): Fragment {
  for (const kind of ["resource", "data"]) {
    for (const byName of Object.values<Fragment>(fragment[kind] ?? {})) {
      for (const [name, attributes] of Object.entries<Fragment>(byName)) byName[name] = topLevel(attributes);
    }
  }
  for (const [name, attributes] of Object.entries<Fragment>(fragment.output ?? {})) fragment.output[name] = typedValues(attributes);
  return fragment;
}

function topLevel(attributes: Fragment): Fragment {
  const out = typedValues(attributes);
  if (Array.isArray(attributes.depends_on)) out.depends_on = referenceList(attributes.depends_on);
  if (isPlainObject(attributes.lifecycle)) out.lifecycle = lifecycleBlock(attributes.lifecycle);
  return out;
}

/** `lifecycle` in the typed form: a block holding precondition/postcondition blocks and bare references. */
function lifecycleBlock(lifecycle: Fragment): Fragment {
  const value: Fragment = {};
  for (const [key, v] of Object.entries(lifecycle)) {
    if ((key === "precondition" || key === "postcondition") && Array.isArray(v)) {
      value[key] = { value: v.map((c) => (isPlainObject(c) ? typedValues(c) : c)), isBlock: true, type: "list", storageClassType: "object" };
    } else if ((key === "ignore_changes" || key === "replace_triggered_by") && Array.isArray(v)) {
      value[key] = referenceList(v);
    } else if (key === "ignore_changes" && v === "all") {
      value[key] = { value: "all", type: "reference" };
    } else {
      value[key] = v;
    }
  }
  return { value, isBlock: true, type: "simple", storageClassType: "object" };
}

function referenceList(items: unknown[]): Fragment {
  return { value: `[${items.map(String).join(", ")}]`, type: "reference" };
}

/** Every typed value that is one interpolation and nothing else, bare; blocks recursed into. */
function typedValues(attributes: Fragment): Fragment {
  const out: Fragment = {};
  for (const [key, v] of Object.entries(attributes)) out[key] = typedValue(v);
  return out;
}

function typedValue(v: unknown): unknown {
  if (typeof v === "string") {
    const expression = soleInterpolation(v);
    return expression === undefined ? v : { value: expression, type: "reference" };
  }
  if (!isPlainObject(v) || !("value" in v)) return v;
  const { value } = v;
  if (typeof value === "string") {
    const expression = soleInterpolation(value);
    if (expression !== undefined) return { ...v, value: expression, type: "reference" };
    const exact = exactString(value);
    return exact === value ? v : { ...v, value: exact };
  }
  if (v.isBlock && Array.isArray(value)) return { ...v, value: value.map((item) => (isPlainObject(item) ? typedValues(item) : item)) };
  if (v.isBlock && isPlainObject(value)) return { ...v, value: typedValues(value) };
  return v;
}

/**
 * A string as the renderer writes it back exactly. Its heredoc adds a newline after the last
 * line, so a multi-line string ending in one hands over one less. Its quoted strings escape only
 * quotes, so a literal string with a backslash, newline or tab (and no template sequence, whose
 * expressions must stay unescaped) hands over its HCL escapes.
 */
function exactString(value: string): string {
  const heredoc = value.endsWith("\n") ? value.slice(0, -1) : undefined;
  if (heredoc !== undefined && heredoc.includes("\n") && !heredoc.includes("\r")) return heredoc;
  if (/[$%]\{/.test(value) || !/[\\\n\r\t]/.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
}

/**
 * The expression of a string that is exactly `${expression}`, else undefined: a template with
 * literal text, two interpolations or a nested template stays a string.
 */
export function soleInterpolation(s: string): string | undefined {
  if (!s.startsWith("${") || !s.endsWith("}")) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 2; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      else if ((c === "$" || c === "%") && s[i + 1] === "{") return undefined;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i === s.length - 1 ? s.slice(2, -1) : undefined;
      depth--;
    }
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Fragment {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
