// Type-checked lint for the whole repository: TypeScript through tsconfig.json, and every .js/.mjs/.cjs file (scripts,
// the reliability matrix, bench, examples, bins, configs) through tsconfig.scripts.json (allowJs + checkJs).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ['./tsconfig.scripts.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // tsc (checkJs) already reports undefined names, with Node's and the DOM-free lib's globals known.
      'no-undef': 'off',
      // Scripts are programs that talk to a terminal (the CLI's rule is that main.ts alone writes output).
      'no-console': 'off',
      // The scripts are checked with noImplicitAny off (tsconfig.scripts.json): an untyped parameter is `any`, so these
      // would flag every use of one. They come back on when every parameter has a JSDoc type.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-plus-operands': ['error', { allowAny: true }],
    },
  },
  {
    files: ['**/*.cjs', 'examples/node-test-cjs/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    // CommonJS files load modules with require(), and destructure Node's modules from it (`const { join } =
    // require('node:path')`, which unbound-method takes for a detached method).
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // node:test's test() returns a promise that its runner awaits; the example is written the way node:test documents.
    files: ['examples/**/*.test.js'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
);
