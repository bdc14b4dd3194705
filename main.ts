import { App } from "cdktf";
import { configPathFromEnv, loadConfigOrExit } from "./config/load";
import { buildPlatform } from "./stacks/platform";

// Config problems exit here, before anything is written to cdktf.out.
const configFile = configPathFromEnv();
const config = loadConfigOrExit(configFile);

const app = new App();
buildPlatform(app, config, configFile);
app.synth();
