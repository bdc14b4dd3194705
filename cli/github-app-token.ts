/**
 * GitHub App installation tokens for Terraform's GitHub provider, scoped down to the repositories
 * in platform.yaml and to read or write permissions.
 *
 * --scope (what the template's plan and deploy workflows run, with no key anywhere near): print
 * the scope, for actions/create-github-app-token to mint with in a job that runs no code of this
 * repository. With --github-output, the step outputs are `owner`, `repositories` (comma-separated)
 * and `members` (`read` for organisations, empty for users).
 *
 *   npm run --silent github:app-token -- --scope --access read --github-output
 *
 * Without --scope (a workstation, e.g. the bootstrap's first apply): mint the token itself.
 *
 *   export GITHUB_TOKEN="$(npm run --silent github:app-token -- --access write)"
 *
 * Environment: GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY (the PEM text) or
 * GITHUB_APP_PRIVATE_KEY_FILE, optional GITHUB_API_URL (GitHub Enterprise Server).
 * More repositories than one token can name is an error: never a token for the whole installation.
 */
import { createPrivateKey, createSign, type KeyObject } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { configPathFromEnv, ConfigError, loadConfig } from "../config/load";
import { MAX_APP_TOKEN_REPOSITORIES } from "../domain/github";
import { managedRepositories } from "../config/derive";
import type { PlatformConfig } from "../config/schema";

export type Access = "read" | "write";

/** Fine-grained permission names as the installation-token API spells them. */
export function permissionsFor(access: Access, ownerType: PlatformConfig["github"]["ownerType"]): Record<string, "read" | "write"> {
  const level = access === "write" ? "write" : "read";
  return {
    metadata: "read",
    administration: level, // collaborators and invitations, environments' branch policies
    contents: level, // workflow files
    ...(access === "write" ? { workflows: "write" as const } : {}), // GitHub refuses writes under .github/workflows/ without it
    actions_variables: level,
    environments: level,
    ...(ownerType === "organization" ? { members: "read" as const } : {}), // team ids
  };
}

/** The repositories the stacks touch; the token reaches no other repository of the installation. */
function repositoriesOf(config: PlatformConfig): string[] {
  const repositories = managedRepositories(config);
  if (repositories.length > MAX_APP_TOKEN_REPOSITORIES) {
    throw new TokenError(
      `${repositories.length} repositories: GitHub names at most ${MAX_APP_TOKEN_REPOSITORIES} in one installation token, and a token for the whole installation is never used instead; split platform.yaml into several configs`,
      2,
    );
  }
  return repositories;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** The App's JSON Web Token (RS256): valid from a minute ago (clock drift) for nine minutes (GitHub allows ten). */
function appJwt(appId: string, key: KeyObject, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify({ iat: nowSeconds - 60, exp: nowSeconds + 540, iss: appId }));
  const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(key);
  return `${header}.${payload}.${base64url(signature)}`;
}

class TokenError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** What to do about GitHub's refusal, by status. */
function hint(status: number, appId: string, installationId: string): string {
  switch (status) {
    case 401:
      return `the private key does not belong to App ${appId}, or this machine's clock is off by more than a minute`;
    case 403:
      return "the App is suspended, or the installation does not allow these repositories";
    case 404:
      return `App ${appId} has no installation ${installationId}: check the installation id (the number at the end of the installation's settings URL) and that the App is installed on github.owner`;
    case 422:
      return "the App was not granted a requested permission or repository: give the App these permissions in its settings (and accept them on the installation), and install it on every repository in platform.yaml";
    default:
      return "see GitHub's message above";
  }
}

export interface MintRequest {
  readonly apiUrl: string;
  readonly appId: string;
  readonly installationId: string;
  readonly key: KeyObject;
  readonly permissions: Record<string, string>;
  readonly repositories: readonly string[];
}

export interface MintedToken {
  readonly token: string;
  readonly expiresAt: string;
}

async function mintInstallationToken(req: MintRequest): Promise<MintedToken> {
  const url = `${req.apiUrl.replace(/\/$/, "")}/app/installations/${encodeURIComponent(req.installationId)}/access_tokens`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        Accept: "application/vnd.github+json",
        Authorization: `Bearer ${appJwt(req.appId, req.key)}`,
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "github-actions-aws-platform",
        "Content-Type": "application/json",
      },
      // Always named: without a list GitHub would scope the token to the whole installation.
      body: JSON.stringify({ permissions: req.permissions, repositories: req.repositories }),
    });
  } catch (e) {
    throw new TokenError(`could not reach ${url}: ${(e as Error).cause ?? (e as Error).message}`, 1);
  }
  const text = await response.text();
  let body: { token?: string; expires_at?: string; message?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): reported below with the status.
  }
  if (response.status !== 201 || typeof body.token !== "string") {
    const message = body.message ?? text.slice(0, 200);
    throw new TokenError(
      `GitHub refused an installation token (HTTP ${response.status}: ${message}); ${hint(response.status, req.appId, req.installationId)}`,
      1,
    );
  }
  return { token: body.token, expiresAt: body.expires_at ?? "in one hour" };
}

function requiredEnv(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new TokenError(`${name} is not set: it holds ${what}`, 2);
  return value;
}

function privateKey(env: NodeJS.ProcessEnv): KeyObject {
  const file = env.GITHUB_APP_PRIVATE_KEY_FILE?.trim();
  let pem = env.GITHUB_APP_PRIVATE_KEY;
  if (!pem && file) {
    try {
      pem = readFileSync(file, "utf8");
    } catch (e) {
      throw new TokenError(`GITHUB_APP_PRIVATE_KEY_FILE ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
    }
  }
  if (!pem) throw new TokenError("GITHUB_APP_PRIVATE_KEY (the App's private key, PEM text) or GITHUB_APP_PRIVATE_KEY_FILE is not set", 2);
  try {
    // Secrets pasted through some UIs carry literal "\n".
    return createPrivateKey(pem.includes("-----BEGIN") ? pem.replace(/\\n/g, "\n") : pem);
  } catch {
    throw new TokenError(
      "the GitHub App private key is not a PEM private key: paste the whole .pem file GitHub generated, including the BEGIN and END lines",
      2,
    );
  }
}

function parseArgs(argv: readonly string[]): { access: Access; githubOutput: boolean; scope: boolean; config?: string } {
  let access: Access | undefined;
  let githubOutput = false;
  let scope = false;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--access") {
      const value = argv[++i];
      if (value !== "read" && value !== "write") throw new TokenError(`--access takes read or write (got ${value ?? "nothing"})`, 2);
      access = value;
    } else if (arg === "--scope") {
      scope = true;
    } else if (arg === "--github-output") {
      githubOutput = true;
    } else if (arg === "--config") {
      config = argv[++i];
      if (!config) throw new TokenError("--config takes a file name", 2);
    } else {
      throw new TokenError(`unknown argument ${arg}; usage: github:app-token -- --access read|write [--scope] [--github-output] [--config platform.yaml]`, 2);
    }
  }
  if (access === undefined) throw new TokenError("--access read|write is required: plans read, deploys write", 2);
  return { access, githubOutput, scope, config };
}

function configOf(file: string | undefined, env: NodeJS.ProcessEnv): PlatformConfig {
  try {
    return loadConfig(file ?? configPathFromEnv(env));
  } catch (e) {
    if (e instanceof ConfigError) throw new TokenError(e.message, 2);
    throw e;
  }
}

/** The scope a workflow hands to actions/create-github-app-token: no key, no request to GitHub. */
function printScope(args: ReturnType<typeof parseArgs>, env: NodeJS.ProcessEnv): number {
  const outputFile = args.githubOutput
    ? requiredEnv(env, "GITHUB_OUTPUT", "the file GitHub Actions reads step outputs from (set inside Actions only)")
    : undefined;
  const config = configOf(args.config, env);
  const repositories = repositoriesOf(config);
  const permissions = permissionsFor(args.access, config.github.ownerType);
  const outputs = { owner: config.github.owner, repositories: repositories.join(","), members: permissions.members ?? "" };
  if (outputFile !== undefined) {
    appendFileSync(outputFile, Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(""));
    process.stdout.write(`${args.access} scope: ${repositories.length} repositories of ${config.github.owner}: ${outputs.repositories}\n`);
  } else {
    process.stdout.write(`${JSON.stringify({ ...outputs, permissions }, null, 2)}\n`);
  }
  return 0;
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.scope) return printScope(args, env);
    const appId = requiredEnv(env, "GITHUB_APP_ID", "the App's numeric id");
    const installationId = requiredEnv(env, "GITHUB_APP_INSTALLATION_ID", "the id of the App's installation on github.owner");
    const key = privateKey(env);
    // Checked before minting: a token nobody can receive should not exist.
    const outputFile = args.githubOutput
      ? requiredEnv(env, "GITHUB_OUTPUT", "the file GitHub Actions reads step outputs from (set inside Actions only)")
      : undefined;
    const config = configOf(args.config, env);
    const permissions = permissionsFor(args.access, config.github.ownerType);
    const repositories = repositoriesOf(config);
    const minted = await mintInstallationToken({
      apiUrl: env.GITHUB_API_URL || "https://api.github.com",
      appId,
      installationId,
      key,
      permissions,
      repositories,
    });
    const scope = `${args.access} token for ${repositories.length} repositories of ${config.github.owner}, expires ${minted.expiresAt}`;
    if (outputFile !== undefined) {
      // Masked before it exists anywhere else, so no later log line can show it.
      process.stdout.write(`::add-mask::${minted.token}\n`);
      appendFileSync(outputFile, `token=${minted.token}\n`);
      process.stdout.write(`step output "token": ${scope}\n`);
    } else {
      process.stdout.write(`${minted.token}\n`);
      process.stderr.write(`${scope}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof TokenError) {
      process.stderr.write(`github:app-token: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`github:app-token: unexpected error: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
