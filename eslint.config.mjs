// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// libs/core is pure logic: anything that touches the network, disk, a broker or a framework
// belongs in an adapter outside it. The rule makes that boundary mechanical, not a code-review habit.
const ioModules = [
  'kafkajs',
  'node-rdkafka',
  'ioredis',
  'prom-client',
  'fs',
  'net',
  'http',
  'https',
  'child_process',
];
const ioPatterns = ['@nestjs/*', 'node:*', 'fs/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.cache/', '.stack/', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // CommonJS hooks that must run before any TypeScript can (test children's require hook).
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['libs/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'libs/core is pure: no I/O imports.' })),
          patterns: [{ group: ioPatterns, message: 'libs/core is pure: no I/O or framework imports.' }],
        },
      ],
    },
  },
  {
    // The CLI talks to the config service over HTTP only: no broker client, no Redis, no Nest, and
    // no reaching into the service's or the client library's source.
    files: ['apps/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['kafkajs', 'node-rdkafka', 'ioredis', '@kafka-fleet/client'].map((name) => ({
            name,
            message: 'the CLI uses the REST API only.',
          })),
          patterns: [
            {
              group: ['@nestjs/*', '**/config-service/**', '**/libs/client/**'],
              message: 'the CLI uses the REST API only.',
            },
          ],
        },
      ],
    },
  },
);
