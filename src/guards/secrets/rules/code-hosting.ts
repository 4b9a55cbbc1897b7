import { crc32TokenValid } from '../checksum.js';
import type { SecretRule } from '../rule.js';
import { contextRule } from '../rule.js';

/** Source hosting, CI and package registries. */

const crcScore = (s: string): number => (crc32TokenValid(s.slice(s.indexOf('_') + 1)) ? 1 : 0.9);

export const codeHostingRules: readonly SecretRule[] = [
  {
    id: 'github_pat',
    description: 'GitHub classic personal access tokens (ghp_), CRC-32 checked.',
    keywords: ['ghp_'],
    pattern: /(?<![\w-])(?<secret>ghp_[A-Za-z0-9]{36})(?![\w-])/g,
    validate: crcScore,
  },
  {
    id: 'github_oauth_token',
    description: 'GitHub OAuth access tokens (gho_).',
    keywords: ['gho_'],
    pattern: /(?<![\w-])(?<secret>gho_[A-Za-z0-9]{36})(?![\w-])/g,
    validate: crcScore,
  },
  {
    id: 'github_app_token',
    description: 'GitHub App user-to-server (ghu_) and installation (ghs_) tokens.',
    keywords: ['ghu_', 'ghs_'],
    pattern: /(?<![\w-])(?<secret>gh[us]_[A-Za-z0-9]{36})(?![\w-])/g,
    validate: crcScore,
  },
  {
    id: 'github_refresh_token',
    description: 'GitHub refresh tokens (ghr_).',
    keywords: ['ghr_'],
    pattern: /(?<![\w-])(?<secret>ghr_[A-Za-z0-9]{36,76})(?![\w-])/g,
  },
  {
    id: 'github_fine_grained_pat',
    description: 'GitHub fine-grained personal access tokens (github_pat_).',
    keywords: ['github_pat_'],
    pattern:
      /(?<![\w-])(?<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}|github_pat_[A-Za-z0-9_]{70,100})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'gitlab_pat',
    description: 'GitLab personal, project and group access tokens (glpat-).',
    keywords: ['glpat-'],
    pattern: /(?<![\w-])(?<secret>glpat-[A-Za-z0-9_-]{20,64})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'gitlab_deploy_token',
    description: 'GitLab deploy tokens (gldt-).',
    keywords: ['gldt-'],
    pattern: /(?<![\w-])(?<secret>gldt-[A-Za-z0-9_-]{20,64})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'gitlab_runner_token',
    description: 'GitLab runner authentication tokens (glrt-) and legacy registration tokens (GR1348941).',
    keywords: ['glrt-', 'gr1348941'],
    pattern: /(?<![\w-])(?<secret>glrt-[A-Za-z0-9_-]{20,64}|GR1348941[A-Za-z0-9_-]{20,40})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'gitlab_pipeline_trigger_token',
    description: 'GitLab pipeline trigger (glptt-), CI build (glcbt-) and feed/OAuth (glft-, gloas-) tokens.',
    keywords: ['glptt-', 'glcbt-', 'glft-', 'gloas-', 'glsoat-'],
    pattern: /(?<![\w-])(?<secret>(?:glptt|glcbt|glft|gloas|glsoat)-[A-Za-z0-9_-]{20,64})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'bitbucket_app_password',
    description: 'Bitbucket app passwords (ATBB).',
    keywords: ['atbb'],
    pattern: /(?<![\w-])(?<secret>ATBB[A-Za-z0-9_=.-]{28,40})(?![\w-])/g,
  },
  {
    id: 'atlassian_api_token',
    description: 'Atlassian (Jira, Confluence, Bitbucket Cloud) API tokens (ATATT3).',
    keywords: ['atatt3'],
    pattern: /(?<![\w-])(?<secret>ATATT3[A-Za-z0-9_=-]{150,220})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'circleci_token',
    description: 'CircleCI personal API tokens (CCIPAT_) and project tokens (CCIPRJ_).',
    keywords: ['ccipat_', 'cciprj_'],
    pattern: /(?<![\w-])(?<secret>CCI(?:PAT|PRJ)_[A-Za-z0-9]{22}_[a-f0-9]{40})(?![\w-])/g,
    score: 0.95,
  },
  contextRule(
    'circleci_legacy_token',
    'CircleCI legacy API tokens (40 hex after a CircleCI name).',
    ['circle'],
    'circleci|circle_token|circle',
    '[a-f0-9]{40}',
  ),
  contextRule(
    'travis_token',
    'Travis CI API tokens (22 characters after a Travis name).',
    ['travis'],
    'travis',
    '[A-Za-z0-9_-]{22}',
  ),
  {
    id: 'npm_token',
    description: 'npm access tokens (npm_), CRC-32 checked.',
    keywords: ['npm_'],
    pattern: /(?<![\w-])(?<secret>npm_[A-Za-z0-9]{36})(?![\w-])/g,
    validate: crcScore,
  },
  {
    id: 'pypi_token',
    description: 'PyPI API tokens (pypi-AgEIcHlwaS5vcmc…).',
    keywords: ['pypi-ageicHlwaS5vcmc'.toLowerCase()],
    pattern: /(?<![\w-])(?<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300})(?![\w-])/g,
    score: 0.98,
  },
  {
    id: 'dockerhub_token',
    description: 'Docker Hub personal access tokens (dckr_pat_) and org tokens (dckr_oat_).',
    keywords: ['dckr_'],
    pattern: /(?<![\w-])(?<secret>dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,40})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'rubygems_api_key',
    description: 'RubyGems API keys (rubygems_).',
    keywords: ['rubygems_'],
    pattern: /(?<![\w-])(?<secret>rubygems_[a-f0-9]{48})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'nuget_api_key',
    description: 'NuGet API keys (oy2 + 43 characters).',
    keywords: ['oy2'],
    pattern: /(?<![\w-])(?<secret>oy2[a-z0-9]{43})(?![\w-])/g,
    validate: (_s, _m, text) => /nuget/i.test(text),
  },
  {
    id: 'clojars_token',
    description: 'Clojars deploy tokens (CLOJARS_).',
    keywords: ['clojars_'],
    pattern: /(?<![\w-])(?<secret>CLOJARS_[a-z0-9]{60})(?![\w-])/g,
    score: 0.95,
  },
  {
    id: 'postman_api_key',
    description: 'Postman API keys (PMAK-).',
    keywords: ['pmak-'],
    pattern: /(?<![\w-])(?<secret>PMAK-[a-f0-9]{24}-[a-f0-9]{34})(?![\w-])/g,
    score: 0.98,
  },
  {
    id: 'sonarqube_token',
    description: 'SonarQube / SonarCloud tokens (squ_, sqp_, sqa_).',
    keywords: ['squ_', 'sqp_', 'sqa_'],
    pattern: /(?<![\w-])(?<secret>sq[upa]_[a-f0-9]{40})(?![\w-])/g,
    score: 0.95,
  },
];
