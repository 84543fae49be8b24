// ESLint's configuration for the explorer page's script (ae_explainer/deliver/explore_assets/*.js):
// `make test` runs it (make installs the pinned eslint of package.json into node_modules/).
//
// Each module is a classic script; the page joins them, in the order of
// ae_explainer.deliver.explore.SCRIPTS, inside one strict-mode closure. So a module names what it
// defines for the others in an `/* exported ... */` comment and what it uses of theirs in a
// `/* global ... */` comment; ESLint then finds a name that is used but defined nowhere (no-undef), or
// defined and used nowhere (no-unused-vars).
"use strict";

const js = require("@eslint/js");

const BROWSER = [
  "atob", "clearInterval", "document", "performance", "requestAnimationFrame", "ResizeObserver",
  "setInterval", "window",
];

module.exports = [
  js.configs.recommended,
  {
    files: ["ae_explainer/deliver/explore_assets/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: Object.fromEntries(BROWSER.map((name) => [name, "readonly"])),
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "max-len": ["error", { code: 110, ignoreUrls: true }],
      "max-lines": ["error", { max: 450, skipBlankLines: false, skipComments: false }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
      "no-shadow": ["error", { builtinGlobals: false }],
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable" } },
    rules: { "max-len": ["error", { code: 110 }] },
  },
];
