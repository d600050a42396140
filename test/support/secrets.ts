// Fake secrets of every kind ccotel must redact, generated from a seed (no literal secret in the
// repository), each with the context it is typed in. `secret` is the part that must never appear in
// anything ccotel or the collector writes; `text` is how a user would type it.

export interface PlantedSecret {
  kind: string;
  /** The secret bytes themselves (what a search of the output must never find). */
  secret: string;
  /** A command or text fragment carrying it. */
  text: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = UPPER + 'abcdefghijklmnopqrstuvwxyz0123456789';
const B64 = ALNUM + '+/';

export class SecretFactory {
  private r: () => number;
  constructor(seed = 1) {
    this.r = rng(seed);
  }
  s(n: number, chars = ALNUM): string {
    let out = '';
    for (let i = 0; i < n; i++) out += chars[Math.floor(this.r() * chars.length)];
    return out;
  }
  /** A password: letters and digits, always starting the same way so tests can find leftovers. */
  pw(): string {
    return 'Pw9' + this.s(15);
  }

  /** One planted secret of each kind; call again for new, distinct values. */
  all(): PlantedSecret[] {
    const t = (kind: string, secret: string, text: string): PlantedSecret => ({ kind, secret, text });
    const anthropic = `sk-ant-api03-${this.s(80)}`;
    const openai = `sk-proj-${this.s(64)}`;
    const akid = `AKIA${this.s(16, UPPER + '0123456789')}`;
    const awsSecret = this.s(40, B64);
    const awsSecret2 = this.s(40, B64);
    const ghp = `ghp_${this.s(36)}`;
    const ghPat = `github_pat_${this.s(22)}_${this.s(59)}`;
    const glpat = `glpat-${this.s(20)}`;
    const slack = `xoxb-${this.s(12, '0123456789')}-${this.s(13, '0123456789')}-${this.s(24)}`;
    const hook = `T${this.s(8, UPPER)}/B${this.s(8, UPPER)}/${this.s(24)}`;
    const stripe = `sk_live_${this.s(24)}`;
    const google = `AIza${this.s(35)}`;
    const npm = `npm_${this.s(36)}`;
    const pypi = `pypi-AgEIcHlwaS5vcmc${this.s(60)}`;
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJ${this.s(40)}.${this.s(43)}`;
    const keyBody = this.s(64, B64);
    const pgPw = this.pw();
    const bearer = this.s(40);
    const basic = this.s(24, B64) + '==';
    const dbPass = this.pw();
    const apiToken = this.pw();
    const password = this.pw();
    const flagPw = this.pw();
    const mysqlPw = this.pw();
    const curlPw = this.pw();
    const xApiKey = `sk_live_${this.s(24)}`;
    const apiKeyHeader = this.s(32);
    const npmAuth = this.s(40, '0123456789abcdef');
    return [
      t('anthropic-key', anthropic, `ANTHROPIC_BASE=x claude-cli --verbose ${anthropic}`),
      t('openai-key', openai, `python call.py ${openai}`),
      t('aws-access-key', akid, `aws sts get-caller-identity # ${akid}`),
      t('aws-secret-key', awsSecret, `aws configure set aws_secret_access_key ${awsSecret}`),
      t('aws-secret-key', awsSecret2, `export AWS_SECRET_ACCESS_KEY=${awsSecret2}`),
      t('github-token', ghp, `git clone https://github.com/acme/app.git && echo ${ghp}`),
      t('github-token', ghPat, `gh api user --hostname github.com ${ghPat}`),
      t('gitlab-token', glpat, `glab auth login ${glpat}`),
      t('slack-token', slack, `node notify.js ${slack}`),
      t('slack-webhook', hook, `curl -X POST https://hooks.slack.com/services/${hook} -d '{"text":"hi"}'`),
      t('stripe-key', stripe, `stripe charges list ${stripe}`),
      t('google-api-key', google, `curl "https://maps.googleapis.com/maps/api/geocode/json?address=x&k=${google}"`),
      t('npm-token', npm, `npm config set //registry.npmjs.org/:_authToken ${npm}`),
      t('pypi-token', pypi, `twine upload dist/* ${pypi}`),
      t('jwt', jwt, `node verify.js ${jwt}`),
      t('private-key', keyBody, `printf '%s' "-----BEGIN RSA PRIVATE KEY-----\n${keyBody}\n-----END RSA PRIVATE KEY-----" > k`),
      t('url-password', pgPw, `psql postgres://admin:${pgPw}@db.example.com:5432/app -c 'select 1'`),
      t('authorization', bearer, `curl -H "Authorization: Bearer ${bearer}" https://api.example.com/v1/me`),
      t('authorization', basic, `curl -H 'Authorization: Basic ${basic}' https://api.example.com/v1/me`),
      t('secret-assignment', dbPass, `DB_PASS=${dbPass} node migrate.js`),
      t('secret-assignment', apiToken, `API_TOKEN="${apiToken}" ./deploy.sh`),
      t('secret-assignment', password, `PASSWORD=${password} make seed`),
      t('secret-flag', flagPw, `pg_dump --password ${flagPw} app > dump.sql`),
      t('password-flag', mysqlPw, `mysql -u root -p${mysqlPw} app -e 'select 1'`),
      t('basic-auth', curlPw, `curl -u deploy:${curlPw} https://ci.example.com/job/build`),
      t('api-key-header', xApiKey, `curl -H "X-Api-Key: ${xApiKey}" https://api.example.com/items`),
      t('api-key-header', apiKeyHeader, `curl -H 'api-key: ${apiKeyHeader}' https://search.example.com/`),
      t('config-secret', npmAuth, `npm config set //npm.example.com/:_authToken ${npmAuth}`),
    ];
  }
}
