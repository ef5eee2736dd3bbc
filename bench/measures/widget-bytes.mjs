// `chat_v3.js` on the wire: what the server sends to a browser that accepts compression (the
// Accept-Encoding Chromium sends), against the same file sent as is. The body's bytes as they
// travel, not decoded.
import { createDatabase } from '../support/databases.mjs';
import { hilalCli, hilalEnv, startHilal } from '../support/hilal.mjs';
import { request } from '../support/http.mjs';

const CHROMIUM_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

export default {
  id: 'widget-bytes',
  method: `**\`chat_v3.js\` bytes on the wire**: the body of \`GET /chat_v3.js\` from \`hilal serve\`, as sent (not decoded), with \`Accept-Encoding: ${CHROMIUM_ACCEPT_ENCODING}\` as Chromium sends it, against the same request without \`Accept-Encoding\`. Deterministic: one request each.`,
  async run() {
    const database = await createDatabase('sqlite');
    const env = hilalEnv(database);
    await hilalCli(['migrate'], env);
    const hilal = await startHilal(env);
    try {
      const compressed = await request(`${hilal.url}/chat_v3.js`, {
        headers: { 'accept-encoding': CHROMIUM_ACCEPT_ENCODING },
        raw: true,
      });
      const plain = await request(`${hilal.url}/chat_v3.js`, { raw: true });
      if (compressed.status !== 200 || plain.status !== 200) {
        throw new Error(`GET /chat_v3.js: ${compressed.status}, ${plain.status}`);
      }
      const encoding = compressed.headers['content-encoding'] ?? 'identity';
      return {
        rows: [
          {
            measure: `\`chat_v3.js\` bytes on the wire (sent as ${encoding})`,
            baseline: 'the file uncompressed',
            unit: 'bytes',
            hilal: compressed.body.length,
            against: plain.body.length,
            vs: 'ratio',
            goal: { on: 'hilal', at: 'most', limit: 11_500 },
          },
        ],
      };
    } finally {
      await hilal.stop();
      await database.drop();
    }
  },
};
