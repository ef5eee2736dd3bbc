import type { Responder } from '../chat/responder/responder.js';
import type { Metrics } from './metrics.js';

/** The responder, with the time each reply takes recorded in `hilal_reply_duration_seconds`. */
export function timedResponder(responder: Responder, metrics: Metrics): Responder {
  return {
    // Passed through: the reply service reads no history for a responder that needs none.
    ...(responder.needsHistory !== undefined && { needsHistory: responder.needsHistory }),
    async reply(context, sink, signal) {
      const stop = metrics.replySeconds.startTimer();
      try {
        const reply = await responder.reply(context, sink, signal);
        stop({ outcome: 'ok' });
        return reply;
      } catch (error) {
        stop({ outcome: 'error' });
        throw error;
      }
    },
  };
}
