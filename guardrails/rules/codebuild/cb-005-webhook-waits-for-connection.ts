import { asArray } from "../../support";
import type { Rule } from "../../types";
import { block, connectionOf, projectOfWebhook } from "./projects";

const CONNECTION_TYPES = new Set(["aws_codeconnections_connection", "aws_codestarconnections_connection"]);

export const CB_005: Rule = {
  id: "CB-005",
  title: "A webhook on a connection created in the same stack has a precondition on the connection's status",
  why:
    "Terraform creates the connection PENDING; until someone completes the GitHub App handshake in the console, creating the webhook fails with a GitHub error instead of saying what to click.",
  fix: "Keep codeConnection.status: pending in platform.yaml for the first apply (no webhooks), complete the handshake, then set status: available; the template's webhook carries a precondition on connection_status == \"AVAILABLE\".",
  source: "AWS Developer Tools console user guide: update a pending connection; Terraform docs: custom condition checks (precondition)",
  resourceTypes: ["aws_codebuild_webhook"],
  check(resource, app) {
    const project = projectOfWebhook(app, resource);
    const connection = project && app.referenced(project, connectionOf(project));
    if (connection === undefined || !CONNECTION_TYPES.has(connection.type)) return undefined;
    const status = `${connection.type}.${connection.name}.connection_status`;
    const preconditions = asArray<Record<string, any>>(block(resource.config.lifecycle)?.precondition);
    if (preconditions.some((p) => typeof p?.condition === "string" && p.condition.includes(status))) return undefined;
    return `no lifecycle.precondition reads ${status}: the webhook would be created while the connection is PENDING`;
  },
};
