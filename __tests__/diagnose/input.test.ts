import { cloudTrailEvents, webIdentityRequest } from "../../diagnose/cloudtrail";
import { MalformedJsonError, parseInput } from "../../diagnose/input";
import { run, webIdentityEvent } from "./helpers";
import { fixture } from "./real-texts";

describe("seed 001's CloudTrail JSON", () => {
  test("verbatim (with the blog's '<-- エラー箇所' annotation and the trailing comma): a clear error with line, column and what to do", () => {
    const error = (() => {
      try {
        parseInput(fixture("seed-001-cloudtrail.verbatim.json"));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MalformedJsonError);
    const lines = (error as Error).message.split("\n");
    expect(lines[0]).toBe("the input looks like JSON but does not parse: line 15, column 37: Expected double-quoted property name");
    expect(lines[1]).toContain('"errorCode": "AccessDenied",      <-- エラー箇所');
    expect(lines[2].indexOf("^")).toBe(lines[1].indexOf("<"));
    expect(lines[3]).toContain("It looks like a CloudTrail event");
  });

  test("without the annotation, the trailing comma it was copied with is forgiven and said", () => {
    const input = parseInput(fixture("seed-001-cloudtrail.json"));
    expect(input.events).toHaveLength(1);
    expect(input.notes).toEqual([expect.stringContaining("ignored the comma")]);
  });

  test("the subject, audience, provider and role are read from the event", () => {
    const [event] = parseInput(fixture("seed-001-cloudtrail.json")).events!;
    expect(webIdentityRequest(event)).toEqual({
      subject: "repo:Test-User/techblue-dev:ref:refs/heads/main",
      audience: "sts.amazonaws.com",
      providerArn: "arn:aws:iam::000123456789:oidc-provider/token.actions.githubusercontent.com",
      roleArn: "arn:aws:iam::000123456789:role/Githubactions-to-ECR-role",
    });
  });

  test("without userName, the subject comes from principalId", () => {
    const event = JSON.parse(webIdentityEvent({ sub: "repo:Test-User/techblue-dev:pull_request" }));
    delete event.userIdentity.userName;
    expect(webIdentityRequest(event).subject).toBe("repo:Test-User/techblue-dev:pull_request");
  });

  test("other JSON errors are not forgiven, even with a trailing comma", () => {
    expect(() => parseInput('{"eventName": "AssumeRoleWithWebIdentity" "eventSource": "sts.amazonaws.com"},')).toThrow(/line 1, column 43: Expected ',' or '}' after property value/);
  });

  test("truncated JSON", () => {
    expect(() => parseInput('{"eventName": "AssumeRoleWithWebIdentity",')).toThrow(MalformedJsonError);
  });
});

describe("CloudTrail shapes", () => {
  const event = JSON.parse(webIdentityEvent());

  test("one event, a log file's Records, a list, and aws cloudtrail lookup-events output", () => {
    expect(cloudTrailEvents(event)).toHaveLength(1);
    expect(cloudTrailEvents({ Records: [event, event] })).toHaveLength(2);
    expect(cloudTrailEvents([event])).toHaveLength(1);
    expect(cloudTrailEvents({ Events: [{ EventId: "x", EventName: "AssumeRoleWithWebIdentity", CloudTrailEvent: JSON.stringify(event) }] })).toHaveLength(1);
  });

  test("a log file repeating the same denied call gives one diagnosis", () => {
    expect(run(JSON.stringify({ Records: [event, event] })).ids).toEqual(["oidc-assume-role-denied"]);
  });

  test("events that did not fail: nothing recognised, and said", () => {
    const ok = { ...event, errorCode: undefined, errorMessage: undefined };
    const { ids, report } = run(JSON.stringify(ok));
    expect(ids).toEqual([]);
    expect(report.notes).toEqual([expect.stringContaining("none with an errorCode")]);
  });

  test("a failed event that is not a known failure is named in the notes", () => {
    const other = { eventSource: "s3.amazonaws.com", eventName: "GetObject", errorCode: "NoSuchKey", errorMessage: "The specified key does not exist." };
    const { ids, report } = run(JSON.stringify(other));
    expect(ids).toEqual([]);
    expect(report.notes).toEqual([expect.stringContaining("not a known failure: GetObject (s3.amazonaws.com) errorCode NoSuchKey")]);
  });

  test("JSON that is not CloudTrail is read as text (a GitHub REST error body)", () => {
    const body = '{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/actions/variables#create-a-repository-variable","status":"403"}';
    expect(run(body).ids).toEqual(["github-resource-not-accessible"]);
  });
});
