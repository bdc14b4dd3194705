import { TerraformStack } from "cdktf";
import { takePreparedTerraform } from "../guardrails/app-view";
import { RemovedResources, renderRemovedHcl } from "../modules/terraform-blocks";

/**
 * The stacks' base: synth reuses the Terraform the guardrails resolved moments before (resolving
 * every token is the costliest step), unless the construct tree changed in between.
 */
export class PlatformStack extends TerraformStack {
  override toTerraform(): any {
    return takePreparedTerraform(this) ?? super.toTerraform();
  }

  /** `cdktf synth --hcl`: cdktf renders no `removed` blocks of its own, so they are appended here. */
  override toHclTerraform(): any {
    const out = super.toHclTerraform();
    const removed = this.node.findAll().flatMap((c) => (c instanceof RemovedResources ? c.addresses : []));
    return removed.length === 0 ? out : { ...out, hcl: `${out.hcl}\n\n${renderRemovedHcl(removed)}\n` };
  }
}
