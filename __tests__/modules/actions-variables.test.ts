import { ActionsVariables } from "../../modules/actions-variables";
import { resourcesOf, synthJson } from "../helpers/synth";

describe("ActionsVariables", () => {
  test("one github_actions_variable per entry on the repository", () => {
    const json = synthJson(
      (scope) =>
        new ActionsVariables(scope, "vars", {
          repository: "techblue-dev",
          variables: { AWS_REGION: "ap-northeast-1", ECR_REGISTRY: "000123456789.dkr.ecr.ap-northeast-1.amazonaws.com" },
        }),
    );
    const variables = resourcesOf(json, "github_actions_variable");
    expect(variables.map((v) => [v.repository, v.variable_name, v.value])).toEqual([
      ["techblue-dev", "AWS_REGION", "ap-northeast-1"],
      ["techblue-dev", "ECR_REGISTRY", "000123456789.dkr.ecr.ap-northeast-1.amazonaws.com"],
    ]);
    expect(resourcesOf(json, "github_actions_secret")).toHaveLength(0);
  });
});
