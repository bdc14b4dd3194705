import { RepositoryAccess } from "../../modules/repository-access";
import { ImportExisting, RemovedResources, renderRemovedHcl } from "../../modules/terraform-blocks";
import { terraformStringValue } from "../../modules/terraform-text";
import { removeTestOutdir, synthJson } from "../helpers/synth";

afterAll(removeTestOutdir);

describe("RemovedResources", () => {
  test("one removed block with destroy = false per address", () => {
    // GIVEN / WHEN
    const json: any = synthJson((s) => new RemovedResources(s, "Released", ["aws_ecr_repository.A_1", "aws_ecr_lifecycle_policy.A_2"]));
    // THEN
    expect(json.removed).toEqual([
      { from: "aws_ecr_repository.A_1", lifecycle: { destroy: false } },
      { from: "aws_ecr_lifecycle_policy.A_2", lifecycle: { destroy: false } },
    ]);
  });

  test("nothing for no addresses", () => {
    expect((synthJson((s) => new RemovedResources(s, "Released", [])) as any).removed).toBeUndefined();
  });

  test("refuses anything but a root resource address (it is written into Terraform unquoted)", () => {
    for (const bad of ["aws_ecr_repository", "module.x.aws_ecr_repository.a", "aws_ecr_repository.a ${file(\"x\")}", "aws_ecr_repository.a[0]"]) {
      expect(() => synthJson((s) => new RemovedResources(s, "Released", [bad]))).toThrow(/is not a resource address of the form type\.name/);
    }
  });

  test("HCL", () => {
    expect(renderRemovedHcl(["a_b.c"])).toBe("removed {\n  from = a_b.c\n  lifecycle {\n    destroy = false\n  }\n}");
  });
});

describe("RepositoryAccess adopts the existing access list", () => {
  test("an import block with the repository name as id (the provider's import id for github_repository_collaborators)", () => {
    const json: any = synthJson((s) => new RepositoryAccess(s, "Access", { repository: "app", collaborators: [{ username: "a", permission: "push" }], teams: [], ignoreTeams: [] }));
    const [address] = Object.keys(json.resource.github_repository_collaborators);
    expect(json.import).toEqual([{ to: `github_repository_collaborators.${address}`, id: "app" }]);
  });

  test("adoptExisting: false writes no import block", () => {
    const json: any = synthJson(
      (s) => new RepositoryAccess(s, "Access", { repository: "app", collaborators: [{ username: "a", permission: "push" }], adoptExisting: false, teams: [], ignoreTeams: [] }),
    );
    expect(json.import).toBeUndefined();
  });

  test("the import id is written as a literal: Terraform does not evaluate ${...} in it", () => {
    const json: any = synthJson((s) => {
      const access = new RepositoryAccess(s, "Access", { repository: "app", collaborators: [], adoptExisting: false, teams: [], ignoreTeams: [] });
      new ImportExisting(s, "Other", access.resource, 'x${file("/etc/passwd")}');
    });
    expect(json.import[0].id).not.toContain('${file(');
    expect(terraformStringValue(json.import[0].id)).toBe('x${file("/etc/passwd")}');
  });

  test("ImportExisting points at the resource's own address", () => {
    const json: any = synthJson((s) => {
      const access = new RepositoryAccess(s, "Access", { repository: "app", collaborators: [], adoptExisting: false, teams: [], ignoreTeams: [] });
      new ImportExisting(s, "Other", access.resource, "other-id");
    });
    expect(json.import[0].to).toMatch(/^github_repository_collaborators\.Access_[0-9A-F]{8}$/);
  });
});
