// Typed linting for correctness, not style: the type checker knows which calls return promises, so
// a promise nobody awaits or catches (an error that vanishes) fails the lint instead of a request.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'proto/'] },
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // Files outside tsconfig.json (the bin launchers, the tool configs) get a default program.
          allowDefaultProject: ['bin/*.js', '*.config.ts', '*.config.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `void` alone only hides a rejection; a detached promise also needs a .catch that reports it.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      // Protocol messages are typed `any` on purpose (protobufjs decodes them); the no-unsafe-* family
      // would flag every field read of one.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // tsc's noUnusedLocals/noUnusedParameters already catch these.
      '@typescript-eslint/no-unused-vars': 'off',
      // Style, not correctness: an async function may implement a promise-returning interface
      // without awaiting; a redundant assertion or an empty extending interface is harmless.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      'prefer-const': 'off',
    },
  },
  {
    // Tests read arbitrary JSON (Kubernetes objects, etcd messages) and assert on its shape: `any` there
    // is the point, not a hole in the types of shipped code.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
