import { describe, expect, it } from 'vitest';
import { parseWords, validateWords } from './generateWords';

describe('parseWords', () => {
  it('takes one word or phrase per line or separated by commas, trimmed, repeats merged', () => {
    expect(parseWords('casa\n perro , gato\r\n\n,la casa grande,\nCasa\nCASA')).toEqual([
      'casa',
      'perro',
      'gato',
      'la casa grande',
    ]);
    expect(parseWords('  \n , ')).toEqual([]);
  });
});

describe('validateWords', () => {
  it('asks for 1 to 20 words of at most 100 characters', () => {
    expect(validateWords([])).toEqual({ key: 'generate.empty' });
    expect(validateWords(['casa'])).toBeNull();
    expect(validateWords(Array.from({ length: 20 }, (_, i) => `w${i}`))).toBeNull();
    expect(validateWords(Array.from({ length: 21 }, (_, i) => `w${i}`))).toMatchObject({ key: 'generate.tooMany' });
    expect(validateWords(['a'.repeat(100)])).toBeNull();
    expect(validateWords(['ok', 'a'.repeat(101)])).toMatchObject({ key: 'generate.tooLong' });
    // Characters, not UTF-16 units: 100 emoji are 100 characters.
    expect(validateWords(['😀'.repeat(100)])).toBeNull();
  });
});
