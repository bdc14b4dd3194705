import { TerraformStack } from "cdktf";
import { takePreparedTerraform } from "../guardrails/app-view";

/**
 * The stacks' base: synth reuses the Terraform the guardrails resolved moments before (resolving
 * every token is the costliest step), unless the construct tree changed in between.
 */
export class PlatformStack extends TerraformStack {
  override toTerraform(): any {
    return takePreparedTerraform(this) ?? super.toTerraform();
  }
}
