import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** A config whose repositories share CodeBuild runners (runners[]), next to one with its own runner. */
const SHARED_RUNNERS_PATH = join(__dirname, "..", "fixtures", "shared-runners.yaml");
export const SHARED_RUNNERS_TEXT = readFileSync(SHARED_RUNNERS_PATH, "utf8");

/** The shared-runners fixture with one edit of its parsed form, rendered back to YAML. */
export function sharedRunnersEdited(edit: (c: any) => void = () => undefined): string {
  const config = parse(SHARED_RUNNERS_TEXT);
  edit(config);
  return stringify(config);
}
