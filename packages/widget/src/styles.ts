// All of the widget's CSS. It lives inside the shadow root, so nothing here reaches the host
// page; `:host { all: initial }` stops the page's inherited styles from reaching in, except
// where the page gives the host element `!important` ones (`* { letter-spacing: 3px !important }`
// wins over `:host`): `.root` resets them again, where no page selector can reach. Each line
// ends in `\`, a line continuation: the rules are one line in chat_v3.js, bytes the wire spares.
// Two sheets: the launcher's, with every page load, and the panel's, with the panel on first
// open (most visitors never open it; a page load parses and matches fewer rules).
import { WIDGET_DEFAULTS } from '@hilal/contract/widget-defaults';

export const STYLES = `\
:host{all:initial}\
*,::before,::after{box-sizing:border-box}\
.root{all:initial;box-sizing:border-box;--accent:${WIDGET_DEFAULTS.color};position:fixed;bottom:20px;right:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;pointer-events:none;text-align:left}\
.root>*{pointer-events:auto}\
.root[data-position=left]{right:auto;left:20px;align-items:flex-start}\
button{font:inherit;color:inherit;cursor:pointer;border:0;background:none;margin:0;padding:0}\
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}\
svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}\
.launcher{position:relative;width:56px;height:56px;border-radius:50%;background:var(--accent);color:#fff;display:grid;place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}\
.launcher svg{width:26px;height:26px}\
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:600;line-height:20px;text-align:center}\
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}\
[hidden]{display:none}\
`;

/** The panel's rules; `[hidden]` again last, over the `display` of `.typing`, `form`, `.meta`…. */
export const PANEL_STYLES = `\
.panel{order:-1;width:370px;height:min(600px,calc(100vh - 110px));background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.22);display:flex;flex-direction:column;overflow:hidden}\
.head{background:var(--accent);color:#fff;padding:12px 12px 12px 16px;display:flex;align-items:center;gap:8px}\
h2{flex:1;margin:0;font-size:16px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\
.close{width:32px;height:32px;border-radius:8px;display:grid;place-items:center}\
.close:hover{background:rgba(255,255,255,.16)}\
.close:focus-visible{outline-color:#fff}\
.body{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:16px;display:flex;flex-direction:column;gap:8px;background:#f9fafb}\
ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}\
.msg{display:flex;flex-direction:column;align-items:flex-start;max-width:85%}\
.msg[data-author=visitor]{align-self:flex-end;align-items:flex-end}\
.bubble{margin:0;padding:8px 12px;border-radius:14px;background:#fff;border:1px solid #e5e7eb;white-space:pre-wrap;overflow-wrap:anywhere}\
.welcome{align-self:flex-start;max-width:85%}\
.msg[data-author=visitor] .bubble{background:var(--accent);color:#fff;border-color:transparent}\
.msg[data-author=agent] .bubble{border-color:var(--accent)}\
.msg[data-status=sending] .bubble{opacity:.7}\
.msg[data-status=failed] .bubble{background:#fef2f2;color:#7f1d1d;border:1px solid #fca5a5}\
.meta{margin-top:2px;font-size:12px;color:#6b7280;display:flex;gap:8px}\
.retry{color:#b91c1c;text-decoration:underline}\
.typing{align-self:flex-start;display:flex;gap:4px;padding:12px;border-radius:14px;background:#fff;border:1px solid #e5e7eb}\
.typing i{width:6px;height:6px;border-radius:50%;background:#9ca3af;animation:blink 1s infinite}\
.typing i:nth-child(3){animation-delay:.2s}\
.typing i:nth-child(4){animation-delay:.4s}\
@keyframes blink{50%{opacity:.3}}\
form{display:flex;gap:8px;align-items:flex-end;margin:0;padding:10px;border-top:1px solid #e5e7eb;background:#fff}\
textarea{flex:1;min-height:40px;max-height:120px;margin:0;padding:9px 10px;resize:none;font:inherit;color:inherit;background:#fff;border:1px solid #d1d5db;border-radius:10px}\
textarea:focus{outline:2px solid var(--accent);outline-offset:-1px}\
.signin{margin:0;padding:18px 10px;border-top:1px solid #e5e7eb;background:#fff;text-align:center;color:#374151}\
.send{flex:none;width:40px;height:40px;border-radius:10px;background:var(--accent);color:#fff;display:grid;place-items:center}\
.send svg{width:18px;height:18px}\
@media (max-width:480px){.root[data-open]{inset:0}.root[data-open] .panel{width:100%;height:100%;border-radius:0}.root[data-open] .launcher{display:none}}\
@media (prefers-reduced-motion:reduce){.typing i{animation:none}}\
[hidden]{display:none}\
`;
