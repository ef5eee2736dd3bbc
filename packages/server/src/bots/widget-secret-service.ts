import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { HilalError } from '../errors.js';
import { newId } from '../ids.js';
import { type SecretCipher, secretContext } from '../secrets/secret-cipher.js';
import { generateWidgetSecret, maskedPreview, previewTail } from '../secrets/widget-secret.js';
import {
  activatePendingSecret,
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
  /** A regenerated secret waits for Save. */
  readonly pending: boolean;
}

export interface GeneratedSecret {
  /** The full secret: returned here, once, and never again. */
  readonly secret: string;
  readonly preview: string;
}

export interface WidgetSecretService {
  /** Regenerate: a new pending secret; the old one stays active until `save`. */
  regenerate(organizationId: string, chatbotId: string, actor: string): Promise<GeneratedSecret>;
  /** Save: the pending secret becomes active; tokens signed with the old one fail from now on. */
  save(organizationId: string, chatbotId: string, actor: string): Promise<SecretStatus>;
  /** Regenerate and save at once (the command line). */
  rotate(organizationId: string, chatbotId: string, actor: string): Promise<GeneratedSecret>;
  clear(organizationId: string, chatbotId: string): Promise<SecretStatus>;
  status(organizationId: string, chatbotId: string): Promise<SecretStatus>;
}

export function createWidgetSecretService(deps: {
  db: Kysely<Database>;
  cipher: SecretCipher;
  envSecretConfigured: boolean;
  now: () => number;
  /** Called after every change of a bot's secrets (the signing-key cache and live streams listen). */
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
    deps.onChange?.(organizationId, chatbotId);
  }

  async function statusOf(organizationId: string, chatbotId: string): Promise<SecretStatus> {
    const rows = await findSecretsForStatus(db, organizationId, chatbotId);
    const active = rows.find((row) => row.state === 'active');
    const pending = rows.some((row) => row.state === 'pending');
    if (active !== undefined) {
      return {
        state: 'own',
        preview: maskedPreview(active.preview),
        rotatedAt: active.activated_at,
        rotatedBy: active.activated_by,
        pending,
      };
    }
    const state = deps.envSecretConfigured ? 'environment' : 'not_configured';
    return { state, preview: null, rotatedAt: null, rotatedBy: null, pending };
  }

  return {
    async regenerate(organizationId, chatbotId, actor) {
      await requireBot(organizationId, chatbotId);
      return createPending(organizationId, chatbotId, actor);
    },

    async save(organizationId, chatbotId, actor) {
      await requireBot(organizationId, chatbotId);
      await activatePending(organizationId, chatbotId, actor);
      return statusOf(organizationId, chatbotId);
    },

    async rotate(organizationId, chatbotId, actor) {
      await requireBot(organizationId, chatbotId);
      const generated = await createPending(organizationId, chatbotId, actor);
      await activatePending(organizationId, chatbotId, actor);
      return generated;
    },

    async clear(organizationId, chatbotId) {
      await requireBot(organizationId, chatbotId);
      await retireActiveSecret(db, organizationId, chatbotId, now());
      deps.onChange?.(organizationId, chatbotId);
      return statusOf(organizationId, chatbotId);
    },

    async status(organizationId, chatbotId) {
      await requireBot(organizationId, chatbotId);
      return statusOf(organizationId, chatbotId);
    },
  };
}
