import { readFileSync } from "node:fs";
import { ALL_RULES } from "../../guardrails/rules";
import { README_PATH, readmeWithRulesTable } from "../../dev/rules-table";

describe("the rules", () => {
  test("ids are unique and well-formed", () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z]+-\d{3}$/);
  });

  test("each says what, why, how to fix and where it comes from", () => {
    for (const r of ALL_RULES) {
      expect([r.id, r.title.length > 10, r.why.length > 20, r.fix.length > 10, r.source.length > 3]).toEqual([r.id, true, true, true, true]);
      expect(r.resourceTypes.length).toBeGreaterThan(0);
    }
  });

  test("the README's rules table is current (run npm run rules:readme)", () => {
    const readme = readFileSync(README_PATH, "utf8");
    expect(readmeWithRulesTable(readme)).toBe(readme);
  });
});
