import type { Rule } from "../../types";
import { TF_001 } from "./tf-001-no-foreign-expressions";

/** The rules on Terraform's input as such, in id order. */
export const TERRAFORM_RULES: readonly Rule[] = [TF_001];
