/**
 * Layer 1 (config): the committed JSON Schema that editors use for platform.yaml is the one
 * config/schema.ts generates, and it agrees with the loader on the shipped example.
 *
 * No JSON Schema library is a dependency of the template, so the schema is checked with a small
 * validator for exactly the draft-07 keywords the generated schema uses; a test fails if the
 * schema starts using one it does not know, so it can never pass by ignoring a rule.
 */
import { EXAMPLE_PATH, EXAMPLE_TEXT } from "../helpers/example";
import { SHARED_RUNNERS_TEXT } from "../helpers/shared-runners";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { PlatformConfigSchema } from "../../config/schema";
import { CONFIG_SCHEMA_FILE, CONFIG_SCHEMA_ID, CONFIG_SCHEMA_PATH, renderConfigSchema } from "../../dev/generate-schema";

const ROOT = join(__dirname, "..", "..");

interface JsonSchema {
  $schema?: string;
  $id?: string;
  $comment?: string;
  title?: string;
  description?: string;
  default?: unknown;
  type?: "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  items?: JsonSchema;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  propertyNames?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  not?: JsonSchema;
}

/** Keywords the validator below checks, or that only annotate. */
const KNOWN_KEYWORDS = new Set([
  "$schema", "$id", "$comment", "title", "description", "default",
  "type", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
  "items", "minItems", "properties", "required", "propertyNames", "additionalProperties", "oneOf", "anyOf", "not",
]); // prettier-ignore

/** Every keyword used anywhere in `schema`, with the first place it occurs. */
function keywordsOf(schema: JsonSchema, at = "#", out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(schema)) {
    if (!out.has(key)) out.set(key, at);
    if (key === "properties") for (const [name, sub] of Object.entries(value as Record<string, JsonSchema>)) keywordsOf(sub, `${at}/properties/${name}`, out);
    else if (key === "items" || key === "propertyNames" || (key === "additionalProperties" && typeof value === "object"))
      keywordsOf(value as JsonSchema, `${at}/${key}`, out);
    else if (key === "oneOf" || key === "anyOf") (value as JsonSchema[]).forEach((sub, i) => keywordsOf(sub, `${at}/${key}/${i}`, out));
  }
  return out;
}

function typeMatches(type: NonNullable<JsonSchema["type"]>, value: unknown): boolean {
  switch (type) {
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

/** The problems of `value` against `schema`, as `<json pointer>: <keyword>` (empty: valid). */
function validate(schema: JsonSchema, value: unknown, at = ""): string[] {
  if (schema.type !== undefined && !typeMatches(schema.type, value)) return [`${at}: type ${schema.type}`];
  const problems: string[] = [];
  const fail = (keyword: string) => problems.push(`${at}: ${keyword}`);
  // A removed field is `not: {}`: any value fails.
  if (schema.not !== undefined && validate(schema.not, value, at).length === 0) fail("not");
  if (schema.const !== undefined && value !== schema.const) fail("const");
  if (schema.enum !== undefined && !schema.enum.includes(value)) fail("enum");
  if (typeof value === "string") {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) fail("pattern");
    if (schema.minLength !== undefined && [...value].length < schema.minLength) fail("minLength");
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) fail("maxLength");
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) fail("minimum");
    if (schema.maximum !== undefined && value > schema.maximum) fail("maximum");
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) fail("exclusiveMinimum");
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail("minItems");
    if (schema.items !== undefined) value.forEach((v, i) => problems.push(...validate(schema.items as JsonSchema, v, `${at}/${i}`)));
  }
  if (typeMatches("object", value)) {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) fail(`required ${name}`);
    for (const [name, v] of Object.entries(object)) {
      const sub = schema.properties?.[name];
      if (schema.propertyNames !== undefined) problems.push(...validate(schema.propertyNames, name, `${at}/${name} (name)`));
      if (sub !== undefined) problems.push(...validate(sub, v, `${at}/${name}`));
      else if (schema.additionalProperties === false) fail(`additionalProperties ${name}`);
      else if (typeof schema.additionalProperties === "object") problems.push(...validate(schema.additionalProperties, v, `${at}/${name}`));
    }
  }
  if (schema.oneOf !== undefined) {
    const matches = schema.oneOf.filter((sub) => validate(sub, value, at).length === 0).length;
    if (matches !== 1) fail(`oneOf (${matches} match)`);
  }
  if (schema.anyOf !== undefined && !schema.anyOf.some((sub) => validate(sub, value, at).length === 0)) fail("anyOf");
  return problems;
}

const committed = existsSync(CONFIG_SCHEMA_PATH) ? readFileSync(CONFIG_SCHEMA_PATH, "utf8") : undefined;
const schema = JSON.parse(renderConfigSchema()) as JsonSchema;
const properties = (s: JsonSchema | undefined): Record<string, JsonSchema> => s?.properties ?? {};
const repositorySchema = schema.properties?.repositories.items;

describe("config/platform.schema.json", () => {
  it("is the schema config/schema.ts generates (else: run `npm run schema` and commit the result)", () => {
    const verdict =
      committed === renderConfigSchema()
        ? "up to date"
        : `${CONFIG_SCHEMA_FILE} ${committed === undefined ? "is missing" : "differs from config/schema.ts"}: run \`npm run schema\` and commit the result`;
    expect(verdict).toBe("up to date");
  });

  it("is rendered the same way every time, ending in one newline", () => {
    const text = renderConfigSchema();
    expect(renderConfigSchema()).toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(false);
  });

  it("is written where the generator script writes it", () => {
    expect(relative(ROOT, CONFIG_SCHEMA_PATH)).toBe(join("config", "platform.schema.json"));
  });

  it("names itself: draft-07, $id, title, description, and a do-not-edit note", () => {
    expect(schema).toMatchObject({
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: CONFIG_SCHEMA_ID,
      title: "platform.yaml",
      $comment: expect.stringContaining("npm run schema"),
      description: expect.stringContaining("GitHub Actions <-> AWS"),
    });
  });

  it("writes the identifying keywords first and keeps the properties in the order of config/schema.ts", () => {
    expect(Object.keys(schema).slice(0, 6)).toEqual(["$schema", "$id", "$comment", "title", "description", "type"]);
    expect(Object.keys(properties(schema))).toEqual(Object.keys(PlatformConfigSchema.shape));
  });

  it("describes what users write (the input side): UI permission words, and defaults instead of required keys", () => {
    const collaborator = properties(repositorySchema).collaborators.items;
    expect(properties(collaborator).permission.enum).toEqual(["read", "triage", "write", "maintain", "admin", "pull", "push"]);
    expect(schema.required).toEqual(["github", "aws", "repositories"]);
    expect(properties(repositorySchema).subjectFormat.default).toBe("legacy");
  });

  it("allows the optional $schema key, for editors that read it instead of the comment", () => {
    expect(properties(schema).$schema).toMatchObject({ type: "string" });
    expect(schema.required).not.toContain("$schema");
  });

  it("carries the field descriptions of config/schema.ts", () => {
    expect(properties(properties(schema).github).owner.description).toBe("Organisation or user that owns the repositories.");
    const role = properties(repositorySchema).deployRoles.items;
    expect(properties(role).wildcardSubjects.description).toContain("each needs a reason");
    const wildcard = properties(role).wildcardSubjects.items;
    expect(properties(wildcard).reason.description).toContain("at least 10 characters");
  });

  it("offers CloudWatch's retention values for logRetentionDays (a refine zod cannot express)", () => {
    const runner = properties(repositorySchema).runner;
    expect(properties(runner).logRetentionDays.enum).toContain(30);
    expect(properties(runner).logRetentionDays.enum).not.toContain(42);
  });

  it("uses only keywords the validator of this test checks", () => {
    const unknown = [...keywordsOf(schema)].filter(([k]) => !KNOWN_KEYWORDS.has(k));
    expect(unknown).toEqual([]);
  });
});

describe("platform.yaml against the JSON Schema", () => {
  const example = (): Record<string, any> => parse(EXAMPLE_TEXT);

  it("points editors at the committed schema file", () => {
    const comment = /^# yaml-language-server: \$schema=(\S+)$/m.exec(EXAMPLE_TEXT);
    expect(comment).not.toBeNull();
    expect(resolve(dirname(EXAMPLE_PATH), comment?.[1] ?? "")).toBe(CONFIG_SCHEMA_PATH);
  });

  it("has every top-level key the schema requires", () => {
    expect(Object.keys(example())).toEqual(expect.arrayContaining(schema.required ?? []));
  });

  it("is valid", () => {
    expect(validate(schema, example())).toEqual([]);
  });

  it("accepts shared runners (runners[] and runsOn: { runner })", () => {
    expect(validate(schema, parse(SHARED_RUNNERS_TEXT))).toEqual([]);
  });

  it("is valid with a $schema key", () => {
    expect(validate(schema, { $schema: `./${CONFIG_SCHEMA_FILE}`, ...example() })).toEqual([]);
  });

  it.each<[string, (c: ReturnType<typeof example>) => void, string]>([
    ["an unknown key", (c) => (c.repositories[0].colaborators = []), "/repositories/0: additionalProperties colaborators"],
    ["an unquoted account id", (c) => (c.aws.accountId = 123456789), "/aws/accountId: type string"],
    ["a permission GitHub does not have", (c) => (c.repositories[0].collaborators[0].permission = "owner"), "/repositories/0/collaborators/0/permission: enum"],
    ["a region that is not a region code", (c) => (c.aws.region = "Tokyo"), "/aws/region: pattern"],
    ["no repositories", (c) => (c.repositories = []), "/repositories: minItems"],
    ["a workflow type that does not exist", (c) => (c.repositories[0].workflows[0].type = "deploy"), "/repositories/0/workflows/0: oneOf (0 match)"],
    ["a variable named GITHUB-TOKEN", (c) => (c.repositories[0].variables = { "GITHUB-TOKEN": "x" }), "/repositories/0/variables/GITHUB-TOKEN (name): pattern"],
    ["a missing owner", (c) => delete c.github.owner, "/github: required owner"],
    ["a shared runner with an unknown key", (c) => (c.runners = [{ name: "org-linux", projectName: "x" }]), "/runners/0: additionalProperties projectName"],
  ])("editors flag %s too", (_name, edit, problem) => {
    // GIVEN the example with one mistake the loader also rejects
    const config = example();
    edit(config);

    // WHEN / THEN the JSON Schema reports it where it is
    expect(validate(schema, config)).toEqual([problem]);
  });
});
