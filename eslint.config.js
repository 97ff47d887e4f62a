// Lint rules: typescript-eslint's recommended set, plus the project's one hard rule —
// src/ is written against our own generator loop, never against Promises.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "reports/**", "coverage/**", "dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "FunctionDeclaration[async=true], FunctionExpression[async=true], ArrowFunctionExpression[async=true]", message: "src/ runs on the generator loop: no async functions." },
        { selector: "AwaitExpression", message: "src/ runs on the generator loop: no await." },
        { selector: "Identifier[name='Promise']", message: "src/ runs on the generator loop: no Promise." },
        { selector: "MemberExpression[property.name='then']", message: "src/ runs on the generator loop: no .then()." },
      ],
    },
  },
);
