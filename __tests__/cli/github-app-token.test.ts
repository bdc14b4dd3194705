/**
 * The GitHub App token tool, run as the workflows run it (a child process), against a local HTTP
 * server that checks what GitHub checks: an RS256 JWT signed by the App's key, issued by the App,
 * valid at most ten minutes; and that records the scope requested.
 */
import { execFile } from "node:child_process";
import { createVerify, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { permissionsFor } from "../../cli/github-app-token";
import { EXAMPLE_TEXT } from "../helpers/example";
import { withSelf } from "../helpers/self";

// Each test starts the tool as a child process (about 1.5 s alone); leave room for a busy machine.
jest.setTimeout(30_000);

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

interface Seen {
  path: string;
  jwt: { header: any; payload: any; signatureValid: boolean };
  body: any;
}

function verifyJwt(authorization: string | undefined, key: KeyObject): Seen["jwt"] {
  const [header, payload, signature] = (authorization ?? "").replace(/^Bearer /, "").split(".");
  const signatureValid = createVerify("RSA-SHA256").update(`${header}.${payload}`).verify(key, Buffer.from(signature ?? "", "base64url"));
  const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  return { header: decode(header), payload: decode(payload), signatureValid };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

let server: Server;
let apiUrl: string;
let seen: Seen[] = [];
let reply: { status: number; body: unknown } = { status: 201, body: { token: TOKEN, expires_at: "2026-11-22T13:00:00Z" } };
let dir: string;
let configFile: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({ path: req.url ?? "", jwt: verifyJwt(req.headers.authorization, publicKey), body: JSON.parse(body || "{}") });
    res.writeHead(reply.status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), "app-token-"));
  const doc = parse(EXAMPLE_TEXT);
  withSelf(doc);
  configFile = join(dir, "platform.yaml");
  writeFileSync(configFile, stringify(doc));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
  reply = { status: 201, body: { token: TOKEN, expires_at: "2026-11-22T13:00:00Z" } };
});

function run(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const fullEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_APP_ID: "111111",
    GITHUB_APP_INSTALLATION_ID: "22222222",
    GITHUB_APP_PRIVATE_KEY: PEM,
    GITHUB_API_URL: apiUrl,
    PLATFORM_CONFIG: configFile,
    ...env,
  };
  for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k];
  return new Promise((resolve) => {
    execFile(process.execPath, ["--require", "sucrase/register/ts", "cli/github-app-token.ts", ...args], { env: fullEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("github:app-token", () => {
  test("read: a signed App JWT, read permissions, the config's repositories only; prints the token", async () => {
    const result = await run(["--access", "read"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${TOKEN}\n`);
    expect(result.stderr).toMatch(/read token for 2 repositories of Test-User/);
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request.path).toBe("/app/installations/22222222/access_tokens");
    expect(request.jwt.signatureValid).toBe(true);
    expect(request.jwt.header).toEqual({ alg: "RS256", typ: "JWT" });
    expect(request.jwt.payload.iss).toBe("111111");
    expect(request.jwt.payload.exp - request.jwt.payload.iat).toBeLessThanOrEqual(600);
    expect(request.jwt.payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(request.body.repositories).toEqual(["platform-infra", "techblue-dev"]);
    expect(Object.values(request.body.permissions)).not.toContain("write");
    expect(request.body.permissions).not.toHaveProperty("workflows");
  });

  test("write in Actions: masked first, then a step output, never printed plainly", async () => {
    const output = join(dir, "github-output");
    writeFileSync(output, "");
    const result = await run(["--access", "write", "--github-output"], { GITHUB_OUTPUT: output });
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(`::add-mask::${TOKEN}`);
    expect(result.stdout.split(TOKEN)).toHaveLength(2); // only inside the mask command
    expect(readFileSync(output, "utf8")).toBe(`token=${TOKEN}\n`);
    expect(seen[0].body.permissions).toMatchObject({ contents: "write", workflows: "write", administration: "write", actions_variables: "write" });
  });

  test("organisation owners add members: read for team ids; users do not ask for it", () => {
    expect(permissionsFor("write", "organization")).toHaveProperty("members", "read");
    expect(permissionsFor("write", "user")).not.toHaveProperty("members");
  });

  test.each([
    [404, { message: "Not Found" }, /HTTP 404: Not Found\); App 111111 has no installation 22222222/],
    [401, { message: "A JSON web token could not be decoded" }, /does not belong to App 111111, or this machine's clock is off/],
    [422, { message: "The permissions requested are not granted to this installation." }, /give the App these permissions in its settings/],
  ])("GitHub's HTTP %i is explained, exit 1", async (status, body, message) => {
    reply = { status, body };
    const result = await run(["--access", "read"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test.each<[string, string[], Record<string, string | undefined>, RegExp]>([
    ["no --access", [], {}, /--access read\|write is required/],
    ["a wrong --access", ["--access", "admin"], {}, /--access takes read or write \(got admin\)/],
    ["no App id", ["--access", "read"], { GITHUB_APP_ID: undefined }, /GITHUB_APP_ID is not set/],
    ["no key", ["--access", "read"], { GITHUB_APP_PRIVATE_KEY: undefined }, /GITHUB_APP_PRIVATE_KEY .* is not set/],
    ["a key that is not PEM", ["--access", "read"], { GITHUB_APP_PRIVATE_KEY: "ghp_notakey" }, /not a PEM private key: paste the whole \.pem file/],
    ["--github-output outside Actions", ["--access", "read", "--github-output"], {}, /GITHUB_OUTPUT is not set/],
  ])("%s: a one-line reason, exit 2, no request", async (_what, args, env, message) => {
    const result = await run(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(seen).toHaveLength(0);
  });

  test("--scope: the owner, the repositories and members for actions/create-github-app-token; no key, no request", async () => {
    const output = join(dir, "scope-output");
    writeFileSync(output, "");
    const result = await run(["--scope", "--access", "read", "--github-output"], { GITHUB_OUTPUT: output, GITHUB_APP_PRIVATE_KEY: undefined, GITHUB_APP_ID: undefined });
    expect(result.code).toBe(0);
    expect(readFileSync(output, "utf8")).toBe("owner=Test-User\nrepositories=platform-infra,techblue-dev\nmembers=\n"); // the example's owner is a user
    expect(result.stdout).toBe("read scope: 2 repositories of Test-User: platform-infra,techblue-dev\n");
    expect(seen).toHaveLength(0);
  });

  test("--scope for an organisation asks for members: read (team ids)", async () => {
    const userConfig = join(dir, "org.yaml");
    const doc = parse(readFileSync(configFile, "utf8"));
    doc.github.ownerType = "organization";
    writeFileSync(userConfig, stringify(doc));
    const result = await run(["--scope", "--access", "write"], { PLATFORM_CONFIG: userConfig });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ owner: "Test-User", members: "read", permissions: permissionsFor("write", "organization") });
  });

  test("more repositories than one token can name: exit 2, never a token for the whole installation", async () => {
    const big = join(dir, "big.yaml");
    const doc = parse(EXAMPLE_TEXT);
    for (let i = 0; i < 501; i++) doc.repositories.push({ name: `app-${i}` });
    writeFileSync(big, stringify(doc));
    for (const args of [["--scope", "--access", "read"], ["--access", "read"]]) {
      const result = await run(args, { PLATFORM_CONFIG: big });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/502 repositories: GitHub names at most 500 in one installation token, and a token for the whole installation is never used instead/);
    }
    expect(seen).toHaveLength(0);
  });

  test("a key with literal \\n (as some secret stores keep it) still works", async () => {
    const result = await run(["--access", "read"], { GITHUB_APP_PRIVATE_KEY: PEM.replace(/\n/g, "\\n") });
    expect(result.code).toBe(0);
  });
});
