import { readFileSync } from "node:fs";
import { KNOWN_FAILURES } from "../../diagnose/failures";
import { README_PATH, readmeWithFailuresTable, renderFailuresTable } from "../../dev/failures-table";

describe("the table of known failures", () => {
  test("ids are unique, stable-looking kebab-case", () => {
    const ids = KNOWN_FAILURES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)+$/);
  });

  test("each has a message, a recogniser, a cause, a fix and where its text comes from", () => {
    for (const f of KNOWN_FAILURES) {
      expect([f.id, f.messages.length > 0, f.patterns.length > 0, f.cause.length > 20, f.fix.length > 20, f.source.length > 5]).toEqual([f.id, true, true, true, true, true]);
    }
  });

  test("keeps every failure the hand-written README table listed, and the issue's", () => {
    const ids = KNOWN_FAILURES.map((f) => f.id);
    for (const id of [
      "runner-jit-unavailable",
      "oidc-assume-role-denied",
      "oidc-id-token-missing",
      "oidc-provider-not-found",
      "oidc-provider-already-exists",
      "connection-access-denied",
      "connection-pending",
      "connection-precondition-failed",
      "ecr-not-authorized",
      "ecr-tag-already-exists",
      "workflow-file-exists",
      "workflow-permission-missing",
      "github-resource-not-accessible",
      "state-lock",
    ]) {
      expect(ids).toContain(id);
    }
  });

  test("renders one row per failure", () => {
    const rows = renderFailuresTable().split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.map((r) => r.split(" | ")[0].slice(3, -1))).toEqual(KNOWN_FAILURES.map((f) => f.id));
  });

  test("the README's When something fails section is current (run npm run failures:readme)", () => {
    const readme = readFileSync(README_PATH, "utf8");
    expect(readmeWithFailuresTable(readme)).toBe(readme);
  });
});
