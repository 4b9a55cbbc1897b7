import type { SecretRule } from '../rule.js';
import { contextRule } from '../rule.js';

/** Cloud platforms: AWS, Google Cloud, Azure, Alibaba, DigitalOcean, Cloudflare, hosting platforms. */

/** Words that make a 40-character base64 string an AWS secret access key. */
const AWS_SECRET_CONTEXT = /aws|secret[_ -]?access|secret[_ -]?key|access[_ -]?key/i;

export const cloudRules: readonly SecretRule[] = [
  {
    id: 'aws_access_key',
    description:
      'AWS access key ids (AKIA long-term, ASIA temporary, and other IAM prefixes). Documented EXAMPLE keys are ignored.',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t', 'agpa', 'aida', 'aroa', 'aipa', 'anpa', 'anva', 'apka'],
    pattern:
      /(?<![A-Za-z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|A3T[A-Z0-9])[A-Z0-9]{16})(?![A-Za-z0-9])/g,
    score: 0.95,
    minEntropy: 2.5,
  },
  {
    id: 'aws_secret_key',
    description: 'AWS secret access keys: 40 base64 characters next to AWS or secret-key words.',
    keywords: ['aws', 'secret', 'access'],
    pattern: /(?<![A-Za-z0-9/+=])(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
    validate: (s, m, text) => {
      // A 40-character hex string is a SHA-1 (git commit), not a key.
      if (/^[a-f0-9]{40}$/i.test(s) || !/[A-Z]/.test(s) || !/[a-z]/.test(s) || !/\d/.test(s)) return false;
      return AWS_SECRET_CONTEXT.test(text.slice(Math.max(0, m.index - 64), m.index));
    },
    minEntropy: 4,
  },
  {
    id: 'gcp_service_account',
    description: 'Google Cloud service-account key files (private_key_id of a "service_account" JSON).',
    keywords: ['service_account'],
    pattern: /"private_key_id"[ \t]{0,4}:[ \t]{0,4}"(?<secret>[a-f0-9]{40})"/g,
    score: 0.98,
    defaultAction: 'block',
  },
  {
    id: 'gcp_oauth_client_secret',
    description: 'Google OAuth client secrets (GOCSPX-).',
    keywords: ['gocspx-'],
    pattern: /(?<![\w-])(?<secret>GOCSPX-[A-Za-z0-9_-]{28})(?![\w-])/g,
    score: 0.98,
  },
  {
    id: 'google_oauth_token',
    description: 'Google OAuth 2.0 access tokens (ya29.) and refresh tokens (1//).',
    keywords: ['ya29.', '1//0'],
    pattern: /(?<![\w-])(?<secret>ya29\.[A-Za-z0-9_-]{30,300}|1\/\/0[A-Za-z0-9_-]{40,120})(?![\w-])/g,
  },
  {
    id: 'azure_storage_key',
    description: 'Azure Storage account keys in connection strings (AccountKey=…).',
    keywords: ['accountkey='],
    pattern: /AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)/g,
    score: 0.98,
  },
  {
    id: 'azure_sas_token',
    description: 'Azure shared access signatures (sv=…&sig=…).',
    keywords: ['sig='],
    pattern: /[?&]sig=(?<secret>[A-Za-z0-9%+/]{40,90}(?:%3D|=){0,2})/g,
    validate: (_s, m, text) => /[?&]sv=\d{4}-\d{2}-\d{2}/.test(text.slice(Math.max(0, m.index - 300), m.index + 300)),
  },
  {
    id: 'azure_client_secret',
    description: 'Microsoft Entra ID (Azure AD) application client secrets (xxx8Q~…).',
    keywords: ['q~'],
    pattern: /(?<![\w~.-])(?<secret>[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![\w~.-])/g,
    score: 0.9,
  },
  {
    id: 'alibaba_access_key',
    description: 'Alibaba Cloud AccessKey ids (LTAI).',
    keywords: ['ltai'],
    pattern: /(?<![A-Za-z0-9])(?<secret>LTAI[A-Za-z0-9]{12,20})(?![A-Za-z0-9])/g,
  },
  {
    id: 'digitalocean_token',
    description: 'DigitalOcean personal access (dop_v1_), OAuth (doo_v1_) and refresh (dor_v1_) tokens.',
    keywords: ['_v1_'],
    pattern: /(?<![\w-])(?<secret>do[opr]_v1_[a-f0-9]{64})(?![\w-])/g,
    score: 0.98,
  },
  {
    id: 'cloudflare_origin_ca_key',
    description: 'Cloudflare Origin CA keys (v1.0-…).',
    keywords: ['v1.0-'],
    pattern: /(?<![\w-])(?<secret>v1\.0-[a-f0-9]{24}-[a-f0-9]{146})(?![\w-])/g,
    score: 0.95,
  },
  contextRule(
    'cloudflare_api_token',
    'Cloudflare API tokens (40 characters after a Cloudflare name) and global keys (37 hex).',
    ['cloudflare', 'cf_api', 'cf_'],
    'cloudflare|cf_api|cf',
    '[A-Za-z0-9_-]{40}|[a-f0-9]{37}',
  ),
  {
    id: 'heroku_api_key',
    description: 'Heroku platform API keys (HRKU-), and legacy UUID keys after a Heroku name.',
    keywords: ['hrku-', 'heroku'],
    pattern:
      /(?<![\w-])(?<secret>HRKU-[A-Za-z0-9_-]{60})(?![\w-])|heroku[\w.-]{0,30}['"]?[ \t]{0,3}[=:][ \t]{0,3}['"]?(?<legacy>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi,
    validate: (s, m) => (m.groups?.legacy !== undefined ? true : s.startsWith('HRKU-')),
  },
  {
    id: 'vercel_token',
    description:
      'Vercel access tokens (vcp_, vci_, vca_, vcr_, vck_), and legacy 24-character tokens after a Vercel name.',
    keywords: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_', 'vercel'],
    pattern:
      /(?<![\w-])(?<secret>vc[pcikr]_[A-Za-z0-9]{40,70})(?![\w-])|vercel[\w.-]{0,30}['"]?[ \t]{0,3}[=:][ \t]{0,3}['"]?(?<legacy>[A-Za-z0-9]{24})(?![\w-])/gi,
  },
  {
    id: 'netlify_token',
    description: 'Netlify personal access tokens (nfp_), and legacy tokens after a Netlify name.',
    keywords: ['nfp_', 'netlify'],
    pattern:
      /(?<![\w-])(?<secret>nfp_[A-Za-z0-9]{36,40})(?![\w-])|netlify[\w.-]{0,30}['"]?[ \t]{0,3}[=:][ \t]{0,3}['"]?(?<legacy>[A-Za-z0-9_-]{43,45})(?![\w-])/gi,
  },
  {
    id: 'supabase_key',
    description: 'Supabase personal access tokens (sbp_) and secret API keys (sb_secret_).',
    keywords: ['sbp_', 'sb_secret_'],
    pattern: /(?<![\w-])(?<secret>sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{30,60})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'firebase_cloud_messaging_key',
    description: 'Firebase Cloud Messaging legacy server keys (AAAA…:APA91b…).',
    keywords: ['apa91b'],
    pattern: /(?<![\w-])(?<secret>AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{120,160})(?![\w-])/g,
    score: 0.98,
  },
  {
    id: 'databricks_token',
    description: 'Databricks personal access tokens (dapi).',
    keywords: ['dapi'],
    pattern: /(?<![\w-])(?<secret>dapi[a-f0-9]{32}(?:-\d)?)(?![\w-])/g,
  },
  {
    id: 'planetscale_token',
    description: 'PlanetScale service tokens and passwords (pscale_tkn_, pscale_oauth_, pscale_pw_).',
    keywords: ['pscale_'],
    pattern: /(?<![\w-])(?<secret>pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_.-]{32,64})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'pulumi_token',
    description: 'Pulumi access tokens (pul-).',
    keywords: ['pul-'],
    pattern: /(?<![\w-])(?<secret>pul-[a-f0-9]{40})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'fly_io_token',
    description: 'Fly.io access tokens (FlyV1 fm2_…).',
    keywords: ['fm2_', 'fm1r_', 'fm1a_'],
    pattern: /(?<![\w-])(?<secret>fm(?:2|1r|1a)_[A-Za-z0-9+/=_-]{100,400})(?![\w-])/g,
    score: 0.95,
  },
];
