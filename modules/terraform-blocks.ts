/**
 * Terraform's `removed` and `import` blocks as constructs. cdktf 0.21 has no `removed` block, and
 * its `importFrom` adds a validation that runs `terraform version` during synth (synth needs no
 * terraform binary here), so both are small elements of their own.
 */
import { TerraformElement, type TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { terraformString } from "./terraform-text";

/** A root-module resource address (`type.name`), the only form these blocks take here. */
const ADDRESS = /^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*$/;

function checkAddress(scope: Construct, address: string): void {
  if (!ADDRESS.test(address)) {
    throw new Error(`${scope.node.path}: ${JSON.stringify(address)} is not a resource address of the form type.name`);
  }
}

/**
 * `removed { from = <address>  lifecycle { destroy = false } }` for each address: Terraform
 * forgets the object (plan action "forget") and leaves it where it is. For an address that is not
 * in state the block does nothing (Terraform >= 1.7).
 */
export class RemovedResources extends TerraformElement {
  readonly addresses: readonly string[];

  constructor(scope: Construct, id: string, addresses: readonly string[]) {
    super(scope, id);
    for (const a of addresses) checkAddress(this, a);
    this.addresses = [...addresses];
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature cdktf declares
  override toTerraform(): any {
    return this.addresses.length === 0 ? {} : { removed: this.addresses.map((from) => ({ from, lifecycle: { destroy: false } })) };
  }

  /** cdktf's HCL renderer knows no `removed` block: PlatformStack appends {@link renderRemovedHcl} instead. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature cdktf declares
  override toHclTerraform(): any {
    return {};
  }
}

/** The HCL of the removed blocks, as `cdktf synth --hcl` writes them into cdk.tf. */
export function renderRemovedHcl(addresses: readonly string[]): string {
  return addresses.map((from) => `removed {\n  from = ${from}\n  lifecycle {\n    destroy = false\n  }\n}`).join("\n\n");
}

/**
 * `import { to = <resource>, id = "<id>" }`: when the address is not in state yet, the plan reads
 * the existing object into it (and shows what applying changes about it); when it is, Terraform
 * ignores the block.
 */
export class ImportExisting extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    readonly target: TerraformResource,
    readonly importId: string,
  ) {
    super(scope, id);
  }

  private get to(): string {
    return `${this.target.terraformResourceType}.${this.target.friendlyUniqueId}`;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature cdktf declares
  override toTerraform(): any {
    // The id is a Terraform string like any other: `${` in it would be evaluated.
    return { import: [{ to: this.to, id: terraformString(this.importId) }] };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature cdktf declares
  override toHclTerraform(): any {
    return {
      import: [
        {
          to: { value: this.to, type: "simple", storageClassType: "reference" },
          id: { value: terraformString(this.importId), type: "simple", storageClassType: "string" },
        },
      ],
    };
  }
}
