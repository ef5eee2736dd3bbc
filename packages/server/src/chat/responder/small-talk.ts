import { splitWords } from '../knowledge/tokenize.js';

export type SmallTalk = 'greeting' | 'thanks' | 'goodbye';

// Phrases that make up a whole message of small talk, described once as data. Each phrase is
// written as the words `splitWords` produces (lower case, no apostrophes).
const PHRASES: Readonly<Record<SmallTalk, readonly string[]>> = {
  greeting: [
    'hi',
    'hii',
    'hello',
    'helo',
    'hey',
    'heya',
    'hiya',
    'howdy',
    'yo',
    'greetings',
    'good morning',
    'good afternoon',
    'good evening',
    'good day',
    'morning',
    'evening',
    'salam',
    'salaam',
    'salam alaikum',
    'salaam alaikum',
    'assalamu alaikum',
    'assalamualaikum',
    'as salamu alaykum',
    'assalam o alaikum',
    'marhaba',
    'merhaba',
    'selam',
    'hola',
    'bonjour',
    'hallo',
    'ciao',
    'السلام عليكم',
    'سلام',
    'مرحبا',
    'how are you',
    'how are you doing',
    'hows it going',
    'whats up',
    'sup',
  ],
  thanks: [
    'thanks',
    'thank you',
    'thank u',
    'thx',
    'ty',
    'cheers',
    'much appreciated',
    'appreciate it',
    'shukran',
    'jazakallah',
    'jazakallah khair',
    'شكرا',
    'merci',
    'gracias',
    'danke',
  ],
  goodbye: ['bye', 'goodbye', 'bye bye', 'see you', 'see ya', 'good night', 'later'],
};

// Words that may surround small talk without making it a question: "hi there", "thanks a lot".
const FILLERS = new Set(
  `a again all alot bot dear everybody everyone folks friend great guys lot many much oh ok okay
  so team there very well you`.split(/\s+/),
);

// When a message mixes kinds ("thanks, bye!"), the one that ends the conversation wins.
const PRIORITY: readonly SmallTalk[] = ['goodbye', 'thanks', 'greeting'];

const PATTERNS = PRIORITY.flatMap((kind) =>
  PHRASES[kind].map((phrase) => ({ kind, words: phrase.split(' ') })),
).sort((a, b) => b.words.length - a.words.length); // longest phrase first

/**
 * What kind of small talk a message is, when it is nothing else: only greetings, thanks or
 * farewells, with fillers and the bot's own name around them.
 *
 * @example
 * smallTalk('Hello there, Hilal! 👋', 'Hilal') // 'greeting'
 * smallTalk('Hi, where is my order?', 'Hilal') // undefined
 */
export function smallTalk(text: string, botName: string): SmallTalk | undefined {
  const words = splitWords(text);
  const names = new Set(splitWords(botName));
  const found = new Set<SmallTalk>();
  let i = 0;
  while (i < words.length) {
    const match = PATTERNS.find((p) => p.words.every((word, j) => words[i + j] === word));
    if (match !== undefined) {
      found.add(match.kind);
      i += match.words.length;
    } else if (FILLERS.has(words[i] ?? '') || names.has(words[i] ?? '')) {
      i += 1;
    } else {
      return undefined;
    }
  }
  return PRIORITY.find((kind) => found.has(kind));
}
