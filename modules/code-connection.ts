import { CodeconnectionsConnection } from "@cdktf/provider-aws/lib/codeconnections-connection";
import { Construct } from "constructs";
import { terraformLiterals } from "./terraform-text";

export interface CodeConnectionProps {
  /** Connection name (1-32 characters), shown in the console where the handshake is completed. */
  readonly name: string;
  /** @default - none besides the provider's default tags */
  readonly tags?: Record<string, string>;
}

/**
 * A CodeConnections connection to GitHub through the AWS Connector for GitHub App. Runners
 * authenticate as the App installation, not as whoever clicked through the setup (seed 000).
 * Terraform creates it PENDING; a person completes the App handshake once in the console.
 */
export class CodeConnection extends Construct {
  readonly resource: CodeconnectionsConnection;

  constructor(scope: Construct, id: string, props: CodeConnectionProps) {
    super(scope, id);
    this.resource = new CodeconnectionsConnection(this, "Resource", terraformLiterals({
      name: props.name,
      providerType: "GitHub",
      tags: props.tags,
      // Recreating it means redoing the console handshake and re-pointing every runner.
      lifecycle: { preventDestroy: true },
    }));
  }

  get arn(): string {
    return this.resource.arn;
  }

  get status(): string {
    return this.resource.connectionStatus;
  }
}
