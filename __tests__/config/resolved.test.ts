/**
 * Layer 1 (config): the stacks build runners and workflows from config/resolved.ts, whose types
 * carry what the loader's checks proved (a runner's token XOR connection, a connection created XOR
 * existing, a workflow's deploy role and runner). A config the checks would refuse is not resolved
 * into a half-true type: resolving one is a template bug, and says so.
 */
import { parseConfig } from "../../config/load";
import { primaryAccount } from "../../config/derive";
import { resolvedConnection, resolvedRunners, resolvedWorkflows } from "../../config/resolved";
import { configuredRunners, indexRunners } from "../../config/runners";
import { PlatformConfigSchema, type PlatformConfig } from "../../config/schema";
import { edited, example } from "../helpers/config-errors";
import { SHARED_RUNNERS_TEXT } from "../helpers/shared-runners";

const ARN = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/12345678-1234-1234-1234-123456789012";
const SECRET = "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:runner-token-AbCdEf";

const workflowsOf = (config: PlatformConfig, repository = 0) =>
  resolvedWorkflows(indexRunners(configuredRunners(config)), config.repositories[repository]);

describe("resolved workflows", () => {
  test("a codebuild workflow carries its repository's runner; a github-hosted one none; each its deploy role", () => {
    const config = parseConfig(edited(() => undefined));
    const [hosted, codebuild] = workflowsOf(config);
    expect(hosted.workflow).toBe(config.repositories[0].workflows[0]);
    expect(hosted.host).toEqual({ kind: "github-hosted" });
    expect(hosted.deployRole).toBe("techblue-dev-ecr-push");
    expect(codebuild.host.kind === "codebuild" && codebuild.host.runner.name).toBe("techblue-dev-runner");
    expect(codebuild.host.kind === "codebuild" && codebuild.host.runner.ownRepository).toBe(config.repositories[0]);
    expect(codebuild.deployRole).toBe("techblue-dev-release-push");
  });

  test("a workflow naming a shared runner carries that runner", () => {
    const config = parseConfig(SHARED_RUNNERS_TEXT);
    const hosts = workflowsOf(config).map((w) => (w.host.kind === "codebuild" ? [w.workflow.file, w.host.runner.kind, w.host.runner.name] : [w.workflow.file]));
    expect(hosts).toEqual([
      ["ecr-push.yml", "shared", "org-linux"],
      ["release-arm.yml", "shared", "org-arm"],
    ]);
  });
});

describe("resolved runners", () => {
  test("a runner without a legacy token carries its account's connection, created by name", () => {
    const config = parseConfig(edited(() => undefined));
    const [runner] = resolvedRunners(config);
    expect(runner.account).toBe(primaryAccount(config));
    expect(runner.auth).toEqual({ kind: "connection", connection: { kind: "created", name: "techblue-github", status: "available" } });
  });

  test("an existing connection is named by its ARN only", () => {
    const config = parseConfig(edited((d) => (d.codeConnection = { existingArn: ARN, status: "pending" })));
    expect(resolvedRunners(config)[0].auth).toEqual({ kind: "connection", connection: { kind: "existing", existingArn: ARN, status: "pending" } });
  });

  test("a runner with a legacy token carries the token, not the connection", () => {
    const config = parseConfig(
      edited((d) => {
        d.repositories[0].runner.legacyPersonalToken = { owner: "alice", secretArn: SECRET, reason: "the org has not installed the App yet" };
        delete d.codeConnection;
      }),
    );
    const { auth } = resolvedRunners(config)[0];
    expect(auth.kind === "personal-token" && auth.token.secretArn).toBe(SECRET);
    expect(auth).not.toHaveProperty("connection");
  });

  test("shared runners authenticate through the connection", () => {
    const runners = resolvedRunners(parseConfig(SHARED_RUNNERS_TEXT));
    expect(runners.filter((r) => r.kind === "shared").map((r) => [r.name, r.auth.kind])).toEqual([
      ["org-linux", "connection"],
      ["org-arm", "connection"],
    ]);
  });
});

// Each config below passes the schema but not the cross-reference checks: the loader refuses it
// with a config error; resolving it anyway (a template bug) fails loudly instead of guessing.
describe("an unchecked config is not resolved", () => {
  const unchecked = (edit: (d: any) => void): PlatformConfig => {
    const draft = example();
    edit(draft);
    return PlatformConfigSchema.parse(draft);
  };
  const refused = /the config checks \(config\/schema\.ts, config\/cross-references\.ts\) should have refused this config/;

  test("a workflow without deployRole", () => {
    const config = unchecked((d) => delete d.repositories[0].workflows[0].deployRole);
    expect(() => workflowsOf(config)).toThrow(/^repository techblue-dev, workflow ecr-push\.yml: no deployRole; /);
    expect(() => workflowsOf(config)).toThrow(refused);
  });

  test("a codebuild workflow whose repository has no runner", () => {
    const config = unchecked((d) => delete d.repositories[0].runner);
    expect(() => workflowsOf(config)).toThrow(/^repository techblue-dev, workflow ecr-push-codebuild\.yml: runs on CodeBuild, but names no runner of the config; /);
  });

  test("a runner with neither a legacy token nor a connection", () => {
    const config = unchecked((d) => delete d.codeConnection);
    expect(() => resolvedRunners(config)).toThrow(/^repositories\[0\]\.runner: runner techblue-dev-runner has no legacyPersonalToken, and its account default no codeConnection; /);
  });

  test("a connection with both a name and an ARN", () => {
    const account = { ...primaryAccount(parseConfig(edited(() => undefined))), codeConnection: { name: "c", existingArn: ARN, status: "pending" as const } };
    expect(() => resolvedConnection(account)).toThrow(/^codeConnection: a connection has exactly one of name and existingArn; /);
  });
});
