/** Construct ids and tags shared by the stacks. */

/** Tags every AWS resource carries, so a console user can tell where it is managed. */
export const DEFAULT_TAGS: Readonly<Record<string, string>> = {
  ManagedBy: "github-actions-aws-platform",
  ConfigFile: "platform.yaml",
};

/**
 * A construct id from a kind and a user-given name. Ids feed Terraform's logical names, so they
 * must stay stable for a given name ('/' is the construct path separator, hence replaced).
 */
export function constructId(kind: string, name: string): string {
  return `${kind}-${name.replace(/\//g, "_")}`;
}
