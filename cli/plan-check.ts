/**
 * npm run --silent plan:check -- <dir>/<stack>.json ...
 *
 * The deploy gate. Each argument is `terraform show -json` of one stack's plan. It names every
 * change that loses access or data (plan-summary/blocked.ts: an access list deleted or replaced, an
 * ECR repository, the OIDC provider or a connection deleted or replaced, a repository's last admin
 * removed) and refuses it unless the config's `intendedChanges` names it. The config is
 * PLATFORM_CONFIG or platform.yaml, loaded as the synth loads it.
 *
 * Exit 0: nothing blocked (allowed changes are listed with their reason). Exit 1: something is
 * blocked; each is printed with the entry to add. Exit 2: a plan or the config cannot be used (one
 * line on stderr). Never a stack trace.
 */
import { formatPath } from "../config/cross-references";
import { ConfigError, configPathFromEnv, loadConfig } from "../config/load";
import { blockedChanges, intendedEntryYaml, type BlockedChange, type IntendedEntry } from "../plan-summary/blocked";
import { readPlanFile } from "../plan-summary/input";
import { PlanInputError, type StackPlan } from "../plan-summary/plan";

const USAGE = "usage: npm run --silent plan:check -- <dir>/<stack>.json ... (terraform show -json of each stack's plan; config: $PLATFORM_CONFIG or platform.yaml)";

class UsageError extends Error {}

/** The config's problems on one line: `file:line path: reason; ...`. */
function configLine(e: ConfigError): string {
  const issues = e.issues.map((i) => `${e.file}${i.line ? `:${i.line}` : ""} ${formatPath(i.path)}: ${i.message.replace(/\s*\n\s*/g, " ")}`);
  return `the config cannot be used (${issues.length === 1 ? "1 problem" : `${issues.length} problems`}): ${issues.join("; ")}`;
}

function subject(b: BlockedChange): string {
  const what = { "delete-repository-access": "access list of", "delete-ecr-repository": "ECR repository", "delete-oidc-provider": "OIDC provider", "delete-connection": "connection", "remove-last-admin": "last admin of" }[b.kind];
  return b.name === undefined ? what : `${what} ${b.name}`;
}

function render(plans: readonly StackPlan[], found: readonly BlockedChange[], configFile: string): string {
  const blocked = found.filter((b) => b.allowedBy === undefined);
  const allowed = found.filter((b) => b.allowedBy !== undefined);
  const out: string[] = [];
  const errored = plans.filter((p) => p.errored).map((p) => p.stack);
  for (const b of blocked) {
    out.push(`BLOCKED ${b.kind}: ${b.action === "replace" ? "replace" : b.action === "update" ? "change" : "delete"} of the ${subject(b)} (${b.addresses.join(", ")} in ${b.stack})`);
    out.push(`  loses: ${b.lost}.`);
    out.push(`  to allow it, add to intendedChanges in ${configFile}:`);
    out.push("    intendedChanges:", ...intendedEntryYaml(b).map((l) => `      ${l}`));
  }
  for (const b of allowed) {
    out.push(`allowed ${b.kind}: ${subject(b)} (${b.addresses.join(", ")} in ${b.stack}): allowed by intendedChanges: ${b.allowedBy!.reason}`);
  }
  if (errored.length > 0) out.push(`note: the plan of ${errored.join(", ")} stopped with an error; what it lists is incomplete`);
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? "" : "s"}`;
  out.push(
    blocked.length > 0
      ? `plan:check: ${n(blocked.length, "blocked change")} in ${n(plans.length, "plan")}; nothing was applied. Name each in intendedChanges (with the reason) or change the config so it is not planned.`
      : `plan:check: no blocked change in ${n(plans.length, "plan")}${allowed.length > 0 ? ` (${allowed.length} allowed by intendedChanges)` : ""}.`,
  );
  return `${out.join("\n")}\n`;
}

function main(argv: readonly string[], io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) }): number {
  try {
    const files: string[] = [];
    for (const a of argv) {
      if (a === "--help" || a === "-h") {
        io.stdout(`${USAGE}\n`);
        return 0;
      }
      if (a.startsWith("--")) throw new UsageError(`unknown option ${a}; ${USAGE}`);
      files.push(a);
    }
    if (files.length === 0) throw new UsageError(`no plan files given; ${USAGE}`);
    const plans = files.map(readPlanFile);
    const configFile = configPathFromEnv();
    const intended: readonly IntendedEntry[] = loadConfig(configFile).intendedChanges;
    const found = blockedChanges(
      plans.flatMap((p) => p.changes),
      intended,
    );
    io.stdout(render(plans, found, configFile));
    return found.some((b) => b.allowedBy === undefined) ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof PlanInputError) {
      io.stderr(`plan-check: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr(`plan-check: ${configLine(e)}\n`);
      return 2;
    }
    // A bug here must stop the deploy (never wave it through), in one line.
    io.stderr(`plan-check: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
