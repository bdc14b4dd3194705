import type { App } from "cdktf";
import type { PlatformConfig } from "../../config/schema";
import { attachGuardrails } from "../../main";
import { buildPlatform, type BuildPlatformOptions, type Platform } from "../../stacks/platform";

/** The platform as `cdktf synth` builds it in-process: the stacks, then main.ts's guardrails. */
export function buildGuardedPlatform(app: App, config: PlatformConfig, options?: BuildPlatformOptions): Platform {
  const platform = buildPlatform(app, config, options);
  attachGuardrails(platform, config);
  return platform;
}
