// The code the dashboard's "Install" tab shows (docs/contract.md §7 Chatbots): the script tag,
// the `init` call, and backend examples that sign a token in five languages. Plain functions of
// the chatbot's ids, with no React and no TypeBox, so that the dashboard renders them and the
// server's tests run them (packages/server/test/install-snippets.test.ts) — the text a customer
// copies is the text that was tested.

export interface InstallTarget {
  /** The Hilal server's origin, e.g. `https://hilal.example.com` (no trailing slash). */
  readonly serverUrl: string;
  /** `org_…` */
  readonly organizationId: string;
  /** `bot_…` */
  readonly botId: string;
}

/** A value inside a double-quoted HTML attribute. */
const attribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** A value inside a single-quoted JavaScript string in an inline script. */
const jsString = (value: string): string =>
  `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/</g, '\\x3c')}'`;

const origin = (serverUrl: string): string => serverUrl.replace(/\/+$/, '');

/**
 * The simplest embed (docs/contract.md §5): one tag, anonymous visitors. A page that renders a
 * token for its signed-in user may add `data-user-token="…"`.
 */
export function scriptTagSnippet(target: InstallTarget): string {
  return (
    `<script src="${attribute(origin(target.serverUrl))}/chat_v3.js"` +
    ` data-org-id="${attribute(target.organizationId)}"` +
    ` data-bot-id="${attribute(target.botId)}"></script>`
  );
}

/** The one-line stub that queues calls made before chat_v3.js has loaded (README, step 3). */
export const HILAL_STUB =
  '<script>window.HilalChat=window.HilalChat||function(q,s){["init","setUserToken","logout","open","close"].forEach(function(m){s[m]=function(){q.push([m,arguments])}});s.q=q;return s}([],{});</script>';

/**
 * The stub, the script and `HilalChat.init` with this chatbot's ids, asking the host's own
 * endpoint (`/hilal-token`, see the signing examples) for a token of its signed-in user.
 */
export function initSnippet(target: InstallTarget): string {
  return [
    HILAL_STUB,
    `<script async src="${attribute(origin(target.serverUrl))}/chat_v3.js"></script>`,
    '<script>',
    '  HilalChat.init({',
    `    organizationId: ${jsString(target.organizationId)},`,
    `    botId: ${jsString(target.botId)},`,
    '    // Your endpoint that signs a token for the signed-in user (null: anonymous).',
    '    userTokenProvider: async () => {',
    "      const response = await fetch('/hilal-token', { credentials: 'same-origin' });",
    '      return response.ok ? (await response.json()).token : null;',
    '    },',
    '  });',
    '</script>',
  ].join('\n');
}

export type SigningLanguage = 'node' | 'python' | 'php' | 'ruby' | 'go';

export interface SigningExample {
  readonly language: SigningLanguage;
  /** What the dashboard shows as the example's heading, e.g. "Node.js". */
  readonly label: string;
  /** The library, as its users know it, e.g. "jsonwebtoken". */
  readonly library: string;
  /** Where to read about the library. */
  readonly libraryUrl: string;
  /**
   * The code. It reads the secret from the environment variable `HILAL_WIDGET_SECRET` and signs
   * for `user` (`$user`), the signed-in user of the customer's site, with `id`, `name` and
   * `email`; the token ends up in `token` (`$token`). Tokens live ten minutes.
   */
  readonly code: string;
}

/** Backend code that signs a user token for the widget, HS256 with the chatbot's secret. */
export function signingExamples(): readonly SigningExample[] {
  return [
    {
      language: 'node',
      label: 'Node.js',
      library: 'jsonwebtoken',
      libraryUrl: 'https://www.npmjs.com/package/jsonwebtoken',
      code: [
        "const jwt = require('jsonwebtoken'); // npm install jsonwebtoken",
        '',
        '// user: the signed-in user of your site; HILAL_WIDGET_SECRET: this chatbot’s secret.',
        'const token = jwt.sign(',
        '  { sub: String(user.id), name: user.name, email: user.email },',
        '  process.env.HILAL_WIDGET_SECRET,',
        "  { algorithm: 'HS256', expiresIn: '10m' },",
        ');',
      ].join('\n'),
    },
    {
      language: 'python',
      label: 'Python',
      library: 'PyJWT',
      libraryUrl: 'https://pypi.org/project/PyJWT/',
      code: [
        'import os, time',
        'import jwt  # pip install PyJWT',
        '',
        '# user: the signed-in user of your site; HILAL_WIDGET_SECRET: this chatbot’s secret.',
        'token = jwt.encode(',
        '    {"sub": str(user.id), "name": user.name, "email": user.email, "exp": int(time.time()) + 600},',
        '    os.environ["HILAL_WIDGET_SECRET"],',
        '    algorithm="HS256",',
        ')',
      ].join('\n'),
    },
    {
      language: 'php',
      label: 'PHP',
      library: 'firebase/php-jwt',
      libraryUrl: 'https://github.com/firebase/php-jwt',
      code: [
        'use Firebase\\JWT\\JWT; // composer require firebase/php-jwt',
        '',
        '// $user: the signed-in user of your site; HILAL_WIDGET_SECRET: this chatbot’s secret.',
        '$token = JWT::encode(',
        "    ['sub' => (string) $user->id, 'name' => $user->name, 'email' => $user->email, 'exp' => time() + 600],",
        "    getenv('HILAL_WIDGET_SECRET'),",
        "    'HS256'",
        ');',
      ].join('\n'),
    },
    {
      language: 'ruby',
      label: 'Ruby',
      library: 'ruby-jwt',
      libraryUrl: 'https://github.com/jwt/ruby-jwt',
      code: [
        "require 'jwt' # gem install jwt",
        '',
        '# user: the signed-in user of your site; HILAL_WIDGET_SECRET: this chatbot’s secret.',
        'token = JWT.encode(',
        '  { sub: user.id.to_s, name: user.name, email: user.email, exp: Time.now.to_i + 600 },',
        "  ENV.fetch('HILAL_WIDGET_SECRET'),",
        "  'HS256'",
        ')',
      ].join('\n'),
    },
    {
      language: 'go',
      label: 'Go',
      library: 'golang-jwt',
      libraryUrl: 'https://github.com/golang-jwt/jwt',
      code: [
        'import (',
        '\t"os"',
        '\t"time"',
        '',
        '\t// go get github.com/golang-jwt/jwt/v4 (v5 works unchanged as github.com/golang-jwt/jwt/v5)',
        '\t"github.com/golang-jwt/jwt/v4"',
        ')',
        '',
        '// hilalToken signs a token for the signed-in user of your site with this chatbot’s secret.',
        'func hilalToken(id, name, email string) (string, error) {',
        '\tclaims := jwt.MapClaims{"sub": id, "name": name, "email": email, "exp": time.Now().Add(10 * time.Minute).Unix()}',
        '\treturn jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(os.Getenv("HILAL_WIDGET_SECRET")))',
        '}',
      ].join('\n'),
    },
  ];
}
