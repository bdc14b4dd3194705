/**
 * The summary of the committed plan fixtures (see fixtures/README.md): real AWS plans from the
 * offline terraform recipe, hand-written GitHub plans in Terraform's documented format.
 */
import { analyse, renderComment } from "../../plan-summary/summary";
import { AWS_STACK, fixtureInputs } from "./helpers";

const section = (md: string, title: string) => {
  const start = md.indexOf(`### ${title}`);
  if (start < 0) return "";
  const next = md.indexOf("\n### ", start + 4);
  return md.slice(start, next < 0 ? undefined : next);
};
/** Mermaid `id["label"]`-style node of the label, and the id it got. */
const nodeId = (md: string, label: string) => {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`^  (n\\d+)\\W{1,2}"${escaped}"`, "m").exec(md);
  if (!m) throw new Error(`no node labelled ${label}`);
  return m[1];
};
const hasEdge = (md: string, from: string, to: string, arrow = "-->") => md.includes(`  ${nodeId(md, from)} ${arrow} ${nodeId(md, to)}\n`);

describe("seed 000: the token owner of a runner is lowered from admin to write", () => {
  const inputs = fixtureInputs("seed-000", [AWS_STACK, "github-test-user"]);
  const md = renderComment(inputs, { runUrl: "https://github.com/Test-User/platform/actions/runs/42" });
  const a = analyse(inputs.map((i) => i.plan));

  test("flags the runner whose token owner loses admin, and the last admin, at the top", () => {
    expect(a.risks.map((r) => r.kind)).toEqual(["token-owner-loses-admin", "last-admin-removed"]);
    const flags = md.slice(0, md.indexOf("### Changes per stack"));
    expect(flags).toContain("🔴 **`alice` loses admin on `Test-User/techblue-dev`** (lowered to write), and CodeBuild runner `techblue-dev-runner` registers with `alice`'s token");
    expect(flags).toContain("GitHub runner JIT configuration unavailable");
  });

  test("counts per stack: the AWS side unchanged, one GitHub update", () => {
    expect(md).toContain(`| \`${AWS_STACK}\` | 0 | 0 | 0 | 0 | 15 | – |`);
    expect(md).toContain("| `github-test-user` | 0 | 1 | 0 | 0 | 4 | – |");
  });

  test("the access table says admin -> write in GitHub's words", () => {
    expect(section(md, "Repository access")).toContain("| `Test-User/techblue-dev` | `alice` | admin -> write ⚠️ |");
    expect(a.accessRows).toHaveLength(1);
  });

  test("the trust map links workflow -> runner project -> alice's token", () => {
    expect(hasEdge(md, "repository: Test-User/techblue-dev", "workflow: ecr-push-codebuild.yml")).toBe(true);
    expect(hasEdge(md, "workflow: ecr-push-codebuild.yml", "CodeBuild: techblue-dev-runner")).toBe(true);
    expect(hasEdge(md, "CodeBuild: techblue-dev-runner", "token of alice (SECRETS_MANAGER)")).toBe(true);
    expect(hasEdge(md, "CodeBuild: techblue-dev-runner", "role: codebuild-techblue-dev-runner")).toBe(true);
    // The service role reaches no ECR repository: jobs push through their deploy role.
    expect(hasEdge(md, "role: codebuild-techblue-dev-runner", "ECR: techblue-dev")).toBe(false);
    expect(hasEdge(md, "role: techblue-dev-release-push", "ECR: techblue-dev")).toBe(true);
  });

  test("each stack's plan text is there, collapsed, with diff markers at the line start", () => {
    expect(md).toContain("<details><summary>Plan of <code>github-test-user</code>: 0 to add, 1 to change, 0 to replace, 0 to destroy</summary>");
    expect(md).toMatch(/^-\s+permission = "admin" -> null$/m);
    expect(md).toMatch(/^\+\s+permission = "push"$/m);
  });

  test("Markdown (review aid)", () => {
    expect(md).toMatchSnapshot();
  });
});

describe("the example config created from nothing (real plan)", () => {
  const md = renderComment(fixtureInputs("create", [AWS_STACK]));
  const a = analyse(fixtureInputs("create", [AWS_STACK]).map((i) => i.plan));

  test("20 to add; a new role's exact subject is no widening, the release role's v* tag pattern and the runner policy known only after apply are the flags", () => {
    expect(md).toContain(`| \`${AWS_STACK}\` | 20 | 0 | 0 | 0 | 0 | – |`);
    expect(a.risks.map((r) => r.kind).sort()).toEqual(["known-after-apply", "trust-widened"]);
    expect(md).toContain("**Trust widened** on role `techblue-dev-release-push`");
    expect(md).toContain("wildcard subject `repo:Test-User/techblue-dev:ref:refs/tags/v*`");
    expect(md).not.toContain("**Trust widened** on role `techblue-dev-ecr-push`");
    expect(section(md, "Trust policies")).toContain("| `techblue-dev-ecr-push` | created | `repo:Test-User/techblue-dev:ref:refs/heads/main` | – | – |");
  });

  test("a policy that holds an ARN known only after apply is read from the configuration", () => {
    const runner = a.permissions.find((p) => p.policy === "codebuild-techblue-dev-runner/codebuild-runner")!;
    expect(runner.actionsAdded).toEqual(expect.arrayContaining(["codeconnections:UseConnection", "logs:PutLogEvents"]));
    expect(runner.actionsAdded.filter((x) => x.startsWith("ecr:"))).toEqual([]);
    expect(runner.resourcesAdded).toContain("aws_codeconnections_connection.GitHubConnection_0CCA8712.arn (known after apply)");
    expect(runner.partlyUnknown).toBe(true);
  });

  test("the trust map draws role -> ECR and runner -> connection, all new", () => {
    expect(hasEdge(md, "role: techblue-dev-ecr-push (new)", "ECR: techblue-dev (new)", "==>")).toBe(true);
    expect(hasEdge(md, "CodeBuild: techblue-dev-runner (new)", "connection: techblue-github (new)", "==>")).toBe(true);
    expect(hasEdge(md, "CodeBuild: techblue-dev-runner (new)", "role: codebuild-techblue-dev-runner (new)", "==>")).toBe(true);
  });
});

describe("a config change that replaces, destroys and widens (real plan)", () => {
  const inputs = fixtureInputs("changed", [AWS_STACK]);
  const a = analyse(inputs.map((i) => i.plan));
  const md = renderComment(inputs, { runUrl: "https://example.test/run/1" });

  test("counts: 5 updates, 2 replaces, 2 destroys", () => {
    // 8 unchanged (the boundary and the exclusive policy lists included): the runner has no webhook, since no workflow of the config runs on it.
    expect(md).toContain(`| \`${AWS_STACK}\` | 0 | 5 | 2 | 2 | 8 | – |`);
  });

  test("flags the replaced and destroyed ECR repositories and connection, with Terraform's reason", () => {
    const flags = a.risks.filter((r) => r.kind === "protected-resource").map((r) => r.text);
    expect(flags).toHaveLength(3);
    expect(flags.find((f) => f.includes("Replace of ECR repository `techblue-dev`"))).toContain("`encryption_configuration[0].kms_key` cannot be changed in place");
    expect(flags.find((f) => f.includes("Destroy of ECR repository `techblue-legacy`"))).toContain("no longer in the configuration");
    expect(flags.find((f) => f.includes("Replace of GitHub connection `techblue-github`"))).toContain("`name` cannot be changed in place");
  });

  test("warns that the role's trust widened: pull_request and a wildcard; the new branch is listed", () => {
    const trust = a.trust.find((t) => t.role === "techblue-dev-ecr-push")!;
    expect(trust.added.map((e) => e.value)).toEqual(
      expect.arrayContaining(["repo:Test-User/techblue-dev:ref:refs/heads/release", "repo:Test-User/techblue-dev:pull_request", "repo:Test-User/techblue-dev:ref:refs/tags/v*"]),
    );
    expect(trust.removed).toEqual([]);
    expect(trust.widening).toEqual(["pull_request runs `repo:Test-User/techblue-dev:pull_request`", "wildcard subject `repo:Test-User/techblue-dev:ref:refs/tags/v*`"]);
    expect(md).toContain("🟠 **Trust widened** on role `techblue-dev-ecr-push`");
  });

  test("lists the actions added to the deploy role's policy", () => {
    expect(section(md, "IAM permissions")).toContain("| `techblue-dev-ecr-push/ecr-push` | updated | `ecr:BatchGetImage`<br>`ecr:GetDownloadUrlForLayer` | – | – | – |");
  });

  test("the trust map shows the runner moving to the new connection", () => {
    expect(hasEdge(md, "CodeBuild: techblue-dev-runner (changed)", "connection: techblue-github (removed)", "-.->")).toBe(true);
    expect(hasEdge(md, "CodeBuild: techblue-dev-runner (changed)", "connection: techblue-github-app (replaced)", "==>")).toBe(true);
  });
});

describe("organisation changes across both stacks (hand-written plans)", () => {
  const inputs = fixtureInputs("org-changes", [AWS_STACK, "github-acme"]);
  const a = analyse(inputs.map((i) => i.plan));
  const md = renderComment(inputs);
  const access = section(md, "Repository access");

  test("collaborator and team rows: changed, added, removed, in GitHub's words, logins case-insensitive", () => {
    for (const row of [
      "| `acme/web` | `alice` | admin -> maintain ⚠️ |",
      "| `acme/web` | `bob` | removed (was write) |",
      "| `acme/web` | `dave` | added (triage) |",
      "| `acme/web` | team `platform` | maintain -> admin |",
      "| `acme/web` | team `qa` | added (read) |",
      "| `acme/web` | team `ops` | removed (was write) |",
      "| `acme/api` | `erin` | removed (was admin) ⚠️ |",
      "| `acme/api` | `frank` | admin -> write ⚠️ |",
      "| `acme/legacy` | `carol` | removed (was admin) ⚠️ |",
      "| `acme/docs` | team `writers` | write -> read |",
    ]) {
      expect(access).toContain(row);
    }
    // Carol -> carol is the same login.
    expect(access).not.toMatch(/`[Cc]arol` \| (added|removed).*\n.*acme\/web/);
    expect(a.accessRows.filter((r) => r.repository === "web")).toHaveLength(6);
  });

  test("flags the last admin removed (lowered, or the whole resource destroyed), not a repository that keeps one", () => {
    const last = a.risks.filter((r) => r.kind === "last-admin-removed").map((r) => r.text);
    expect(last).toHaveLength(2);
    expect(last[0]).toContain("Last admin of `acme/api` removed");
    expect(last[1]).toContain("Last admin of `acme/legacy` removed");
    // No runner uses these people's tokens here.
    expect(a.risks.some((r) => r.kind === "token-owner-loses-admin")).toBe(false);
  });

  test("trust widening: a new repository, a wildcard, a statement without a subject condition", () => {
    const byRole = new Map(a.trust.map((t) => [t.role, t]));
    expect(byRole.get("web-deploy")!.widening).toEqual(["new repository `acme/api`", "wildcard subject `repo:acme/web:*`"]);
    expect(byRole.get("open-deploy")!.widening).toEqual([
      "no subject condition: any workflow on GitHub that requests this audience can assume it",
      "audience no longer pinned",
    ]);
    expect(byRole.get("old-deploy")!.removed.map((e) => e.value)).toEqual(["repo:acme/legacy:ref:refs/heads/main"]);
    expect(byRole.get("old-deploy")!.widening).toEqual([]);
    // Known only after apply: the subjects come from the configuration's jsonencode.
    expect(byRole.get("api-deploy")!.afterUnknown).toBe(true);
    expect(byRole.get("api-deploy")!.added.map((e) => e.value)).toEqual(["repo:acme/api:environment:prod"]);
    expect(byRole.get("broken-deploy")!.unreadable).toBe(true);
    expect(a.risks.filter((r) => r.kind === "trust-widened")).toHaveLength(2);
  });

  test("IAM: actions added and removed, wildcards and AdministratorAccess flagged", () => {
    const web = a.permissions.find((p) => p.policy === "web-deploy/ecr-push")!;
    expect(web.actionsAdded).toEqual(["ecr:*"]);
    expect(web.actionsRemoved).toContain("ecr:PutImage");
    expect(web.resourcesAdded).toEqual(["arn:aws:ecr:ap-northeast-1:000123456789:repository/web-app"]);
    const managed = a.permissions.find((p) => p.policy === "web-deploy (managed policies)")!;
    expect(managed.attached).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess"]);
    expect(a.risks.filter((r) => r.kind === "permissions-widened")).toHaveLength(2);
  });

  test("the OIDC provider replace is flagged", () => {
    expect(md).toContain("🔴 **Replace of OIDC provider `https://token.actions.githubusercontent.com`**");
  });

  test("workflow files added, changed (with a diff), removed; unknown content said so", () => {
    const files = section(md, "Workflow files");
    expect(files).toContain("| `acme/web` | `.github/workflows/deploy.yml` | added | 50 lines |");
    expect(files).toContain("| `acme/web` | `.github/workflows/ecr-push.yml` | changed | +2 −1 |");
    expect(files).toContain("| `acme/web` | `.github/workflows/old.yml` | removed |");
    expect(files).toContain("| `acme/web` | `.github/CODEOWNERS` (not a workflow) | changed | +1 −1 |");
    expect(files).toContain("| `acme/api` | `.github/workflows/build.yml` | added | content known after apply |");
    expect(files).toContain("+          role-to-assume: ${{ vars.AWS_ROLE_ARN_WEB_DEPLOY }}");
  });

  test("Actions variables added, changed, removed, unknown", () => {
    const vars = section(md, "Actions variables");
    // Never a whole value: a short preview, the length and a SHA-256 prefix (printf %s VALUE | sha256sum).
    expect(vars).toContain("| `acme/web` | `AWS_ROLE_ARN_WEB_DEPLOY` | added: `arn:aws:iam:…` · 41 chars · sha256 01e3f93af1c6 |");
    expect(vars).toContain("| `acme/web` | `ECR_REPOSITORY_WEB` | `w…` · 3 chars · sha256 4b5e57f6eb2f -> `we…` · 7 chars · sha256 a7a1d1b1b26d |");
    expect(vars).toContain("| `acme/web` | `OLD_SETTING` | removed (was 1 char · sha256 6b86b273ff34) |");
    expect(vars).not.toContain("role/web-deploy");
    expect(vars).toContain("| `acme/api` | `AWS_ROLE_ARN_API_DEPLOY` | added: (known after apply) |");
  });

  test("types outside the template are counted and named; imports, reads and forgets counted", () => {
    expect(md).toContain("| `github-acme` | 5 | 7 | 0 | 3 | 3 | 1 import, 1 read, 1 forget |");
    expect(md).toContain("not interpreted here (types outside this template): `acme_widget` (1), `aws_s3_bucket` (1), `github_branch_protection` (1), `github_repository_ruleset` (1).");
  });

  test("trust map: workflow -> role through the Actions variable, role -> ECR (also through a reference), links moved", () => {
    expect(hasEdge(md, "repository: acme/web", "workflow: deploy.yml (new)", "==>")).toBe(true);
    expect(hasEdge(md, "workflow: deploy.yml (new)", "role: web-deploy (changed)", "==>")).toBe(true);
    expect(hasEdge(md, "workflow: ecr-push.yml (changed)", "role: web-ecr-push", "-.->")).toBe(true);
    expect(hasEdge(md, "workflow: ecr-push.yml (changed)", "role: web-deploy (changed)", "==>")).toBe(true);
    expect(hasEdge(md, "role: web-deploy (changed)", "ECR: web-app (new)", "==>")).toBe(true);
    expect(hasEdge(md, "role: api-deploy (new)", "ECR: api (new)", "==>")).toBe(true);
    expect(hasEdge(md, "workflow: build.yml (new)", "content known after apply", "==>")).toBe(true);
    expect(md).toContain('"workflow: old.yml (removed)"');
  });
});
