/** The diagnose library: the known failures, recognisers and config-aware explanations. */
export { createContext, synthesizedView } from "./context";
export { diagnose, type Report } from "./diagnose";
export { KNOWN_FAILURES, failureById } from "./failures";
export { MalformedJsonError, parseInput } from "./input";
export { renderReport } from "./render";
export type { DiagnoseContext, Diagnosis, KnownFailure } from "./types";
