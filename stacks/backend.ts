import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import { stateKey, type AwsAccount } from "../config/derive";

/**
 * Remote state in S3 with native lock files (ST-001), one key per stack (config/derive.ts
 * stateKey). Without a stateBackend in the account's config, state goes to a local file
 * (terraform.<stack>.tfstate in the project folder), and synth warns (ST-001).
 */
export function configureStateBackend(stack: TerraformStack, stackName: string, account: AwsAccount, owner: string): void {
  const backend = account.stateBackend;
  if (backend === undefined) {
    // Synth says so through the guardrail ST-001 (a warning).
    // Relative to cdktf.out/stacks/<stack>/, where terraform runs: the project folder. (CDKTF's
    // default writes the same place as an absolute path, which differs on every machine.)
    new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: stateKey(backend, owner, stackName),
    region: backend.region ?? account.region,
    encrypt: true,
  });
  // S3-native locking; the typed config predates it, and DynamoDB locking is deprecated.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
