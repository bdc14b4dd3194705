/**
 * Which stacks a pull request plans: real synths of a base and a head config (app.synth(), the
 * files cdktf synth writes), compared by the CLI the workflows run, as a child process too.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { stringify } from "yaml";
import { applyOrder, canonicalJson, changedStacks, main, readStacks } from "../../cli/changed-stacks";
import { parseConfig } from "../../config/load";
import { buildGuardedPlatform } from "../helpers/platform";

jest.setTimeout(60_000);

const root = mkdtempSync(join(tmpdir(), "changed-stacks-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An organisation of six repositories in four shards. */
function org(edit: (doc: any) => void = () => undefined): string {
  const doc: any = {
    github: { owner: "Acme", shards: 4 },
    aws: { accountId: "000123456789", region: "ap-northeast-1" },
    repositories: ["web", "api", "billing", "docs", "search", "mobile"].map((name) => ({
      name,
      collaborators: [{ username: "alice", permission: "admin" }],
      variables: { LOG_LEVEL: "info" },
    })),
  };
  edit(doc);
  return stringify(doc);
}

/** Synthesizes `text` as cdktf synth does and returns its stacks folder. */
function synth(name: string, text: string): string {
  const outdir = join(root, name);
  const app = new App({ outdir, skipValidation: true });
  buildGuardedPlatform(app, parseConfig(text));
  app.synth();
  return join(outdir, "stacks");
}

const base = synth("base", org());
const oneRepository = synth("one-repository", org((d) => (d.repositories[0].variables.LOG_LEVEL = "debug")));
const bothSides = synth(
  "both-sides",
  org((d) => {
    d.repositories[1].ecrRepositories = [{ name: "api" }];
    d.repositories[1].deployRoles = [{ name: "api-push", allow: { branches: ["main"] }, ecrPush: ["api"] }];
  }),
);

function run(args: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(
    args,
    {
      stdout: (s) => {
        out += s;
        return true;
      },
      stderr: (s) => {
        err += s;
        return true;
      },
    },
    {},
  );
  return { code, out, err };
}

describe("changed stacks of real synths", () => {
  test("nothing changed: nothing to plan", () => {
    const r = run(["--base", base, "--head", base]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0 stacks to plan: no stack's Terraform changed\n$/);
  });

  test("a change to one repository plans the one stack that holds it", () => {
    const result = changedStacks(readStacks(oneRepository), readStacks(base));
    expect(result.stacks).toEqual(["github-acme-01"]);
    expect(Object.values(result.status).filter((s) => s === "unchanged")).toHaveLength(4);
  });

  test("a change on both sides plans the AWS stack first", () => {
    // A deploy role pushing to a new ECR repository: the role and repository on AWS, their variables on GitHub.
    const result = changedStacks(readStacks(bothSides), readStacks(base));
    expect(result.stacks).toEqual(["aws-000123456789-ap-northeast-1", "github-acme-03"]);
  });

  test("formatting and key order are no change: the comparison is canonical", () => {
    const copy = join(root, "reformatted");
    for (const [name, tf] of readStacks(base)) {
      mkdirSync(join(copy, name), { recursive: true });
      const reversed = (v: any): any =>
        Array.isArray(v) ? v.map(reversed) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
      writeFileSync(join(copy, name, "cdk.tf.json"), JSON.stringify(reversed(tf)));
    }
    expect(readFileSync(join(copy, "github-acme-00", "cdk.tf.json"), "utf8")).not.toBe(readFileSync(join(base, "github-acme-00", "cdk.tf.json"), "utf8"));
    expect(changedStacks(readStacks(copy), readStacks(base)).stacks).toEqual([]);
    // ...but the order of a list is Terraform's meaning (a removed block list, a policy's statements).
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  test("no base synthesis (the base branch failed to synthesize): every stack, never none", () => {
    const r = run(["--base", join(root, "missing"), "--head", oneRepository]);
    expect(r.out).toMatch(/5 stacks to plan \(every stack: no base synthesis to compare with\), in this order: aws-000123456789-ap-northeast-1, github-acme-00, /);
  });

  test("--all: every stack (a manual deploy), AWS first", () => {
    expect(changedStacks(readStacks(base), readStacks(base), { all: true }).stacks).toEqual([
      "aws-000123456789-ap-northeast-1",
      "github-acme-00",
      "github-acme-01",
      "github-acme-02",
      "github-acme-03",
    ]);
  });

  test("a stack the head no longer synthesizes is reported, not planned", () => {
    const result = changedStacks(new Map([...readStacks(base)].filter(([n]) => n !== "github-acme-02")), readStacks(base));
    expect(result.status["github-acme-02"]).toBe("removed");
    expect(result.stacks).toEqual([]);
  });
});

describe("as the workflows run it", () => {
  test("npm run changed-stacks writes the matrix (a JSON array) and the count to GITHUB_OUTPUT", () => {
    const output = join(root, "github-output");
    writeFileSync(output, "");
    const stdout = execFileSync("npm", ["run", "--silent", "changed-stacks", "--", "--base", base, "--head", bothSides, "--github-output"], {
      encoding: "utf8",
      env: { ...process.env, GITHUB_OUTPUT: output },
    });
    expect(stdout).toContain("github-acme-03: changed\n");
    expect(stdout).toContain("github-acme-00: unchanged (not planned)\n");
    expect(readFileSync(output, "utf8")).toBe(
      'stacks=["aws-000123456789-ap-northeast-1","github-acme-03"]\ncount=2\nunchanged=["github-acme-00","github-acme-01","github-acme-02"]\n',
    );
  });

  test.each([
    [["--head"], /--head needs a folder/],
    [["--base", "x"], /--head is required/],
    [["--head", "/nonexistent/stacks"], /cannot read the folder \/nonexistent\/stacks \(ENOENT\)/],
    [["--head", "."], /no <stack>\/cdk\.tf\.json under \.: run npx cdktf synth first/],
    [["--frobnicate"], /unknown argument --frobnicate/],
  ])("bad input %j: exit 2, one line saying what is wrong", (args, message) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });

  test("a stack folder whose name is not a stack name is refused (names reach job names and paths)", () => {
    const dir = join(root, "odd");
    mkdirSync(join(dir, "x$(id)"), { recursive: true });
    writeFileSync(join(dir, "x$(id)", "cdk.tf.json"), "{}");
    expect(run(["--head", dir]).err).toMatch(/"x\$\(id\)" in .* is not a stack name/);
  });

  test("GITHUB_OUTPUT missing with --github-output: exit 2", () => {
    const r = run(["--head", base, "--github-output"]);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/GITHUB_OUTPUT is not set/)]);
  });

  test("applyOrder puts stacks with the aws provider first, whatever their names", () => {
    const stacks = new Map<string, unknown>([
      ["a-github", { provider: { github: [{}] } }],
      ["z-aws", { provider: { aws: [{}] } }],
    ]);
    expect(applyOrder(stacks, ["a-github", "z-aws"])).toEqual(["z-aws", "a-github"]);
  });
});
