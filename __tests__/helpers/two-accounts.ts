import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** The tests' two-account config (dev in eu-west-1, prod in us-east-1); see the fixture's header. */
const TWO_ACCOUNTS_PATH = join(__dirname, "..", "fixtures", "two-accounts.yaml");
export const TWO_ACCOUNTS_TEXT = readFileSync(TWO_ACCOUNTS_PATH, "utf8");

/** The fixture with one edit of its parsed form, rendered back to YAML. */
export function twoAccounts(edit: (d: any) => void = () => undefined): string {
  const doc = parse(TWO_ACCOUNTS_TEXT);
  edit(doc);
  return stringify(doc);
}
