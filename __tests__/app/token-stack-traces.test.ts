import { withoutTokenStackTraces } from "../../lib/app/token-stack-traces";

// Under jest the module is already replaced (setup-jest.ts); what matters here is that the
// function swaps the export for the duration of the work and always puts it back.
const stackTraceModule = jest.requireMock<{ captureStackTrace: () => string[] }>(
  "cdktf/lib/tokens/private/stack-trace",
);

describe("token stack traces during synth", () => {
  it("are off while the work runs and restored after, even when it throws", () => {
    const before = stackTraceModule.captureStackTrace;
    expect(() =>
      withoutTokenStackTraces(() => {
        expect(stackTraceModule.captureStackTrace).not.toBe(before);
        expect(stackTraceModule.captureStackTrace()).toEqual([]);
        throw new Error("work failed");
      }, {}),
    ).toThrow("work failed");
    expect(stackTraceModule.captureStackTrace).toBe(before);
  });

  it("stay as they are when DELIVERY_TOKEN_STACK_TRACES=1, for debugging a token error", () => {
    const before = stackTraceModule.captureStackTrace;
    const result = withoutTokenStackTraces(() => stackTraceModule.captureStackTrace, {
      DELIVERY_TOKEN_STACK_TRACES: "1",
    });
    expect(result).toBe(before);
  });
});
