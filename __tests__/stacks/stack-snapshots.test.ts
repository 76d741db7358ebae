import { synthesizeDefaultConfig } from "../support/synth";

// The full cdk.tf.json of each stack for the default config. Read every changed line of a
// snapshot diff: each one must be explained by the change under review.
describe("synthesized stacks (default config)", () => {
  it.each(Object.keys(synthesizeDefaultConfig().files))("%s stack matches its snapshot", (id) => {
    expect(synthesizeDefaultConfig().files[id]).toMatchSnapshot();
  });
});
