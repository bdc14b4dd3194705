import { EcrRepository, ecrLifecycleRules } from "../../modules/ecr-repository";
import { onlyResource, synthJson } from "../helpers/synth";
import { ecrDefaults } from "../helpers/config-defaults";

describe("EcrRepository", () => {
  test("the config's defaults (the only ones) are safe: immutable tags, scan on push, KMS; never force delete, prevent_destroy", () => {
    const json = synthJson((scope) => new EcrRepository(scope, "ecr", { ...ecrDefaults(), name: "techblue-dev" }));
    const repo = onlyResource(json, "aws_ecr_repository");
    expect(repo).toMatchObject({
      name: "techblue-dev",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS" }],
      force_delete: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("settings are written as given: the module has no defaults of its own", () => {
    const json = synthJson((scope) =>
      new EcrRepository(scope, "ecr", { ...ecrDefaults(), name: "a", tagMutability: "MUTABLE", scanOnPush: false, encryption: { type: "AES256" } }),
    );
    expect(onlyResource(json, "aws_ecr_repository")).toMatchObject({
      image_tag_mutability: "MUTABLE",
      image_scanning_configuration: { scan_on_push: false },
      encryption_configuration: [{ encryption_type: "AES256" }],
    });
  });

  test("a customer-managed key is passed through", () => {
    const key = "arn:aws:kms:ap-northeast-1:000123456789:key/abc";
    const json = synthJson((scope) => new EcrRepository(scope, "ecr", { ...ecrDefaults(), name: "a", encryption: { type: "KMS", kmsKeyArn: key } }));
    expect(onlyResource(json, "aws_ecr_repository").encryption_configuration).toEqual([{ encryption_type: "KMS", kms_key: key }]);
  });

  test("lifecycle policy expires untagged images first and keeps the last N", () => {
    const json = synthJson((scope) => new EcrRepository(scope, "ecr", { ...ecrDefaults(), name: "a", keepLastImages: 12, untaggedExpireDays: 3 }));
    const policy = JSON.parse(onlyResource(json, "aws_ecr_lifecycle_policy").policy);
    expect(policy).toEqual(ecrLifecycleRules(12, 3));
    const [untagged, any] = policy.rules;
    expect(untagged.selection).toEqual({ tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 });
    expect(any.selection).toEqual({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 12 });
    // ECR requires the tagStatus "any" rule to have the highest priority number.
    expect(any.rulePriority).toBeGreaterThan(untagged.rulePriority);
  });
});
