/** Which explainer adds config-specific cause and fix to which known failure. */
import { explainAssumeRoleDenied } from "./explain/assume-role";
import { explainConnectionDenied, explainConnectionPending, explainConnectionPrecondition } from "./explain/connection";
import { explainEcrDenied } from "./explain/ecr";
import { explainResourceNotAccessible, explainWorkflowCommitRejected, explainWorkflowFileExists, explainWorkflowPermission } from "./explain/github";
import { explainProviderExists, explainProviderNotFound } from "./explain/oidc-provider";
import { explainRunnerJit } from "./explain/runner";
import { explainStateLock } from "./explain/state-lock";
import type { Explainer } from "./types";

export const EXPLAINERS: Readonly<Record<string, Explainer>> = {
  "runner-jit-unavailable": explainRunnerJit,
  "oidc-assume-role-denied": explainAssumeRoleDenied,
  "oidc-provider-not-found": explainProviderNotFound,
  "oidc-provider-already-exists": explainProviderExists,
  "connection-access-denied": explainConnectionDenied,
  "connection-pending": explainConnectionPending,
  "connection-precondition-failed": explainConnectionPrecondition,
  "ecr-not-authorized": explainEcrDenied,
  "workflow-file-exists": explainWorkflowFileExists,
  "workflow-permission-missing": explainWorkflowPermission,
  "workflow-commit-rejected": explainWorkflowCommitRejected,
  "github-resource-not-accessible": explainResourceNotAccessible,
  "state-lock": explainStateLock,
};
