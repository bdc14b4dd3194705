/** The attack strings of issue 9 (expression injection), by what they do; shared by the injection tests. */
export const ATTACKS: Readonly<Record<string, string>> = {
  // Splices another role's description (which closes the trust policy JSON) into this subject.
  spliceDescription: '${trimprefix(aws_iam_role.DeployRole-other_1234ABCD.description,"")}',
  readEnvironment: '${file("/proc/self/environ")}',
  // Deferred behind a value known only at apply, so the plan shows nothing and apply reads it.
  deferredRead: '${aws_iam_role.DeployRole-other_1234ABCD.unique_id == "" ? "" : filebase64("/proc/self/environ")}',
  templatefile: '${templatefile("/etc/passwd",{})}',
  anyBranch: '${base64decode("Kg==")}',
  directive: "%{if true}*%{endif}",
};
