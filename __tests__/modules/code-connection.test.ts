import { CodeConnection } from "../../modules/code-connection";
import { onlyResource, synthJson } from "../helpers/synth";

describe("CodeConnection", () => {
  test("a GitHub connection, protected from destroy (recreating it means redoing the handshake)", () => {
    const json = synthJson((scope) => new CodeConnection(scope, "conn", { name: "techblue-github" }));
    expect(onlyResource(json, "aws_codeconnections_connection")).toMatchObject({
      name: "techblue-github",
      provider_type: "GitHub",
      lifecycle: { prevent_destroy: true },
    });
  });
});
