import { App } from "cdktf";
import { configPathFromEnv, loadConfigOrExit } from "./config/load";
import { synthOrExit } from "./guardrails/report";
import { buildPlatform } from "./stacks/platform";
import { withoutStackTraces } from "./tools/stack-traces";

// Config problems exit here, before anything is written to cdktf.out.
const configFile = configPathFromEnv();
const config = loadConfigOrExit(configFile);

// No stack trace per token and annotation: no output depends on them (see tools/stack-traces.ts).
const app = new App(withoutStackTraces());
buildPlatform(app, config);
// Guardrail findings fail synth (cdktf synth prints them itself); nothing is written then.
synthOrExit(app);
