import { KNOWN_FAILURES } from "../../diagnose/failures";
import { run } from "./helpers";
import { fixture, REAL_TEXTS } from "./real-texts";

describe("each known failure is recognised in its real message text", () => {
  test.each(REAL_TEXTS.map((t) => [t.id, t.source, t.text] as const))("%s (%s)", (id, _source, text) => {
    // WHEN
    const { ids } = run(text);
    // THEN
    expect(ids).toContain(id);
  });

  test("every failure of the table has at least one real text", () => {
    const covered = new Set(REAL_TEXTS.map((t) => t.id));
    expect(KNOWN_FAILURES.map((f) => f.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test("a real text is recognised as its own failure only (no overlapping patterns)", () => {
    for (const t of REAL_TEXTS) expect([t.id, run(t.text).ids]).toEqual([t.id, [t.id]]);
  });
});

describe("evidence", () => {
  test("names the first line where the failure shows (seed 000 repeats it in the phase summary)", () => {
    const [d] = run(fixture("seed-000-codebuild.log")).report.diagnoses;
    expect(d.line).toBe(9);
    expect(d.evidence).toContain("Error while fetching runner token: error code 400");
  });

  test("a message Terraform wrapped over several box lines is still recognised", () => {
    const [d] = run(fixture("precondition-failed.txt")).report.diagnoses;
    expect(d.failure.id).toBe("connection-precondition-failed");
    expect(d.line).toBe(7);
  });

  test("several failures in one log come in the order they appear", () => {
    const log = [
      "It looks like you might be trying to authenticate with OIDC. Did you mean to set the `id-token` permission? If you are not trying to authenticate with OIDC and the action is working successfully, you can ignore this message.",
      "Error: Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers",
      "tag invalid: The image tag 'latest' already exists in the 'app_service_image' repository and cannot be overwritten because the repository is immutable.",
    ].join("\n");
    expect(run(log).ids).toEqual(["oidc-id-token-missing", "ecr-tag-already-exists"]);
  });
});

describe("unknown input", () => {
  test("says plainly that nothing is known, and lists what is", () => {
    const { ids, output } = run("npm ERR! code ELIFECYCLE\nnpm ERR! errno 1\n");
    expect(ids).toEqual([]);
    expect(output).toMatch(/^No known failure recognised in input\./);
    expect(output).toContain("runner-jit-unavailable");
  });

  test("a log line starting with a bracket is text, not JSON", () => {
    expect(run("[Container] 2025/09/05 06:49:02.098320 Running on CodeBuild On-demand\n").ids).toEqual([]);
  });
});
