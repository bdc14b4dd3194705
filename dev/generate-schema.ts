/**
 * Generates config/platform.schema.json, the JSON Schema editors use to complete and check
 * platform.yaml (`# yaml-language-server: $schema=./config/platform.schema.json`).
 *
 * The zod schema in config/schema.ts stays the single source of truth: this file is derived from
 * it, committed, and a test fails when the two drift apart. Run `npm run schema` after changing
 * config/schema.ts.
 *
 * The output is deterministic: schema keywords are written in one fixed order (so a zod upgrade
 * that only reorders keywords changes nothing), property maps keep the order of config/schema.ts
 * (the order platform.yaml and the docs use), and the file ends with a newline.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DEFAULT_CONFIG_PATH } from "../config/load";
import { LOG_RETENTION_DAYS, PlatformConfigSchema } from "../config/schema";

/** Where the schema is committed, relative to the project root. */
export const CONFIG_SCHEMA_FILE = "config/platform.schema.json";
export const CONFIG_SCHEMA_PATH = join(__dirname, "..", CONFIG_SCHEMA_FILE);

/** Identifies the schema; a URN, because the template has no canonical URL to publish it at. */
export const CONFIG_SCHEMA_ID = "urn:github-actions-aws-platform:platform.schema.json";

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/**
 * Keyword order of every schema object. Keywords zod may add later and that are not listed here
 * follow in alphabetical order.
 */
const KEYWORD_ORDER = [
  "$schema",
  "$id",
  "$comment",
  "title",
  "description",
  "type",
  "const",
  "enum",
  "default",
  "examples",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "exclusiveMinimum",
  "maximum",
  "exclusiveMaximum",
  "multipleOf",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "uniqueItems",
  "properties",
  "patternProperties",
  "required",
  "propertyNames",
  "additionalProperties",
  "minProperties",
  "maxProperties",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "$ref",
  "definitions",
  "$defs",
] as const;

/** Keywords whose value maps names (chosen by the config's author) to subschemas. */
const NAME_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs"]);
/** Keywords whose value is data, not a schema: copied as they are. */
const DATA_KEYWORDS = new Set(["const", "enum", "default", "examples", "required"]);

function keywordRank(key: string): number {
  const i = (KEYWORD_ORDER as readonly string[]).indexOf(key);
  return i === -1 ? KEYWORD_ORDER.length : i;
}

function isObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Rewrites a schema object with its keywords in KEYWORD_ORDER, recursively. */
function orderSchema(schema: JsonValue): JsonValue {
  if (Array.isArray(schema)) return schema.map(orderSchema); // allOf/anyOf/oneOf/prefixItems
  if (!isObject(schema)) return schema; // true/false schemas, or a keyword's scalar value
  const keys = Object.keys(schema).sort((a, b) => keywordRank(a) - keywordRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: JsonObject = {};
  for (const key of keys) {
    const value = schema[key];
    if (DATA_KEYWORDS.has(key)) out[key] = value;
    else if (NAME_MAPS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) map[name] = orderSchema(sub);
      out[key] = map;
    } else out[key] = orderSchema(value);
  }
  return out;
}

/** The schema object at a path of property names, or an error naming the path. */
function propertyAt(root: JsonObject, path: readonly string[]): JsonObject {
  let node: JsonObject = root;
  for (const name of path) {
    const items = node.items;
    const holder = node.type === "array" && isObject(items) ? items : node;
    const properties = holder.properties;
    const next = isObject(properties) ? properties[name] : undefined;
    if (next === undefined || !isObject(next)) {
      throw new Error(`generate-schema: no property ${path.join(".")} in the generated schema (was it renamed in config/schema.ts?)`);
    }
    node = next;
  }
  return node;
}

/**
 * Adds what zod cannot express in JSON Schema but an editor can use. Refinements themselves (for
 * example exactly one of codeConnection.name / existingArn) are left to the loader.
 */
function addEditorHints(schema: JsonObject): void {
  // A refine over a number: the allowed values are a fixed list, so editors can offer them.
  propertyAt(schema, ["repositories", "runner", "logRetentionDays"]).enum = [...LOG_RETENTION_DAYS];
}

/** The JSON Schema of platform.yaml (the input side: what users write, before defaults and mapping). */
export function renderConfigSchema(): string {
  const generated = z.toJSONSchema(PlatformConfigSchema, {
    target: "draft-07", // the draft yaml-language-server and VS Code support best
    io: "input", // permissions are transformed (write -> push): describe what users write
    unrepresentable: "throw", // a zod type without a JSON Schema form must be noticed, not emitted as {}
    cycles: "throw",
    reused: "inline",
  }) as JsonObject;
  const schema: JsonObject = {
    ...generated,
    $id: CONFIG_SCHEMA_ID,
    $comment: "Generated from config/schema.ts by `npm run schema`; do not edit by hand.",
    title: DEFAULT_CONFIG_PATH,
    description:
      "The one config file of the GitHub Actions <-> AWS platform template: GitHub owner, AWS account, OIDC provider, CodeConnections connection and, per repository, collaborators, ECR repositories, deploy roles, a CodeBuild runner and generated workflows. The loader (config/load.ts) applies further checks that JSON Schema cannot express.",
  };
  addEditorHints(schema);
  return `${JSON.stringify(orderSchema(schema), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(CONFIG_SCHEMA_PATH, renderConfigSchema());
  process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE}\n`);
}
