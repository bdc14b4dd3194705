import { parseConfig } from "../../config/load";
import { SHARED_RUNNERS_TEXT } from "../helpers/shared-runners";
import { exampleConfig, run } from "./helpers";
import { fixture } from "./real-texts";

const SEED_000 = fixture("seed-000-codebuild.log");
const SECRET = "arn:aws:secretsmanager:ap-northeast-1:000123456789:secret:bob-github-token-AbCdEf";

function runnerDiagnosis(config = exampleConfig()) {
  const [d] = run(SEED_000, { config }).report.diagnoses;
  expect(d.failure.id).toBe("runner-jit-unavailable");
  return { facts: d.facts.join("\n"), causes: d.causes.join("\n"), fixes: d.fixes.join("\n") };
}

describe("seed 000: the runner cannot register with GitHub", () => {
  test("with the connection: says the runner uses the connection, not a person, and what to check or recreate", () => {
    const { facts, causes, fixes } = runnerDiagnosis();
    expect(facts).toContain("repositories[0].runner (techblue-dev-runner) registers through the connection techblue-github (codeConnection), not a person's token");
    expect(causes).toContain("completed without installing the AWS Connector app");
    expect(fixes).toContain("make sure the installation includes techblue-dev");
    expect(fixes).toContain("set codeConnection.name to a new name with status: pending");
  });

  test("with an existing connection ARN: names it", () => {
    const arn = "arn:aws:codeconnections:ap-northeast-1:000123456789:connection/0b6e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    const { facts } = runnerDiagnosis(
      exampleConfig((doc) => {
        doc.codeConnection = { existingArn: arn, status: "available" };
      }),
    );
    expect(facts).toContain(`registers through the existing connection ${arn}`);
  });

  test("with a person's token: names the person, their permission in the config, and says to move to the connection", () => {
    const { facts, causes, fixes } = runnerDiagnosis(
      exampleConfig((doc) => {
        doc.repositories[0].runner.legacyPersonalToken = { owner: "bob", secretArn: SECRET, reason: "migration to the connection is scheduled for Q3" };
      }),
    );
    expect(facts).toContain(`repositories[0].runner (techblue-dev-runner) registers with bob's personal token (repositories[0].runner.legacyPersonalToken, secret ${SECRET})`);
    expect(causes).toContain("bob has permission write on techblue-dev in platform.yaml; registering a runner needs admin, so GitHub refuses bob's token");
    expect(fixes).toContain("move the runner to the connection: remove repositories[0].runner.legacyPersonalToken, deploy");
    expect(fixes).toContain("keep bob at permission admin in repositories[0].collaborators");
  });

  test("a token owner who is not a collaborator, and no connection yet: says to add one", () => {
    const { causes, fixes } = runnerDiagnosis(
      exampleConfig((doc) => {
        delete doc.codeConnection;
        doc.repositories[0].runner.legacyPersonalToken = { owner: "dave", secretArn: SECRET, reason: "migration to the connection is scheduled for Q3" };
      }),
    );
    expect(causes).toContain("dave is not a collaborator on techblue-dev");
    expect(fixes).toContain("and add codeConnection (name: <new name>, status: pending)");
  });

  test("a config without runners: says the project is not managed here", () => {
    const { causes } = runnerDiagnosis(
      exampleConfig((doc) => {
        delete doc.repositories[0].runner;
        doc.repositories[0].workflows = doc.repositories[0].workflows.filter((w: any) => w.runsOn !== "codebuild");
      }),
    );
    expect(causes).toContain("defines no CodeBuild runner");
  });

  test("without a config: the generic cause covers both identities", () => {
    const { output, report } = run(SEED_000);
    expect(report.diagnoses[0].causes).toEqual([]);
    expect(output).toContain("With `runner.legacyPersonalToken` it is a person");
    expect(output).toContain("remove `runner.legacyPersonalToken` and set `codeConnection`");
  });
});

describe("seed 000 with a shared runner (runners[])", () => {
  test("names the shared runner, the connection, and every repository its installation must include", () => {
    const { facts, fixes } = runnerDiagnosis(parseConfig(SHARED_RUNNERS_TEXT));
    expect(facts).toContain("runners[0] (org-linux) registers through the connection octo-github (codeConnection), not a person's token");
    expect(fixes).toContain("make sure the installation includes api, web, worker");
    expect(facts).toContain("repositories[3].runner (legacy-app-runner) registers through the connection octo-github");
  });
});
