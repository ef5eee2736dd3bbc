// Every measure of `npm run bench`, in the order of the report (issue 9's Goals table, then the
// inbox and the dashboard). `npm run bench -- <word>` runs those whose id contains the word.
import { chatMeasure } from './chat.mjs';
import crossInstance from './cross-instance.mjs';
import dashboard from './dashboard.mjs';
import inbox from './inbox.mjs';
import jwtLibraries from './jwt-libraries.mjs';
import streamMemory from './stream-memory.mjs';
import verifyJwt from './verify-jwt.mjs';
import widgetBytes from './widget-bytes.mjs';
import widgetLoad from './widget-load.mjs';

export const MEASURES = [
  verifyJwt,
  jwtLibraries,
  chatMeasure('sqlite'),
  chatMeasure('postgres'),
  crossInstance,
  widgetBytes,
  widgetLoad,
  streamMemory,
  inbox,
  dashboard,
];
