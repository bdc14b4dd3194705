import { App } from "cdktf";
import { configPathFromEnv, loadConfigOrExit } from "./config/load";
import { inventoryPathFor, nextInventory, readInventoryOrExit, writeInventoryOrExit } from "./config/inventory";
import { synthOrExit } from "./guardrails/report";
import { buildPlatform, managedNow } from "./stacks/platform";
import { withoutStackTraces } from "./cdktf-internals";

// Config problems exit here, before anything is written to cdktf.out.
const configFile = configPathFromEnv();
const config = loadConfigOrExit(configFile);
// What earlier synths managed (platform.managed.json beside the config): names that left the
// config are released, not deleted.
const inventoryFile = inventoryPathFor(configFile);
const inventory = readInventoryOrExit(inventoryFile);

// No stack trace per token and annotation: no output depends on them (see cdktf-internals.ts).
const app = new App(withoutStackTraces());
const platform = buildPlatform(app, config, { inventory });
// Guardrail findings fail synth (cdktf synth prints them itself); nothing is written then.
synthOrExit(app);
// Only after a successful synth: the inventory always describes Terraform that was written.
writeInventoryOrExit(inventoryFile, nextInventory(inventory, managedNow(platform)));
