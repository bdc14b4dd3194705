import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";
import { terraformLiterals } from "./terraform-text";

export interface EcrRepositoryProps {
  /** Repository name, e.g. `team/app`. */
  readonly name: string;
  // No module defaults: the config's (config/schema.ts, ecrRepositories[]) are the only ones,
  // applied once by the loader and passed on by the stack.
  /** IMMUTABLE stops a tag from being moved to another image (ECR-001). */
  readonly tagMutability: "IMMUTABLE" | "MUTABLE";
  readonly scanOnPush: boolean;
  /** KMS (with the AWS managed key unless kmsKeyArn is given) or AES256. Cannot change after creation. */
  readonly encryption: { readonly type: "KMS" | "AES256"; readonly kmsKeyArn?: string };
  /** Tagged images kept; older ones expire. */
  readonly keepLastImages: number;
  /** Untagged images (left behind by re-pushed manifests and failed builds) expire after this many days. */
  readonly untaggedExpireDays: number;
  /** @default - none besides the provider's default tags */
  readonly tags?: Record<string, string>;
}

/** The lifecycle rules as ECR reads them; the "any" rule must have the highest priority number. */
export function ecrLifecycleRules(keepLastImages: number, untaggedExpireDays: number): object {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images ${untaggedExpireDays} day(s) after push`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpireDays },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the last ${keepLastImages} image(s)`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepLastImages },
        action: { type: "expire" },
      },
    ],
  };
}

/**
 * An ECR repository that workflows push images to. Images are data: the repository refuses to be
 * destroyed by Terraform (prevent_destroy) and never deletes images with itself (force_delete off).
 */
export class EcrRepository extends Construct {
  readonly resource: EcrRepositoryResource;
  readonly lifecyclePolicy: EcrLifecyclePolicy;

  constructor(scope: Construct, id: string, props: EcrRepositoryProps) {
    super(scope, id);
    const { encryption } = props;
    this.resource = new EcrRepositoryResource(this, "Resource", terraformLiterals({
      name: props.name,
      imageTagMutability: props.tagMutability,
      imageScanningConfiguration: { scanOnPush: props.scanOnPush },
      encryptionConfiguration: [{ encryptionType: encryption.type, kmsKey: encryption.kmsKeyArn }],
      forceDelete: false,
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    }));
    this.lifecyclePolicy = new EcrLifecyclePolicy(this, "LifecyclePolicy", terraformLiterals({
      repository: this.resource.name,
      policy: JSON.stringify(ecrLifecycleRules(props.keepLastImages, props.untaggedExpireDays)),
    }));
  }
}
