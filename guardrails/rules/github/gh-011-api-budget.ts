import { describeEstimate, estimateRefreshCalls, INSTALLATION_REQUESTS_PER_HOUR, READ_COSTS, STACK_REFRESH_BUDGET } from "../../../domain/github-api";
import type { Rule } from "../../types";

// The rule reports once per stack, on its first GitHub resource or data source.
const TYPES = [
  ...Object.keys(READ_COSTS),
  "github_repository_collaborator",
  "github_actions_secret",
  "github_actions_environment_secret",
  "github_repository",
  "github_branch_protection",
  "github_repository_ruleset",
];

const number = (n: number) => n.toLocaleString("en-US");

export const GH_011: Rule = {
  id: "GH-011",
  title: `A GitHub stack's refresh stays within ${number(STACK_REFRESH_BUDGET)} REST requests (the estimate from the provider's Read functions)`,
  why: `terraform plan reads every collaborator list, variable, environment and file of a stack from GitHub on each refresh, against the App installation's ${number(INSTALLATION_REQUESTS_PER_HOUR)} requests an hour; a stack over the budget uses a large part of the hour on every pull request that touches it, and a few pushes or a second pull request exhaust it (plans and applies then fail with "API rate limit exceeded" until the hour turns)`,
  fix: "split the GitHub side: raise github.shards in platform.yaml (a repository's stack is a stable hash of its name), or give the largest repositories a stack of their own with repositories[].shard; moving repositories between stacks is a state move, nothing is recreated",
  source: "GitHub docs: Rate limits for the REST API (GitHub App installations: 5,000 requests per hour); integrations/terraform-provider-github v6.9.0 Read functions (the table in domain/github-api.ts)",
  resourceTypes: TYPES,
  check(resource, app) {
    const first = app.memo(`GH-011/first/${resource.stack}`, () => app.resources.find((r) => r.stack === resource.stack && TYPES.includes(r.type)));
    if (first !== resource) return undefined;
    const estimate = estimateRefreshCalls(app.terraform(resource.stack));
    if (estimate.calls <= STACK_REFRESH_BUDGET) return undefined;
    const factor = Math.ceil(estimate.calls / STACK_REFRESH_BUDGET);
    return `stack ${resource.stack} is over its GitHub API budget: ${describeEstimate(resource.stack, estimate)}; split it into at least ${factor} stacks (github.shards ${factor}x what it is now, or repositories[].shard for its largest repositories)`;
  },
};
