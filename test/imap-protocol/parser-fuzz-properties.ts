// Property-based checks of the pure IMAP command parser (RFC 3501 §9, RFC 7888 LITERAL+), shared by the
// in-suite run (command-parser-fuzz.test.ts) and the full run (scripts/fuzz-imap.ts):
//   - well-formed commands, fed in any partial reads, come back exactly (tokens, literals, `+` requests);
//   - any bytes (generated, mutated, garbage) never make next() throw or spin, and the results do not depend
//     on how the bytes were split into reads;
//   - a broken line costs one error and nothing else: the next command parses normally;
//   - switching line mode (IDLE, AUTHENTICATE) at any point is safe;
//   - the argument grammars, given whatever the parser produced, throw nothing but the errors the dispatcher
//     answers (ProtocolSyntaxError: BAD; MailboxNameError: NO).
import fc from 'fast-check';
import {
  MailboxNameError, ProtocolSyntaxError, parseDateTime, parseFetchItems, parseFetchModifiers, parseFlagList, parseSearchKeys, parseSequenceSet,
  parseStoreAction, tokenToAstring, tokenToList, tokenToMailbox, tokenToMailboxPattern, tokenToNumber,
} from '../../src/postoffice/imap/protocol/argument-parsers.ts';
import { CommandParser, type CommandParserOptions } from '../../src/postoffice/imap/protocol/command-parser.ts';
import { decodeMailboxName } from '../../src/postoffice/imap/protocol/modified-utf7.ts';
import type { CommandRequest, ParseResult } from '../../src/postoffice/imap/protocol/protocol-types.ts';
import {
  chunkSizesArbitrary, commandArbitrary, exactResult, expectedResults, fuzzStreamArbitrary, renderCommand, splitIntoChunks,
  type ExactResult,
} from './imap-fuzz-inputs.ts';

/** Counts what the properties fed, for the full run's summary. */
export interface ParserFuzzTally {
  inputs: number;
  commandLines: number;
  bytes: number;
}

export function newParserTally(): ParserFuzzTally {
  return { inputs: 0, commandLines: 0, bytes: 0 };
}

/**
 * Pushes the chunks one by one and drains next() after each. A parser that keeps producing results without
 * consuming input (a spin) is caught by the bound: every result but need-literal consumes at least one byte.
 */
export function feedChunks(parser: CommandParser, chunks: readonly Buffer[], onResult?: (result: ParseResult) => void): ParseResult[] {
  const results: ParseResult[] = [];
  const totalBytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const bound = 2 * totalBytes + 8;
  for (const chunk of chunks) {
    parser.push(chunk);
    for (;;) {
      const result = parser.next();
      if (result.kind === 'need-more') break;
      results.push(result);
      onResult?.(result);
      if (results.length > bound) throw new Error(`parser produced more than ${bound} results for ${totalBytes} bytes: it spins`);
    }
  }
  return results;
}

const exact = (results: readonly ParseResult[]): ExactResult[] => results.map(exactResult);

/** Small limits make the over-long line and oversized literal paths reachable with short inputs. */
const parserOptionsArbitrary: fc.Arbitrary<CommandParserOptions> = fc.oneof(
  fc.constant({}),
  fc.record({ maxLineBytes: fc.integer({ min: 8, max: 200 }), maxLiteralBytes: fc.integer({ min: 0, max: 64 }) }),
);

/** Every argument grammar over the tokens of one request: each returns or throws an error the dispatcher answers. */
export function runArgumentGrammars(request: CommandRequest): void {
  const { args } = request;
  const attempts: Array<() => unknown> = [
    () => parseSearchKeys(args),
    () => parseSearchKeys(args.slice(1)),
    () => parseFetchItems(args.slice(1, 2)),
    () => parseFetchModifiers(args[2]),
    () => parseStoreAction(args.slice(1)),
    () => parseFlagList(args.at(-1) ?? []),
    () => tokenToMailbox(args[0]),
    () => tokenToMailboxPattern(args[1]),
    () => tokenToAstring(args[0], 'argument'),
    () => tokenToNumber(args[0], 'number'),
    () => tokenToList(args[1], 'list'),
  ];
  for (const token of args) {
    if (token.type !== 'atom' && token.type !== 'string') continue;
    const text = token.type === 'atom' ? token.value : token.value.toString('latin1');
    attempts.push(() => parseSequenceSet(text), () => parseDateTime(text), () => decodeMailboxName(text));
  }
  for (const attempt of attempts) {
    try {
      attempt();
    } catch (error) {
      if (!(error instanceof ProtocolSyntaxError) && !(error instanceof MailboxNameError)) {
        throw new Error(`argument grammar threw ${(error as Error)?.name}: ${(error as Error)?.message} for ${request.name} ${JSON.stringify(args)}`);
      }
    }
  }
}

export function parserProperties(tally: ParserFuzzTally = newParserTally()): Record<string, fc.IProperty<never> | fc.IProperty<unknown[]>> {
  const count = (bytes: Buffer, commandLines: number): void => {
    tally.inputs += 1;
    tally.commandLines += commandLines;
    tally.bytes += bytes.length;
  };

  const wellFormedRoundTrip = fc.property(fc.array(commandArbitrary, { minLength: 1, maxLength: 5 }), chunkSizesArbitrary, (commands, sizes) => {
    const bytes = Buffer.concat(commands.map(renderCommand));
    count(bytes, commands.length);
    const results = exact(feedChunks(new CommandParser(), splitIntoChunks(bytes, sizes)));
    const expected = commands.flatMap(expectedResults);
    if (JSON.stringify(results) !== JSON.stringify(expected)) {
      throw new Error(`parsed ${JSON.stringify(results)}\nexpected ${JSON.stringify(expected)}\nfrom ${JSON.stringify(bytes.toString('latin1'))}`);
    }
  });

  const anyBytesSplitAnyhow = fc.property(fuzzStreamArbitrary(), chunkSizesArbitrary, parserOptionsArbitrary, (stream, sizes, options) => {
    count(stream.bytes, stream.commandLines);
    const whole = feedChunks(new CommandParser(options), [stream.bytes], (result) => {
      if (result.kind === 'request') runArgumentGrammars(result.request);
    });
    const fatal = whole.findIndex((result) => result.kind === 'error' && result.fatal === true);
    if (fatal !== -1 && fatal !== whole.length - 1) throw new Error('the parser produced results after a fatal error');
    const split = feedChunks(new CommandParser(options), splitIntoChunks(stream.bytes, sizes));
    const wholeText = JSON.stringify(exact(whole));
    const splitText = JSON.stringify(exact(split));
    if (wholeText !== splitText) {
      throw new Error(`results depend on the reads:\nwhole ${wholeText}\nsplit ${splitText}\nfrom ${JSON.stringify(stream.bytes.toString('latin1'))} in chunks of ${JSON.stringify(sizes)}`);
    }
  });

  // A garbage line without literal announcements and without LF: whatever it is, the command after it parses.
  const garbageLine = fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes.filter((byte) => byte !== 0x0a && byte !== 0x7b)));
  const oneBadLineAndOn = fc.property(garbageLine, commandArbitrary, chunkSizesArbitrary, (garbage, command, sizes) => {
    const bytes = Buffer.concat([garbage, Buffer.from('\r\n'), renderCommand(command)]);
    count(bytes, 2);
    const results = exact(feedChunks(new CommandParser(), splitIntoChunks(bytes, sizes)));
    const expected = expectedResults(command);
    const tail = results.slice(-expected.length);
    if (JSON.stringify(tail) !== JSON.stringify(expected) || results.length > expected.length + 1) {
      throw new Error(`after the line ${JSON.stringify(garbage.toString('latin1'))} the parser returned ${JSON.stringify(results)}, expected ${JSON.stringify(expected)} at the end`);
    }
  });

  const lineModeAnywhere = fc.property(
    fuzzStreamArbitrary(),
    chunkSizesArbitrary,
    fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
    (stream, sizes, switches) => {
      count(stream.bytes, stream.commandLines);
      const parser = new CommandParser();
      splitIntoChunks(stream.bytes, sizes).forEach((chunk, index) => {
        parser.setLineMode(switches[index % switches.length]!);
        for (const result of feedChunks(parser, [chunk])) {
          if (result.kind === 'line' && result.text.includes('\n')) throw new Error(`a line result holds a line feed: ${JSON.stringify(result.text)}`);
        }
      });
    },
  );

  return { wellFormedRoundTrip, anyBytesSplitAnyhow, oneBadLineAndOn, lineModeAnywhere };
}
