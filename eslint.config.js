// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import angular from 'angular-eslint';
import { readdirSync } from 'node:fs';

// Server features are the folders of apps/server/src but platform/ and cli/: each is used by
// others only through its index.ts, and platform/ uses none (database-schema.ts may name their
// tables). Import paths are matched at any depth, so `../../exams/x/y.ts` is caught too.
const serverSrc = 'apps/server/src';
const serverFeatures = readdirSync(new URL(serverSrc, import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !['platform', 'cli'].includes(entry.name))
  .map((entry) => entry.name);
const boundaryRules = [
  ...serverFeatures.map((feature) => ({
    files: [`${serverSrc}/${feature}/**/*.ts`],
    // Specs may set up another feature's data with its internals.
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: serverFeatures
            .filter((other) => other !== feature)
            .map((other) => ({
              regex: `(^|/)${other}/(?!index\\.ts$)`,
              message: `Use another feature only through its front door, ${other}/index.ts.`,
            })),
        },
      ],
    },
  })),
  {
    files: [`${serverSrc}/platform/**/*.ts`],
    ignores: [`${serverSrc}/platform/database-schema.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(^|/)(${serverFeatures.join('|')})/`,
              message: 'platform/ serves every feature and imports none.',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/.angular/**', 'data/**', 'test-results/**'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...boundaryRules,
  {
    files: ['apps/web/src/**/*.ts'],
    extends: [...angular.configs.tsRecommended],
    processor: angular.processInlineTemplates,
    rules: {
      // Angular components and services are classes that may carry only a decorator.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@angular-eslint/prefer-on-push-component-change-detection': 'error',
      '@angular-eslint/component-selector': [
        'error',
        { type: 'element', prefix: 'app', style: 'kebab-case' },
      ],
      '@angular-eslint/directive-selector': [
        'error',
        { type: 'attribute', prefix: 'app', style: 'camelCase' },
      ],
    },
  },
  {
    files: ['apps/web/src/**/*.html'],
    extends: [...angular.configs.templateRecommended, ...angular.configs.templateAccessibility],
  },
  {
    files: ['**/*.spec.ts', '**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
