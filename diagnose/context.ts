/**
 * The config and the Terraform it synthesizes, as explainers see them. The stacks are built the way
 * `cdktf synth` builds them (buildPlatform), but nothing is written: the view is read from each
 * stack's toTerraform(), the same resolved JSON the guardrails check.
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { DEFAULT_CONFIG_PATH } from "../config/load";
import type { PlatformConfig } from "../config/schema";
import { buildAppView } from "../guardrails/app-view";
import type { AppView } from "../guardrails/types";
import { buildPlatform } from "../stacks/platform";
import type { DiagnoseContext } from "./types";

export interface ContextOptions {
  readonly config?: PlatformConfig;
  readonly configFile?: string;
  readonly subject?: string;
}

export function createContext(options: ContextOptions = {}): DiagnoseContext {
  const notes: string[] = [];
  const configFile = options.configFile ?? DEFAULT_CONFIG_PATH;
  let view: AppView | undefined;
  let built = false;
  return {
    ...(options.config === undefined ? {} : { config: options.config }),
    configFile,
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    notes,
    view() {
      if (built) return view;
      built = true;
      if (options.config === undefined) return undefined;
      try {
        view = synthesizedView(options.config);
      } catch (e) {
        notes.push(`could not build the stacks from ${configFile} (${(e as Error).message.split("\n")[0]}); the advice below does not use its trust policies`);
      }
      return view;
    },
  };
}

/** The app view of a config's stacks, without writing anything. */
export function synthesizedView(config: PlatformConfig): AppView {
  // An App creates its outdir on construction; keep that out of the user's working directory.
  const outdir = join(tmpdir(), "github-actions-platform-diagnose");
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, stackTraces: false });
  buildPlatform(app, config);
  // Every stack the platform builds, however many there are.
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
  return buildAppView(stacks);
}
