// Lint rules: the recommended JavaScript and TypeScript sets; formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'labdrill-out/', 'dist/', 'config/stack.schema.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      // `any` is allowed where a comment gives the reason (SDK shapes edited in place, YAML documents).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Matching control characters is how untrusted text is cleaned.
      'no-control-regex': 'off',
    },
  },
);
