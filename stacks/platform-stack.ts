import { TerraformStack } from "cdktf";
import { renderableAsHcl } from "./hcl-output";

/**
 * The template's stacks. Guardrails (applyGuardrails) give every stack, this kind or not, a
 * synthesizer that checks the app after every Aspect and writes exactly what was checked.
 */
export class PlatformStack extends TerraformStack {
  /** `cdktf synth --hcl`: the same Terraform, in HCL that validate and fmt accept (see hcl-output.ts). */
  override toHclTerraform(): any {
    renderableAsHcl(this);
    return super.toHclTerraform();
  }
}
