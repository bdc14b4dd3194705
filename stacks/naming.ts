/** Construct ids and tags shared by the stacks. */
import { DEFAULT_CONFIG_PATH } from "../config/load";

/** Tags every AWS resource carries, so a console user can tell where it is managed. */
export const DEFAULT_TAGS: Readonly<Record<string, string>> = {
  ManagedBy: "github-actions-aws-platform",
  ConfigFile: DEFAULT_CONFIG_PATH,
};

/**
 * A construct id from a kind and a user-given name. Ids feed Terraform's logical names, so they
 * must stay stable for a given name ('/' is the construct path separator, hence replaced).
 */
export function constructId(kind: string, name: string): string {
  return `${kind}-${name.replace(/\//g, "_")}`;
}
