import { base62, crc32 } from '../../../src/guards/text/checksums.js';

/** Deterministic pseudo-random strings for building well-formed sample tokens (not real credentials). */
export function rnd(n: number, alphabet: string, seed = 7): string {
  let x = seed >>> 0 || 1;
  let s = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
export const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const LOWER_NUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const B64 = `${ALNUM}+/`;
export const B64URL = `${ALNUM}_-`;

export const a = (n: number, seed?: number): string => rnd(n, ALNUM, seed);
export const h = (n: number, seed?: number): string => rnd(n, HEX, seed);

/** GitHub/npm style: prefix + 30 random + base62(CRC-32 of the 30), 6 wide. */
export function crcToken(prefix: string, seed = 11): string {
  const body = a(30, seed);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}

/**
 * One well-formed sample per rule: [rule id, text around it, the secret span expected]. The text gives the
 * context words that context-only rules need.
 */
export const SAMPLES: readonly [string, string, string][] = (() => {
  const s: [string, string, string][] = [];
  const add = (id: string, secret: string, before = 'key: ', after = '\n'): void => {
    s.push([id, `${before}${secret}${after}`, secret]);
  };
  add('openai_api_key', `sk-proj-${a(60, 1)}`);
  add('openai_api_key', `sk-${a(20, 2)}T3BlbkFJ${a(20, 3)}`);
  add('anthropic_api_key', `sk-ant-api03-${rnd(93, B64URL, 4)}AA`);
  add('openrouter_api_key', `sk-or-v1-${h(64, 5)}`);
  add('deepseek_api_key', `sk-${h(32, 6)}`);
  add('google_api_key', `AIza${rnd(35, B64URL, 7)}`);
  add('huggingface_token', `hf_${rnd(34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 8)}`);
  add('groq_api_key', `gsk_${a(52, 9)}`);
  add('replicate_api_token', `r8_${a(37, 10)}`);
  add('perplexity_api_key', `pplx-${a(48, 11)}`);
  add('xai_api_key', `xai-${a(80, 12)}`);
  add('langsmith_api_key', `lsv2_pt_${h(32, 13)}_${h(10, 14)}`);
  add('pinecone_api_key', `pcsk_${a(6, 15)}_${a(63, 16)}`);
  add('cohere_api_key', a(40, 17), 'COHERE_API_KEY=');
  add('mistral_api_key', a(32, 18), 'MISTRAL_API_KEY = "', '"');
  add('together_api_key', h(64, 19), 'together_api_key: ');
  add('azure_openai_key', h(32, 20), 'AZURE_OPENAI_API_KEY=');
  add('github_pat', crcToken('ghp_', 21));
  add('github_oauth_token', crcToken('gho_', 22));
  add('github_app_token', crcToken('ghs_', 23));
  add('github_refresh_token', `ghr_${a(76, 24)}`);
  add('github_fine_grained_pat', `github_pat_${a(22, 25)}_${a(59, 26)}`);
  add('gitlab_pat', `glpat-${rnd(20, B64URL, 27)}`);
  add('gitlab_deploy_token', `gldt-${rnd(20, B64URL, 28)}`);
  add('gitlab_runner_token', `glrt-${rnd(20, B64URL, 29)}`);
  add('gitlab_pipeline_trigger_token', `glptt-${h(40, 30)}`);
  add('bitbucket_app_password', `ATBB${a(32, 31)}`);
  add('atlassian_api_token', `ATATT3${rnd(186, B64URL, 32)}`);
  add('circleci_token', `CCIPAT_${a(22, 33)}_${h(40, 34)}`);
  add('circleci_legacy_token', h(40, 35), 'CIRCLECI_TOKEN=');
  add('travis_token', a(22, 36), 'travis_api_token: ');
  add('npm_token', crcToken('npm_', 37));
  add('pypi_token', `pypi-AgEIcHlwaS5vcmc${rnd(70, B64URL, 38)}`);
  add('dockerhub_token', `dckr_pat_${rnd(27, B64URL, 39)}`);
  add('rubygems_api_key', `rubygems_${h(48, 40)}`);
  add('nuget_api_key', `oy2${rnd(43, LOWER_NUM, 41)}`, 'nuget push -k ');
  add('clojars_token', `CLOJARS_${rnd(60, LOWER_NUM, 42)}`);
  add('postman_api_key', `PMAK-${h(24, 43)}-${h(34, 44)}`);
  add('sonarqube_token', `squ_${h(40, 45)}`);
  add('aws_access_key', `AKIA${rnd(16, UPPER_NUM, 46)}`);
  add('aws_secret_key', rnd(40, B64, 47), 'aws_secret_access_key = ');
  add('gcp_service_account', h(40, 48), '{"type": "service_account", "private_key_id": "', '"}');
  add('gcp_oauth_client_secret', `GOCSPX-${rnd(28, B64URL, 49)}`);
  add('google_oauth_token', `ya29.${rnd(120, B64URL, 50)}`);
  add(
    'azure_storage_key',
    `${rnd(86, B64, 51)}==`,
    'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=',
    ';EndpointSuffix=core.windows.net',
  );
  add(
    'azure_sas_token',
    `${rnd(43, ALNUM, 52)}%3D`,
    'https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sp=r&se=2030-01-01&sig=',
    ' ',
  );
  add('azure_client_secret', `${a(3, 53)}8Q~${rnd(34, `${ALNUM}_~.`, 54)}`);
  add('alibaba_access_key', `LTAI${a(20, 55)}`);
  add('digitalocean_token', `dop_v1_${h(64, 56)}`);
  add('cloudflare_origin_ca_key', `v1.0-${h(24, 57)}-${h(146, 58)}`);
  add('cloudflare_api_token', rnd(40, B64URL, 59), 'CLOUDFLARE_API_TOKEN=');
  add('heroku_api_key', `HRKU-${rnd(60, B64URL, 60)}`);
  add('vercel_token', `vcp_${a(56, 61)}`);
  add('netlify_token', `nfp_${a(36, 62)}`);
  add('supabase_key', `sbp_${h(40, 63)}`);
  add('firebase_cloud_messaging_key', `AAAA${rnd(7, B64URL, 64)}:APA91b${rnd(134, B64URL, 65)}`);
  add('databricks_token', `dapi${h(32, 66)}`);
  add('planetscale_token', `pscale_tkn_${rnd(43, B64URL, 67)}`);
  add('pulumi_token', `pul-${h(40, 68)}`);
  add('fly_io_token', `fm2_${rnd(200, B64, 69)}`);
  add('slack_token', `xoxb-${rnd(12, '0123456789', 70)}-${rnd(13, '0123456789', 71)}-${a(24, 72)}`);
  add('slack_app_token', `xapp-1-A${rnd(10, UPPER_NUM, 73)}-${rnd(13, '0123456789', 74)}-${h(64, 75)}`);
  add(
    'slack_webhook',
    `https://hooks.slack.com/services/T${rnd(8, UPPER_NUM, 76)}/B${rnd(10, UPPER_NUM, 77)}/${a(24, 78)}`,
    'url ',
  );
  add(
    'discord_webhook',
    `https://discord.com/api/webhooks/${rnd(18, '0123456789', 79)}/${rnd(68, B64URL, 80)}`,
    'hook ',
  );
  add('discord_bot_token', `MT${a(24, 81)}.${a(6, 82)}.${rnd(38, B64URL, 83)}`, 'DISCORD_BOT_TOKEN=');
  add(
    'teams_webhook',
    `https://acme.webhook.office.com/webhookb2/${rnd(36, HEX, 84)}@${rnd(36, HEX, 85)}/IncomingWebhook/${h(32, 86)}/${rnd(36, HEX, 87)}`,
    'url ',
  );
  add('telegram_bot_token', `${rnd(10, '0123456789', 88)}:AA${rnd(33, B64URL, 89)}`);
  add('stripe_secret_key', `sk_live_${a(99, 90)}`);
  add('stripe_restricted_key', `rk_live_${a(99, 91)}`);
  add('stripe_webhook_secret', `whsec_${a(32, 92)}`);
  add('square_token', `sq0atp-${rnd(22, B64URL, 93)}`);
  add('braintree_access_token', `access_token$production$${rnd(16, LOWER_NUM, 94)}$${h(32, 95)}`);
  add('twilio_api_key', `SK${h(32, 96)}`);
  add('sendgrid_api_key', `SG.${rnd(22, B64URL, 97)}.${rnd(43, B64URL, 98)}`);
  add('mailgun_api_key', `key-${h(32, 99)}`);
  add('mailchimp_api_key', `${h(32, 100)}-us14`);
  add('brevo_api_key', `xkeysib-${h(64, 101)}-${a(16, 102)}`);
  add('postmark_token', `${h(8, 103)}-${h(4, 104)}-${h(4, 105)}-${h(4, 106)}-${h(12, 107)}`, 'POSTMARK_SERVER_TOKEN=');
  add('shopify_token', `shpat_${h(32, 108)}`);
  add('linear_api_key', `lin_api_${a(40, 109)}`);
  add('notion_token', `ntn_${rnd(11, '0123456789', 110)}${a(35, 111)}`);
  add('airtable_token', `pat${a(14, 112)}.${h(64, 113)}`);
  add('hubspot_token', `pat-na1-${h(8, 114)}-${h(4, 115)}-${h(4, 116)}-${h(4, 117)}-${h(12, 118)}`);
  add('contentful_token', `CFPAT-${rnd(43, B64URL, 119)}`);
  add('typeform_token', `tfp_${rnd(59, B64URL, 120)}`);
  add('datadog_api_key', h(32, 121), 'DD_API_KEY=');
  add('new_relic_key', `NRAK-${rnd(27, UPPER_NUM, 122)}`);
  add('sentry_dsn', `sntrys_${rnd(120, B64URL, 123)}`);
  add('grafana_token', `glsa_${a(32, 124)}_${h(8, 125)}`);
  add('dynatrace_token', `dt0c01.${rnd(24, UPPER_NUM, 126)}.${rnd(64, UPPER_NUM, 127)}`);
  add('twitter_bearer_token', `AAAAAAAAAAAAAAAAAAAAA${a(80, 128)}`, 'bearer token ');
  add('mapbox_secret_token', `sk.eyJ${rnd(60, B64URL, 129)}.${rnd(22, B64URL, 130)}`);
  add('easypost_api_key', `EZAK${a(54, 131)}`);
  add('shippo_api_token', `shippo_live_${h(40, 132)}`);
  add('flutterwave_key', `FLWSECK_TEST-${rnd(32, 'abcdefgh0123456789', 133)}-X`);
  add('readme_api_key', `rdme_${rnd(70, LOWER_NUM, 134)}`);
  add('prefect_api_key', `pnu_${a(36, 135)}`);
  add('frameio_token', `fio-u-${rnd(64, B64URL, 136)}`);
  add('okta_api_token', `00${rnd(40, B64URL, 137)}`, 'OKTA_API_TOKEN=');
  add('algolia_api_key', h(32, 138), 'ALGOLIA_ADMIN_KEY=');
  add('asana_token', `1/${rnd(16, '0123456789', 139)}:${h(32, 140)}`, 'ASANA_PAT=');
  add('vault_token', `hvs.${rnd(90, B64URL, 141)}`);
  add('terraform_cloud_token', `${a(14, 142)}.atlasv1.${rnd(67, B64URL, 143)}`);
  add('doppler_token', `dp.pt.${a(43, 144)}`);
  add('onepassword_token', `ops_eyJ${rnd(300, B64URL, 145)}`);
  add('age_secret_key', `AGE-SECRET-KEY-1${rnd(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 146)}`);
  add('infisical_token', `st.${h(24, 147)}.${h(32, 148)}.${h(32, 149)}`);
  return s;
})();
