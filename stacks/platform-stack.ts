import { TerraformStack } from "cdktf";
import { takePreparedTerraform } from "../guardrails/app-view";
import { renderableAsHcl } from "./hcl-output";

/**
 * The stacks' base: synth reuses the Terraform the guardrails resolved moments before (resolving
 * every token is the costliest step), unless the construct tree changed in between.
 */
export class PlatformStack extends TerraformStack {
  override toTerraform(): any {
    return takePreparedTerraform(this) ?? super.toTerraform();
  }

  /** `cdktf synth --hcl`: the same Terraform, in HCL that validate and fmt accept (see hcl-output.ts). */
  override toHclTerraform(): any {
    renderableAsHcl(this);
    return super.toHclTerraform();
  }
}
