// `chat_v3.js` on the wire: what the server sends to a browser that accepts compression (the
// Accept-Encoding Chromium sends), against the same file sent as is. The body's bytes as they
// travel, not decoded.
import { createDatabase } from '../support/databases.mjs';
import { hilalCli, hilalEnv, startHilal } from '../support/hilal.mjs';
import { request } from '../support/http.mjs';

const CHROMIUM_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

export default {
  id: 'widget-bytes',
  method: `**\`chat_v3.js\` bytes on the wire**: the body of \`GET /chat_v3.js\` from \`hilal serve\`, as sent (not decoded), with \`Accept-Encoding: ${CHROMIUM_ACCEPT_ENCODING}\` as Chromium sends it, and with \`Accept-Encoding: gzip\` alone, against the same request without \`Accept-Encoding\`. Deterministic: one request each.`,
  async run() {
    const database = await createDatabase('sqlite');
    const env = hilalEnv(database);
    await hilalCli(['migrate'], env);
    const hilal = await startHilal(env);
    try {
      const get = async (acceptEncoding) => {
        const res = await request(`${hilal.url}/chat_v3.js`, {
          headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
          raw: true,
        });
        if (res.status !== 200) throw new Error(`GET /chat_v3.js: ${res.status}`);
        return { bytes: res.body.length, encoding: res.headers['content-encoding'] ?? 'identity' };
      };
      const chromium = await get(CHROMIUM_ACCEPT_ENCODING);
      const gzipOnly = await get('gzip');
      const plain = await get(undefined);
      const row = (what, sent) => ({
        measure: `\`chat_v3.js\` bytes on the wire, ${what} (sent as ${sent.encoding})`,
        baseline: 'the file uncompressed',
        unit: 'bytes',
        hilal: sent.bytes,
        against: plain.bytes,
        vs: 'ratio',
      });
      return {
        rows: [
          { ...row('Chromium', chromium), goal: { on: 'hilal', at: 'most', limit: 11_500 } },
          row('gzip-only client', gzipOnly),
        ],
      };
    } finally {
      await hilal.stop();
      await database.drop();
    }
  },
};
