import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const FEATURES = ["auth", "users", "devices", "monitoring", "tariffs"];

// Import boundaries: a feature imports shared code (src/components, src/lib, src/api, src/test)
// and its own folder, never another feature nor src/app; shared code imports no feature. Only
// src/app (the routes and the layout) puts features together. Relative paths are what the rule
// sees: from a feature, a path climbing out (../) into another feature's name is that feature.
function restrict(...patterns) {
  return { "no-restricted-imports": ["error", { patterns }] };
}
const noApp = { regex: "^(\\.\\./)+app(/|$)", message: "Only src/main.tsx imports src/app." };

const featureBoundaries = FEATURES.map((feature) => {
  const others = FEATURES.filter((other) => other !== feature).join("|");
  return {
    files: [`src/features/${feature}/**/*.{ts,tsx}`],
    rules: restrict(
      {
        regex: `^(\\.\\./)+(features/)?(${others})(/|$)`,
        message: `The ${feature} feature imports shared code and its own folder only: move what two features share to src/components, src/lib or src/api.`,
      },
      noApp,
    ),
  };
});

export default tseslint.config(
  { ignores: ["dist", "node_modules", "scripts"] },
  {
    extends: [js.configs.recommended],
    files: ["e2e/**/*.mjs"],
    // Node, plus the browser globals of the functions it runs in the page.
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.node, ...globals.browser } },
  },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ["**/*.{ts,tsx}"],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
    },
  },
  ...featureBoundaries,
  {
    files: ["src/{components,lib,api,test}/**/*.{ts,tsx}"],
    rules: restrict(
      { regex: "^(\\.\\./)+features(/|$)", message: "Shared code imports no feature: src/app composes them." },
      noApp,
    ),
  },
);
