import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { newId } from '../ids.js';
import { type SecretCipher, secretContext } from '../secrets/secret-cipher.js';
import {
  generateWidgetSecret,
  maskedPreview,
  pendingExpiresAt,
  previewTail,
} from '../secrets/widget-secret.js';
import {
  activatePendingSecret,
  deletePendingSecret,
  findSecretsForStatus,
  insertPendingSecret,
  retireActiveSecret,
} from '../secrets/widget-secrets-repository.js';
import { findChatbot } from './chatbots-repository.js';

export type SecretState = 'own' | 'environment' | 'not_configured';

export interface SecretStatus {
  readonly state: SecretState;
  /** Masked, e.g. `••••c21e`; only for a bot's own secret. */
  readonly preview: string | null;
  readonly rotatedAt: number | null;
  readonly rotatedBy: string | null;
  /** A regenerated secret waits for Save (and verifies meanwhile, docs/contract.md §3). */
  readonly pending: boolean;
  /** The pending secret's masked preview; null without one. */
  readonly pendingPreview: string | null;
  /** When the pending secret is dropped unless saved (epoch ms, 24 hours after Regenerate). */
  readonly pendingExpiresAt: number | null;
}

export interface GeneratedSecret {
  /** The full secret: returned here, once, and never again. */
  readonly secret: string;
  readonly preview: string;
}

export interface WidgetSecretService {
  /**
   * Regenerate: a new pending secret, replacing any earlier pending one. Its tokens verify at
   * once, beside the active secret's, for 24 hours or until `save` or `cancel`.
   */
  regenerate(organizationId: string, chatbotId: string, actor: string): Promise<GeneratedSecret>;
  /** Save: the pending secret becomes active; tokens signed with the old one fail from now on. */
  save(organizationId: string, chatbotId: string, actor: string): Promise<SecretStatus>;
  /** Cancel: the pending secret is dropped; its tokens fail and its sessions end from now on. */
  cancel(organizationId: string, chatbotId: string, actor: string): Promise<SecretStatus>;
  /** Regenerate and save at once (the command line). */
  rotate(organizationId: string, chatbotId: string, actor: string): Promise<GeneratedSecret>;
  /** Clear: the bot's own secret (and any pending one) is removed. */
  clear(organizationId: string, chatbotId: string, actor: string): Promise<SecretStatus>;
  status(organizationId: string, chatbotId: string): Promise<SecretStatus>;
}

export function createWidgetSecretService(deps: {
  db: Kysely<Database>;
  cipher: SecretCipher;
  envSecretConfigured: boolean;
  now: () => number;
  /**
   * Called after every change of which secrets verify a bot's tokens — regenerate, save, cancel,
   * clear — so the signing-key cache drops them and live streams re-check their sessions.
   */
  onChange?: (organizationId: string, chatbotId: string) => void;
}): WidgetSecretService {
  const { db, cipher, now } = deps;

  async function requireBot(organizationId: string, chatbotId: string) {
    const bot = await findChatbot(db, organizationId, chatbotId);
    if (bot === undefined) throw new HilalError('bot_not_found');
  }

  // The steps below assume the bot was found in the organization; the service methods check
  // that once each, then compose them.
  async function createPending(organizationId: string, chatbotId: string, actor: string) {
    const secret = generateWidgetSecret();
    const id = newId('wsk');
    const ciphertext = cipher.encrypt(secret, secretContext(chatbotId, id));
    const preview = previewTail(secret);
    await insertPendingSecret(
      db,
      {
        id,
        organization_id: organizationId,
        chatbot_id: chatbotId,
        ciphertext,
        preview,
        created_by: actor,
      },
      now(),
    );
    return { secret, preview: maskedPreview(preview) };
  }

  async function activatePending(organizationId: string, chatbotId: string, actor: string) {
    if (!(await activatePendingSecret(db, organizationId, chatbotId, actor, now()))) {
      throw new HilalError('no_pending_secret');
    }
  }

  async function statusOf(organizationId: string, chatbotId: string): Promise<SecretStatus> {
    const rows = await findSecretsForStatus(db, organizationId, chatbotId);
    const active = rows.find((row) => row.state === 'active');
    // Past its 24 hours a pending secret is gone, whether or not its row is tidied up yet.
    const nowMs = now();
    const pendingRow = rows.find(
      (row) => row.state === 'pending' && pendingExpiresAt(row.created_at) > nowMs,
    );
    const pending = {
      pending: pendingRow !== undefined,
      pendingPreview: pendingRow ? maskedPreview(pendingRow.preview) : null,
      pendingExpiresAt: pendingRow ? pendingExpiresAt(pendingRow.created_at) : null,
    };
    if (active !== undefined) {
      return {
        state: 'own',
        preview: maskedPreview(active.preview),
        rotatedAt: active.activated_at,
        rotatedBy: active.activated_by,
        ...pending,
      };
    }
    const state = deps.envSecretConfigured ? 'environment' : 'not_configured';
    return { state, preview: null, rotatedAt: null, rotatedBy: null, ...pending };
  }

  return {
    async regenerate(organizationId, chatbotId, actor) {
      await requireBot(organizationId, chatbotId);
      const generated = await createPending(organizationId, chatbotId, actor);
      // The new secret verifies from now on; one it replaced, and its sessions, no longer do.
      deps.onChange?.(organizationId, chatbotId);
      return generated;
    },

    async save(organizationId, chatbotId, actor) {
      await requireBot(organizationId, chatbotId);
      await activatePending(organizationId, chatbotId, actor);
      deps.onChange?.(organizationId, chatbotId);
      return statusOf(organizationId, chatbotId);
    },

    async cancel(organizationId, chatbotId, actor) {
      await requireBot(organizationId, chatbotId);
      if (!(await deletePendingSecret(db, organizationId, chatbotId, actor, now()))) {
        throw new HilalError('no_pending_secret');
      }
      deps.onChange?.(organizationId, chatbotId);
      return statusOf(organizationId, chatbotId);
    },

    async rotate(organizationId, chatbotId, actor) {
      await requireBot(organizationId, chatbotId);
      const generated = await createPending(organizationId, chatbotId, actor);
      await activatePending(organizationId, chatbotId, actor);
      deps.onChange?.(organizationId, chatbotId);
      return generated;
    },

    async clear(organizationId, chatbotId, actor) {
      await requireBot(organizationId, chatbotId);
      await retireActiveSecret(db, organizationId, chatbotId, actor, now());
      deps.onChange?.(organizationId, chatbotId);
      return statusOf(organizationId, chatbotId);
    },

    async status(organizationId, chatbotId) {
      await requireBot(organizationId, chatbotId);
      return statusOf(organizationId, chatbotId);
    },
  };
}
