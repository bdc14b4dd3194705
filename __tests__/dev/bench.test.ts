/**
 * dev/bench.ts: it runs cdktf.json's own app command, and its generated configs stay valid as
 * the schema changes (a bench that fails on its own input measures nothing).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { parseConfig } from "../../config/load";
import { appCommand, generatedConfig } from "../../dev/bench";

describe("dev/bench", () => {
  test("measures the app command of cdktf.json, split into node options and script", () => {
    expect(appCommand()).toEqual({
      text: "node --require ./dev/register.js main.ts",
      nodeOptions: ["--require", "./dev/register.js"],
      script: "main.ts",
    });
  });

  test("an app command that is not node [options] <script> is refused, plainly", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-app-"));
    try {
      writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ app: "npx ts-node main.ts" }));
      expect(() => appCommand(dir)).toThrow(/node \[options\] <script>.*npx ts-node main\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([1, 10])("the generated config of %i repositories is valid, each with collaborators, ECR, deploy roles, a runner and two workflows", (n) => {
    const config = parseConfig(stringify(generatedConfig(n)), `platform-${n}.yaml`);
    expect(config.repositories).toHaveLength(n);
    for (const repo of config.repositories) {
      expect(repo.collaborators.length).toBeGreaterThan(0);
      expect(repo.ecrRepositories).toHaveLength(1);
      // One per workflow: jobs on the runner assume a deploy role too.
      expect(repo.deployRoles).toHaveLength(2);
      expect(repo.runner).toBeDefined();
      expect(repo.workflows).toHaveLength(2);
    }
  });
});
