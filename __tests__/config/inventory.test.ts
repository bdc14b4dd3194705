/**
 * The managed inventory file (config/inventory.ts): where it lives, how a bad one is reported,
 * which names count as released or deleted, and how a synth updates it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  departures,
  EMPTY_INVENTORY,
  InventoryError,
  inventoryPathFor,
  nextInventory,
  parseInventory,
  readInventory,
  renderInventory,
  writeInventory,
  type Inventory,
} from "../../config/inventory";
import type { IntendedChange } from "../../config/schema";

const AWS = "aws-000123456789-ap-northeast-1";
const GH = "github-test-user";

const inventory = (stacks: Inventory["stacks"]): Inventory => ({ version: 1, stacks });
const errorOf = (f: () => unknown): InventoryError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
  throw new Error("expected an InventoryError");
};

describe("inventoryPathFor", () => {
  test("<config basename>.managed.json in the config's folder", () => {
    expect(inventoryPathFor("platform.yaml")).toBe("platform.managed.json");
    expect(inventoryPathFor("configs/prod.yml")).toBe(join("configs", "prod.managed.json"));
    expect(inventoryPathFor("/abs/dir/platform.yaml")).toBe("/abs/dir/platform.managed.json");
  });

  test("every spelling of the config path names the same file", () => {
    const spellings = ["platform.yaml", "./platform.yaml", "sub/../platform.yaml", resolve("platform.yaml")];
    expect(new Set(spellings.map((s) => resolve(inventoryPathFor(s)))).size).toBe(1);
  });
});

describe("parseInventory: a bad file is a config-style error, never a stack trace", () => {
  test("invalid JSON names the file and the line", () => {
    const e = errorOf(() => parseInventory('{\n  "version": 1,\n  "stacks": {,\n}\n', "platform.managed.json"));
    expect(e.message).toMatch(/^1 problem in platform\.managed\.json:\n {2}platform\.managed\.json:3 \(top level\): not valid JSON/);
    expect(e.message).toContain("git checkout -- platform.managed.json");
    expect(e.message).toContain("Nothing was synthesized.");
  });

  test("a wrong shape names the path and line of each problem, and what is allowed", () => {
    const text = JSON.stringify(
      {
        version: 1,
        stacks: {
          [GH]: { repositories: { app: { addresses: ["github_repository_collaborators.Access ${file(x)}"] } }, extra: {} },
          [AWS]: { ecrRepositories: { app: { addresses: [], removedFromConfig: "yes" } } },
        },
      },
      null,
      2,
    );
    const e = errorOf(() => parseInventory(text, "platform.managed.json"));
    expect(e.issues).toHaveLength(3);
    expect(e.message).toMatch(/platform\.managed\.json:\d+ stacks\.github-test-user: unknown key "extra"/);
    expect(e.message).toMatch(/:8 stacks\.github-test-user\.repositories\.app\.addresses\[0\]: must be a Terraform resource address/);
    expect(e.message).toMatch(/stacks\.aws-000123456789-ap-northeast-1\.ecrRepositories\.app\.removedFromConfig: must be true \(or left out\)/);
  });

  test("another version is refused", () => {
    expect(errorOf(() => parseInventory('{"version": 2, "stacks": {}}', "x.json")).message).toContain("version: must be 1");
  });

  test("what renderInventory writes parses back to the same inventory", () => {
    const inv = inventory({ [GH]: { repositories: { b: { addresses: ["github_actions_variable.B_1"], removedFromConfig: true } } } });
    expect(parseInventory(renderInventory(inv), "x.json")).toEqual(inv);
  });
});

describe("departures", () => {
  const inv = inventory({
    [GH]: {
      repositories: {
        kept: { addresses: ["github_actions_variable.K_1"] },
        Gone: { addresses: ["github_repository_file.G_2", "github_repository_collaborators.G_1"] },
        deleted: { addresses: ["github_repository_collaborators.D_1"], removedFromConfig: true },
      },
    },
    [AWS]: { ecrRepositories: { "team/app": { addresses: ["aws_ecr_repository.A_1"] } } },
  });
  const intended: IntendedChange[] = [
    { change: "delete-repository-access", name: "DELETED", reason: "the repository is archived and nobody works in it" },
    { change: "delete-ecr-repository", name: "other", reason: "another repository than the one removed here" },
  ];

  test("a name no longer in the config is released, with its recorded addresses", () => {
    expect(departures(inv, GH, "repositories", ["kept", "deleted"], [])).toEqual({
      released: [{ name: "Gone", addresses: ["github_repository_collaborators.G_1", "github_repository_file.G_2"] }],
      deleted: [],
    });
  });

  test("intendedChanges turns a release into a delete, by kind and name (repository names ignore case, as GitHub does)", () => {
    const d = departures(inv, GH, "repositories", ["kept"], intended);
    expect(d.released.map((r) => r.name)).toEqual(["Gone"]);
    expect(d.deleted.map((r) => r.name)).toEqual(["deleted"]);
    // delete-ecr-repository names another repository: team/app stays released.
    expect(departures(inv, AWS, "ecrRepositories", [], intended).released.map((r) => r.name)).toEqual(["team/app"]);
    expect(departures(inv, AWS, "ecrRepositories", [], [{ change: "delete-ecr-repository", name: "team/app", reason: "x".repeat(10) }]).deleted).toHaveLength(1);
  });

  test("a repository still in the config that no longer lists collaborators or teams departs with its access list only", () => {
    const d = departures(inv, GH, "repositories", ["kept", "Gone", "deleted"], intended, new Set(["kept"]));
    expect(d.released).toEqual([{ name: "Gone", addresses: ["github_repository_collaborators.G_1"], accessOnly: true }]);
    expect(d.deleted).toEqual([{ name: "deleted", addresses: ["github_repository_collaborators.D_1"], accessOnly: true }]);
    // kept still has its list, and recorded no access list anyway.
    expect(departures(inv, GH, "repositories", ["kept", "Gone", "deleted"], [], new Set(["kept", "Gone", "deleted"]))).toEqual({ released: [], deleted: [] });
  });

  test("names still in the config, other stacks and an empty inventory release nothing", () => {
    expect(departures(inv, GH, "repositories", ["kept", "Gone", "deleted"], [])).toEqual({ released: [], deleted: [] });
    expect(departures(inv, "github-other", "repositories", [], [])).toEqual({ released: [], deleted: [] });
    expect(departures(EMPTY_INVENTORY, GH, "repositories", [], [])).toEqual({ released: [], deleted: [] });
  });
});

describe("nextInventory", () => {
  const before = inventory({
    [GH]: { repositories: { old: { addresses: ["github_actions_variable.O_1"] }, back: { addresses: ["github_actions_variable.B_0"], removedFromConfig: true } } },
    "github-previous-owner": { repositories: { x: { addresses: ["github_actions_variable.X_1"] } } },
  });

  test("current names with their addresses now; names gone keep a tombstone; a name that comes back drops it", () => {
    const next = nextInventory(before, { [GH]: { repositories: { back: ["github_actions_variable.B_1"], new: ["github_actions_variable.N_1"] } } });
    expect(next.stacks[GH].repositories).toEqual({
      old: { addresses: ["github_actions_variable.O_1"], removedFromConfig: true },
      back: { addresses: ["github_actions_variable.B_1"] },
      new: { addresses: ["github_actions_variable.N_1"] },
    });
  });

  test("an access list that is no longer synthesized for a current name stays recorded under released, until it is back", () => {
    const withList = inventory({ [GH]: { repositories: { app: { addresses: ["github_actions_variable.A_1", "github_repository_collaborators.A_2"] } } } });
    const without = nextInventory(withList, { [GH]: { repositories: { app: ["github_actions_variable.A_1"] } } });
    expect(without.stacks[GH].repositories!.app).toEqual({ addresses: ["github_actions_variable.A_1"], released: ["github_repository_collaborators.A_2"] });
    // A second synth keeps it; only access lists are kept this way (a removed workflow file is not).
    const again = nextInventory(without, { [GH]: { repositories: { app: ["github_actions_variable.A_1"] } } });
    expect(again.stacks[GH].repositories!.app.released).toEqual(["github_repository_collaborators.A_2"]);
    expect(nextInventory(withList, { [GH]: { repositories: { app: ["github_repository_collaborators.A_2"] } } }).stacks[GH].repositories!.app).toEqual({
      addresses: ["github_repository_collaborators.A_2"],
    });
    // The name leaves the config: its tombstone holds everything recorded.
    expect(nextInventory(again, { [GH]: { repositories: {} } }).stacks[GH].repositories!.app).toEqual({
      addresses: ["github_actions_variable.A_1", "github_repository_collaborators.A_2"],
      removedFromConfig: true,
    });
    expect(parseInventory(renderInventory(again), "x.json")).toEqual(again);
  });

  test("a stack this synth did not produce is kept as it was", () => {
    const next = nextInventory(before, { [GH]: { repositories: {} } });
    expect(next.stacks["github-previous-owner"]).toEqual(before.stacks["github-previous-owner"]);
  });

  test("the text does not depend on the order names or addresses were found in", () => {
    const a = nextInventory(EMPTY_INVENTORY, { [GH]: { repositories: { b: ["t.y", "t.x"], a: ["t.z"] } }, [AWS]: { ecrRepositories: { e: ["t.e"] } } });
    const b = nextInventory(EMPTY_INVENTORY, { [AWS]: { ecrRepositories: { e: ["t.e"] } }, [GH]: { repositories: { a: ["t.z"], b: ["t.x", "t.y"] } } });
    expect(renderInventory(a)).toBe(renderInventory(b));
    expect(renderInventory(a).indexOf('"a"')).toBeLessThan(renderInventory(a).indexOf('"b"'));
  });
});

describe("readInventory and writeInventory", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "inventory-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a missing file is an empty inventory", () => {
    expect(readInventory(join(dir, "platform.managed.json"))).toEqual(EMPTY_INVENTORY);
  });

  test("a file that is not readable as one is an InventoryError", () => {
    writeFileSync(join(dir, "platform.managed.json"), "not json");
    expect(() => readInventory(join(dir, "platform.managed.json"))).toThrow(InventoryError);
  });

  test("a path that cannot be read (a folder) is an InventoryError saying why", () => {
    mkdirSync(join(dir, "platform.managed.json"));
    expect(() => readInventory(join(dir, "platform.managed.json"))).toThrow(/cannot read it \(EISDIR\)/);
  });

  test("written through a temporary file and a rename; an unchanged inventory is not rewritten", () => {
    const file = join(dir, "platform.managed.json");
    const inv = nextInventory(EMPTY_INVENTORY, { [GH]: { repositories: { a: ["t.a"] } } });
    expect(writeInventory(file, inv)).toBe(true);
    expect(readdirSync(dir)).toEqual(["platform.managed.json"]);
    expect(readInventory(file)).toEqual(inv);
    const mtime = statSync(file).mtimeMs;
    expect(writeInventory(file, inv)).toBe(false);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readFileSync(file, "utf8").endsWith("}\n")).toBe(true);
    expect(existsSync(join(dir, `.platform.managed.json.${process.pid}.tmp`))).toBe(false);
  });
});

describe("moves between stacks (github shards)", () => {
  const A = "github-acme-00";
  const B = "github-acme-payments";
  const live = inventory({ [A]: { repositories: { Billing: { addresses: ["github_actions_variable.V_1"] } } } });

  test("a name another stack of this synth holds now (any case) is recorded as moved there, not removed", () => {
    const next = nextInventory(live, { [A]: { repositories: {} }, [B]: { repositories: { billing: ["github_actions_variable.V_1"] } } });
    expect(next.stacks[A].repositories!.Billing).toEqual({ addresses: ["github_actions_variable.V_1"], movedTo: B });
    expect(parseInventory(renderInventory(next), "x.json")).toEqual(next);
    // Then removed from the config altogether: a removal, no longer a move.
    const gone = nextInventory(next, { [A]: { repositories: {} }, [B]: { repositories: {} } });
    expect(gone.stacks[A].repositories!.Billing).toEqual({ addresses: ["github_actions_variable.V_1"], removedFromConfig: true });
  });

  test("a name that moves is released by the stack it leaves, even when intendedChanges names its delete", () => {
    const named: IntendedChange[] = [{ change: "delete-repository-access", name: "billing", reason: "archived, nobody keeps access" }];
    expect(departures(live, A, "repositories", [], named, undefined, new Map([["billing", B]]))).toEqual({
      released: [{ name: "Billing", addresses: ["github_actions_variable.V_1"], movedTo: B }],
      deleted: [],
    });
  });

  test("movedTo must name a stack", () => {
    const text = JSON.stringify({ version: 1, stacks: { [A]: { repositories: { web: { addresses: [], movedTo: "" } } } } }, null, 2);
    expect(errorOf(() => parseInventory(text, "platform.managed.json")).message).toMatch(/platform\.managed\.json:\d+ stacks\.github-acme-00\.repositories\.web\.movedTo: must be a stack name/);
  });
});
