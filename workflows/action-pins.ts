/**
 * Actions the generated workflows use, pinned to the commit a release tag pointed to (WF-002).
 *
 * Copied from the verified snapshot in the template's source data (action-pins.json) rather than
 * read at runtime: that file lives outside this repository, and a pin must only change in a
 * reviewed commit. To update one, take the tag's commit SHA from the action's own repository.
 */

export const ACTION_PINS = {
  "actions/checkout": {
    action: "actions/checkout",
    tag: "v7.0.1",
    sha: "3d3c42e5aac5ba805825da76410c181273ba90b1",
  },
  "aws-actions/configure-aws-credentials": {
    action: "aws-actions/configure-aws-credentials",
    tag: "v6.2.3",
    sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
  },
  "aws-actions/amazon-ecr-login": {
    action: "aws-actions/amazon-ecr-login",
    tag: "v2.1.7",
    sha: "03f1aad4c6c7ffd436567f42f9384779290529bd",
  },
  // Used by this template's own workflows (.github/workflows/), checked against these pins by its tests.
  "actions/setup-node": {
    action: "actions/setup-node",
    tag: "v7.0.0",
    sha: "820762786026740c76f36085b0efc47a31fe5020",
  },
  "hashicorp/setup-terraform": {
    action: "hashicorp/setup-terraform",
    tag: "v4.0.1",
    sha: "dfe3c3f87815947d99a8997f908cb6525fc44e9e",
  },
  "marocchino/sticky-pull-request-comment": {
    action: "marocchino/sticky-pull-request-comment",
    tag: "v3.0.5",
    sha: "5770ad5eb8f42dd2c4f34da00c94c5381e49af88",
  },
  // Mints the plan/deploy App tokens in jobs that run no code of this repository (action-pins.json).
  "actions/create-github-app-token": {
    action: "actions/create-github-app-token",
    tag: "v3.1.1",
    sha: "1b10c78c7865c340bc4f6099eb2f838309f1e8c3",
  },
  // Carry synthesized stacks and saved plans between jobs, so no job holds a key and runs npm code.
  // Not in action-pins.json: read from the actions' own repositories (tags v7.0.0 and v8.0.1).
  "actions/upload-artifact": {
    action: "actions/upload-artifact",
    tag: "v7.0.0",
    sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
  },
  "actions/download-artifact": {
    action: "actions/download-artifact",
    tag: "v8.0.1",
    sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
  },
} as const satisfies Readonly<Record<string, ActionPin>>;

export interface ActionPin {
  /** `owner/repo` (or `owner/repo/path`). */
  readonly action: string;
  /** Release tag, `vX.Y.Z`. */
  readonly tag: string;
  /** The 40-hex commit the tag pointed to when it was verified. */
  readonly sha: string;
}

export type PinnedActionName = keyof typeof ACTION_PINS;

/** What a step's `uses:` renders as: the SHA-pinned reference plus the tag for the `# vX.Y.Z` comment. */
export interface PinnedAction {
  /** `owner/repo@<40-hex commit SHA>`. */
  readonly uses: string;
  /** The release tag the SHA belongs to, e.g. `v7.0.1`. */
  readonly version: string;
}

export function pinned(action: PinnedActionName): PinnedAction {
  const pin = ACTION_PINS[action];
  return { uses: `${pin.action}@${pin.sha}`, version: pin.tag };
}
