// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

// One-way imports (ARCHITECTURE.md): lib/domain <- lib/config, renderers/, constructs/,
// lib/terraform-json <- stacks/ <- lib/app <- main.ts; policy/ beside them on lib/domain and
// lib/terraform-json. Project imports are relative, so a target is matched by its folder name after
// at least one `../` (`../../lib/config`, `../config` from inside lib/); a `./x` sibling never matches,
// nor does a package name such as `constructs`.
const LIB_FOLDERS = ["domain", "config", "app", "terraform-json"];
const LAYERS = [
  "domain",
  "config",
  "app",
  "terraform-json",
  "renderers",
  "constructs",
  "policy",
  "stacks",
  "scripts",
  "__tests__",
];
const layerImport = (layer) => `^(?:\\.\\.?/)*\\.\\./${LIB_FOLDERS.includes(layer) ? "(?:lib/)?" : ""}${layer}(?:/|$)`;
const folderName = (layer) => (LIB_FOLDERS.includes(layer) ? `lib/${layer}` : `${layer}/`);

/** A `files:` block letting the files of one layer import only the layers in `allowed` (and packages). */
function importsOnly(files, name, allowed) {
  const forbidden = LAYERS.filter((layer) => !allowed.includes(layer));
  const allowedText = allowed.length === 0 ? "nothing from the project" : `only ${allowed.map(folderName).join(", ")}`;
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: forbidden.map((layer) => ({
            regex: layerImport(layer),
            message: `${name} imports ${allowedText}, never ${folderName(layer)}: data flows one way (ARCHITECTURE.md).`,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "coverage/", ".bench/"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": [
        "error",
        { "ts-ignore": true, "ts-nocheck": true, "ts-expect-error": "allow-with-description" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "no-new": "off",
      eqeqeq: ["error", "always"],
    },
  },
  importsOnly(["lib/domain/**/*.ts"], "lib/domain", []),
  importsOnly(["lib/config/**/*.ts"], "lib/config", ["domain", "config"]),
  importsOnly(["lib/terraform-json/**/*.ts"], "lib/terraform-json", ["domain", "terraform-json"]),
  importsOnly(["renderers/**/*.ts"], "renderers/", ["domain", "renderers"]),
  importsOnly(["constructs/**/*.ts"], "constructs/", ["domain", "constructs"]),
  importsOnly(["policy/**/*.ts"], "policy/", ["domain", "terraform-json", "policy"]),
  importsOnly(["stacks/**/*.ts"], "stacks/", [
    "domain",
    "config",
    "terraform-json",
    "renderers",
    "constructs",
    "policy",
    "stacks",
  ]),
  importsOnly(
    ["lib/app/**/*.ts"],
    "lib/app",
    LAYERS.filter((layer) => layer !== "scripts" && layer !== "__tests__"),
  ),
  {
    files: ["**/*.cjs", "**/*.mjs", "**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        process: "readonly",
        console: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
