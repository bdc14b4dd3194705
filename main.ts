/**
 * The composition root, as `cdktf synth` runs it (cdktf.json: `node --require ./dev/register.js
 * main.ts`): load the config -> build the stacks -> attach the guardrails -> synth -> record the
 * inventory. Add your own Aspects (tags, patches) to the stacks after the guardrails: synth runs
 * every Aspect before the guardrails check the app.
 */
import { App } from "cdktf";
import { withoutStackTraces } from "./cdktf-internals";
import { inventoryPathFor, nextInventory, readInventoryOrExit, writeInventoryOrExit } from "./config/inventory";
import { configPathFromEnv, loadConfigOrExit } from "./config/load";
import type { PlatformConfig } from "./config/schema";
import { applyGuardrails, type GuardrailsAspect } from "./guardrails/aspect";
import { synthOrExit } from "./guardrails/report";
import { buildPlatform, managedNow, type Platform } from "./stacks/platform";

/** The steps of run(), in order. */
export type Step = "load" | "build" | "synth";

export interface RunOptions {
  /**
   * Runs each step: calls `step()` and returns what it returns (dev/bench-phases.ts times them).
   * @default - each step just runs
   */
  readonly around?: <T>(name: Step, step: () => T) => T;
}

/** The guardrails, on every stack of the platform: checked together, as the cross-side rules need them all. */
export function attachGuardrails(platform: Platform, config: PlatformConfig): GuardrailsAspect {
  return applyGuardrails(platform.stacks, { suppressions: config.guardrails.suppressions });
}

export function run(options: RunOptions = {}): void {
  const around = options.around ?? ((_name, step) => step());
  // Config problems exit here, before anything is written to cdktf.out.
  const configFile = configPathFromEnv();
  const config = around("load", () => loadConfigOrExit(configFile));
  // What earlier synths managed (platform.managed.json beside the config): names that left the
  // config are released, not deleted.
  const inventoryFile = inventoryPathFor(configFile);
  const inventory = readInventoryOrExit(inventoryFile);

  const { app, platform } = around("build", () => {
    // No stack trace per token and annotation: no output depends on them (see cdktf-internals.ts).
    const app = new App(withoutStackTraces());
    const platform = buildPlatform(app, config, { inventory });
    attachGuardrails(platform, config);
    return { app, platform };
  });
  // Guardrail findings fail synth (cdktf synth prints them itself); nothing is written then.
  around("synth", () => synthOrExit(app));
  // Only after a successful synth: the inventory always describes Terraform that was written.
  writeInventoryOrExit(inventoryFile, nextInventory(inventory, managedNow(platform)));
}

if (require.main === module) run();
