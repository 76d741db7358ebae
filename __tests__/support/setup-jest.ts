import { Testing } from "cdktf";

// cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) for every test file.
Testing.setupJest();
