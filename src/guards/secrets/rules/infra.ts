import type { SecretRule } from '../rule.js';

/** Secret managers, infrastructure-as-code and encryption tools. */

export const infraRules: readonly SecretRule[] = [
  {
    id: 'vault_token',
    description:
      'HashiCorp Vault service (hvs.), batch (hvb.) and recovery (hvr.) tokens; legacy s. tokens after a Vault name.',
    keywords: ['hvs.', 'hvb.', 'hvr.', 'vault'],
    pattern:
      /(?<![\w.-])(?<secret>hv[sbr]\.[A-Za-z0-9_-]{24,200})(?![\w-])|vault[\w.-]{0,30}['"]?[ \t]{0,3}[=:][ \t]{0,3}['"]?(?<legacy>s\.[A-Za-z0-9]{24})(?![\w-])/gi,
    validate: (s, m) => m.groups?.legacy !== undefined || /^hv[sbr]\./.test(s),
    score: 0.95,
  },
  {
    id: 'terraform_cloud_token',
    description: 'Terraform Cloud / Enterprise API tokens (….atlasv1.…).',
    keywords: ['.atlasv1.'],
    pattern: /(?<![\w-])(?<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,70})(?![\w-])/g,
    score: 0.98,
  },
  {
    id: 'doppler_token',
    description: 'Doppler personal, service, service-account, CLI, SCIM and audit tokens (dp.pt., dp.st., …).',
    keywords: ['dp.'],
    pattern: /(?<![\w.-])(?<secret>dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})(?![\w-])/g,
    score: 0.98,
  },
  {
    id: 'onepassword_token',
    description: '1Password service-account tokens (ops_eyJ…) and account secret keys (A3-…).',
    keywords: ['ops_eyj', 'a3-'],
    pattern:
      /(?<![\w-])(?<secret>ops_eyJ[A-Za-z0-9+/=_-]{200,1200}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})(?![\w-])/g,
    score: 0.98,
  },
  {
    id: 'age_secret_key',
    description: 'age encryption secret keys (AGE-SECRET-KEY-1…).',
    keywords: ['age-secret-key-1'],
    pattern: /(?<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})/g,
    score: 1,
    defaultAction: 'block',
  },
  {
    id: 'infisical_token',
    description: 'Infisical service tokens (st.….….…).',
    keywords: ['st.'],
    pattern: /(?<![\w.-])(?<secret>st\.[a-f0-9]{24}\.[a-f0-9]{32}\.[a-f0-9]{32})(?![\w-])/g,
    score: 0.95,
  },
];
