import { App } from "cdktf";
import { configPathFromEnv, loadConfigOrExit } from "./config/load";
import { synthOrExit } from "./guardrails/report";
import { buildPlatform } from "./stacks/platform";

// Config problems exit here, before anything is written to cdktf.out.
const configFile = configPathFromEnv();
const config = loadConfigOrExit(configFile);

const app = new App();
buildPlatform(app, config, configFile);
// Guardrail findings fail synth (cdktf synth prints them itself); nothing is written then.
synthOrExit(app);
