/**
 * Layer 7: a repository moving between GitHub stacks, through the real terraform CLI as far as it
 * goes without an integrations/github provider binary (none exists here, so neither validate nor
 * plan can load the GitHub stacks): the HCL of both stacks (what `cdktf synth --hcl` formats and
 * writes) parses (`terraform fmt`), and Terraform reads every import id, from the JSON and from
 * the HCL, as exactly the string the github provider v6.9.0 parses (`terraform console`), not a
 * template it would evaluate. The plan-level behaviour of removed and import blocks (forget, and an
 * import ignored once in state) is proven on the AWS stack in removed-blocks.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { nextInventory } from "../../config/inventory";
import { parseConfig } from "../../config/load";
import { managedNow } from "../../stacks/platform";
import { buildGuardedPlatform } from "../helpers/platform";
import { removeTestOutdir, synthStack, testApp } from "../helpers/synth";

const hasTerraform = spawnSync("terraform", ["version"]).status === 0;
const suite = hasTerraform ? describe : describe.skip;
afterAll(removeTestOutdir);

function org(paymentsShard: boolean): string {
  return stringify({
    github: { owner: "Acme", shards: 4 },
    aws: { accountId: "000123456789", region: "ap-northeast-1" },
    repositories: ["web", "api", "billing"].map((name) => ({
      name,
      ...(name === "billing" && paymentsShard ? { shard: "payments" } : {}),
      collaborators: [{ username: "alice", permission: "admin" }],
      variables: { LOG_LEVEL: "info" },
      environments: [{ name: "production", reviewers: { users: [1234567], teams: [] } }],
    })),
  });
}

suite(`a move between GitHub stacks through the terraform CLI${hasTerraform ? "" : " (skipped: no terraform on PATH)"}`, () => {
  let root: string;
  const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "shard-move-"));
    writeFileSync(join(root, "terraformrc"), "");
    env.TF_CLI_CONFIG_FILE = join(root, "terraformrc");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const inventory = nextInventory({ version: 1, stacks: {} }, managedNow(buildGuardedPlatform(testApp(), parseConfig(org(false)))));
  const moved = buildGuardedPlatform(testApp(), parseConfig(org(true)), { inventory });
  const from = moved.githubStacks.find((s) => s.node.id === "github-acme-00")!;
  const to = moved.githubStacks.find((s) => s.node.id === "github-acme-payments")!;
  const fromJson = synthStack(from) as any;
  const toJson = synthStack(to) as any;
  const expectedIds = [
    "billing",
    "billing:AWS_REGION",
    "billing:LOG_LEVEL",
    "billing:production",
  ];

  function terraform(cwd: string, args: string[], input?: string) {
    return spawnSync("terraform", args, { cwd, env, encoding: "utf8", input });
  }

  test("the synth moves billing: removed blocks in its old stack, import blocks in the new one", () => {
    expect(fromJson.removed.length).toBeGreaterThan(0);
    expect((toJson.import as { id: string }[]).map((i) => i.id).sort()).toEqual(expectedIds);
  });

  /** The stack's HCL as terraform fmt rewrites it (cdktf synth --hcl formats what it writes); fails on a syntax error. */
  function formattedHcl(stack: typeof from): string {
    const fmt = terraform(root, ["fmt", "-no-color", "-"], stack.toHclTerraform().hcl);
    if (fmt.status !== 0) throw new Error(`terraform fmt refused the HCL of ${stack.node.id}:\n${fmt.stderr}`);
    return fmt.stdout;
  }

  test("the HCL of both stacks parses (terraform fmt), with a removed block per released address and an import block per id", () => {
    const fromHcl = formattedHcl(from);
    const toHcl = formattedHcl(to);
    expect(fromHcl.match(/^removed \{$/gm)).toHaveLength(fromJson.removed.length);
    for (const { from: address } of fromJson.removed) expect(fromHcl).toContain(`removed {\n  from = ${address}\n  lifecycle {\n    destroy = false\n  }\n}`);
    expect(toHcl.match(/^import \{$/gm)).toHaveLength(expectedIds.length);
  });

  test("Terraform reads each import id, from the JSON and from the HCL, as the literal the github provider parses", () => {
    const dir = join(root, "ids");
    mkdirSync(dir);
    const json = (toJson.import as { to: string; id: string }[]).sort((a, b) => (a.to < b.to ? -1 : 1));
    const hcl = formattedHcl(to);
    const hclIds = json.map(({ to: target }) => {
      const block = new RegExp(`import \\{\\n\\s+to = ${target.replace(/\./g, "\\.")}\\n\\s+id\\s+= ("[^"\\n]*")\\n\\}`).exec(hcl);
      if (block === null) throw new Error(`no import block for ${target} in the HCL`);
      return block[1];
    });
    writeFileSync(join(dir, "json.tf.json"), JSON.stringify({ locals: { json_ids: json.map((i) => i.id) } }));
    writeFileSync(join(dir, "hcl.tf"), `locals {\n  hcl_ids = [${hclIds.join(", ")}]\n}\n`);
    const read = terraform(dir, ["console"], "jsonencode([local.json_ids, local.hcl_ids])\n");
    expect(read.stderr).toBe("");
    const [fromJsonIds, fromHclIds] = JSON.parse(JSON.parse(read.stdout)) as [string[], string[]];
    expect(fromHclIds).toEqual(fromJsonIds);
    expect([...fromJsonIds].sort()).toEqual(expectedIds);
  });
});
