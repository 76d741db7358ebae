import { Testing } from "cdktf";

// cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) for every test file.
Testing.setupJest();

// cdktf records a full stack trace for every token it creates, only to show it should the token
// be misused. Under jest every trace is source-mapped frame by frame, which made each synth about
// half again slower; the synthesized output does not depend on it.
jest.mock("cdktf/lib/tokens/private/stack-trace", () => ({ captureStackTrace: (): string[] => [] }));
