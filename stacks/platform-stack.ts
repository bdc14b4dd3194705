import { TerraformStack } from "cdktf";
import { renderableAsHcl } from "./hcl-output";
import { RemovedResources, renderRemovedHcl } from "../modules/terraform-blocks";

/**
 * The template's stacks. Guardrails (applyGuardrails) give every stack, this kind or not, a
 * synthesizer that checks the app after every Aspect and writes exactly what was checked.
 */
export class PlatformStack extends TerraformStack {
  /**
   * `cdktf synth --hcl`: the same Terraform, in HCL that validate and fmt accept (see hcl-output.ts);
   * cdktf renders no `removed` blocks of its own, so they are appended here.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature cdktf declares
  override toHclTerraform(): any {
    renderableAsHcl(this);
    const out = super.toHclTerraform();
    const removed = this.node.findAll().flatMap((c) => (c instanceof RemovedResources ? c.addresses : []));
    return removed.length === 0 ? out : { ...out, hcl: `${out.hcl}\n\n${renderRemovedHcl(removed)}\n` };
  }
}
