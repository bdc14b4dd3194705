import { TerraformStack } from "cdktf";

/**
 * The template's stacks. Guardrails (applyGuardrails) give every stack, this kind or not, a
 * synthesizer that checks the app after every Aspect and writes exactly what was checked.
 */
export class PlatformStack extends TerraformStack {}
