import type { SecretRule } from '../rule.js';
import { contextRule } from '../rule.js';

/** AI model providers' API keys. */

/** Mixed character classes, as random keys have; filters `sk-abcdefgh…` words and hex-only look-alikes. */
function mixed(s: string): boolean {
  return /[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s);
}

export const aiRules: readonly SecretRule[] = [
  {
    id: 'openai_api_key',
    description: 'OpenAI API keys: project, service-account, admin and legacy user keys.',
    keywords: ['sk-'],
    // Prefixed forms (sk-proj-, sk-svcacct-, sk-admin-) and legacy sk- + 48 alphanumerics (with the
    // "T3BlbkFJ" marker in real keys, which we do not require so that reformatted keys still match).
    pattern:
      /(?<![\w-])(?<secret>sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,220}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48}))(?![\w-])/g,
    validate: (s) => (s.includes('T3BlbkFJ') ? 0.98 : mixed(s.slice(3))),
    score: 0.9,
  },
  {
    id: 'anthropic_api_key',
    description: 'Anthropic API and admin keys (sk-ant-api03-…, sk-ant-admin01-…).',
    keywords: ['sk-ant-'],
    pattern: /(?<![\w-])(?<secret>sk-ant-[a-z]{2,10}\d{2}-[A-Za-z0-9_-]{32,120})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'openrouter_api_key',
    description: 'OpenRouter API keys.',
    keywords: ['sk-or-'],
    pattern: /(?<![\w-])(?<secret>sk-or-v1-[a-f0-9]{64})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'deepseek_api_key',
    description: 'DeepSeek API keys (sk- and 32 hex characters).',
    keywords: ['sk-'],
    pattern: /(?<![\w-])(?<secret>sk-[a-f0-9]{32})(?![\w-])/g,
    score: 0.8,
  },
  {
    id: 'google_api_key',
    description: 'Google API keys (Gemini / Google AI Studio, Maps, Firebase web keys): AIza + 35 characters.',
    keywords: ['aiza'],
    pattern: /(?<![\w-])(?<secret>AIza[0-9A-Za-z_-]{35})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'huggingface_token',
    description: 'Hugging Face user access tokens (hf_) and organisation tokens (api_org_).',
    keywords: ['hf_', 'api_org_'],
    pattern: /(?<![\w-])(?<secret>(?:hf_|api_org_)[A-Za-z0-9]{30,40})(?![\w-])/g,
    validate: (s) => /[A-Z]/.test(s) && /[a-z]/.test(s.slice(3)),
  },
  {
    id: 'groq_api_key',
    description: 'Groq API keys (gsk_).',
    keywords: ['gsk_'],
    pattern: /(?<![\w-])(?<secret>gsk_[A-Za-z0-9]{48,56})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'replicate_api_token',
    description: 'Replicate API tokens (r8_).',
    keywords: ['r8_'],
    pattern: /(?<![\w-])(?<secret>r8_[A-Za-z0-9]{37})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'perplexity_api_key',
    description: 'Perplexity API keys (pplx-).',
    keywords: ['pplx-'],
    pattern: /(?<![\w-])(?<secret>pplx-[A-Za-z0-9]{40,56})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'xai_api_key',
    description: 'xAI (Grok) API keys (xai-).',
    keywords: ['xai-'],
    pattern: /(?<![\w-])(?<secret>xai-[A-Za-z0-9]{70,90})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'langsmith_api_key',
    description: 'LangSmith / LangChain API keys (lsv2_pt_, lsv2_sk_).',
    keywords: ['lsv2_'],
    pattern: /(?<![\w-])(?<secret>lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'pinecone_api_key',
    description: 'Pinecone API keys (pcsk_).',
    keywords: ['pcsk_'],
    pattern: /(?<![\w-])(?<secret>pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,80})(?![\w-])/g,
    score: 0.95,
  },
  contextRule(
    'cohere_api_key',
    'Cohere API keys (40 alphanumerics after a Cohere name).',
    ['cohere', 'co_api'],
    'cohere|co_api',
    '[A-Za-z0-9]{40}',
  ),
  contextRule(
    'mistral_api_key',
    'Mistral API keys (32 alphanumerics after a Mistral name).',
    ['mistral'],
    'mistral',
    '[A-Za-z0-9]{32}',
  ),
  contextRule(
    'together_api_key',
    'Together AI API keys (64 hex after a Together name).',
    ['together'],
    'together',
    '[a-f0-9]{64}',
  ),
  contextRule(
    'azure_openai_key',
    'Azure OpenAI / Cognitive Services keys (32 hex after an Azure OpenAI name).',
    ['azure', 'aoai', 'cognitive'],
    'azure_openai|azure-openai|azureopenai|aoai|azure|cognitive',
    '[a-f0-9]{32}|[A-Za-z0-9]{84}',
  ),
];
