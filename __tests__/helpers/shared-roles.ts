/** A config with a deploy role shared by several repositories, for the tests of issue 12 §3. */
import type { Draft } from "./config-errors";

/** The example plus two repositories (web immutable, api legacy) and one role shared by all three. */
export function shared(d: Draft): void {
  d.github.ownerId = 1111;
  d.repositories.push(
    {
      name: "web",
      id: 2222,
      subjectFormat: "immutable",
      environments: [{ name: "production" }],
      workflows: [{ type: "image-build-push", file: "push.yml", runsOn: "github-hosted", on: { branches: ["main"] }, ecrRepository: "shared/app", deployRole: "shared-push" }],
    },
    {
      name: "api",
      id: 3333,
      workflows: [{ type: "image-build-push", file: "push.yml", runsOn: "github-hosted", on: { branches: ["main"] }, ecrRepository: "shared/app", deployRole: "shared-push" }],
    },
  );
  d.repositories[0].ecrRepositories.push({ name: "shared/app" });
  d.deployRoles = [
    {
      name: "shared-push",
      trust: [
        { repository: "web", allow: { branches: ["main"], environments: ["production"] } },
        { repository: "api", allow: { branches: ["main"] } },
      ],
      ecrPush: ["shared/app"],
    },
  ];
}

