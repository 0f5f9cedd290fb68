import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'functions/lib/**',
      'packages/*/dist/**',
      '.emulators/**',
      'web/**',
      'test-results/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: 'error',
    },
  },
  {
    // The domain and the shared model are pure: Firebase and Google Cloud stay in the adapters.
    files: ['functions/src/domain/**/*.ts', 'packages/audit-model/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['firebase', 'firebase/*', 'firebase-*', 'firebase-*/**', '@firebase/*'],
              message: 'The domain must not import Firebase; put this in an adapter.',
            },
            { group: ['@google-cloud/*'], message: 'The domain must not import Google Cloud; put this in an adapter.' },
          ],
        },
      ],
    },
  },
);
