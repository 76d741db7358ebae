import { LineCounter, parseAllDocuments, type Document } from "yaml";
import type { ConfigProblem } from "./config-error";

/**
 * Aliases (`*name`) a configuration may expand in total. A real configuration shares a block a
 * few times; a "billion laughs" document nests aliases so that a few lines expand to gigabytes.
 * The yaml package counts expansions per alias against this limit (`maxAliasCount`).
 */
export const MAX_ALIAS_EXPANSIONS = 100;

/** The configuration file's bytes, decoded, or the problems that stop it being read as YAML. */
export type DecodedText = { readonly text: string } | { readonly problems: ConfigProblem[] };

/**
 * Decodes a configuration file strictly as UTF-8, the encoding YAML 1.2 requires of a file read
 * this way. A lenient decoder turns each invalid byte into U+FFFD, which would then reach the
 * synthesized output; here an invalid byte is a problem naming its offset and position.
 */
export function decodeConfigBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return {
      problems: [{ field: "", message: "is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8" }],
    };
  }
  const offset = firstInvalidUtf8Byte(bytes);
  if (offset !== undefined) {
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
    const lines = before.split("\n");
    return {
      problems: [
        {
          field: "",
          message: `is not valid UTF-8: byte ${offset} (0x${(bytes[offset] ?? 0).toString(16).padStart(2, "0")}) does not start or continue a UTF-8 character; save the file as UTF-8`,
          line: lines.length,
          column: (lines.at(-1)?.length ?? 0) + 1,
        },
      ],
    };
  }
  // A UTF-8 byte order mark is allowed and dropped.
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  if (text.includes("\0")) {
    return { problems: [{ field: "", message: "contains NUL bytes: it is not a text file" }] };
  }
  return { text };
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8Byte(bytes: Uint8Array): number | undefined {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    // [length, lowest allowed second byte, highest allowed second byte] per lead byte range,
    // which excludes overlong forms, surrogates and code points above U+10FFFF.
    let shape: [number, number, number] | undefined;
    if (lead >= 0xc2 && lead <= 0xdf) shape = [2, 0x80, 0xbf];
    else if (lead === 0xe0) shape = [3, 0xa0, 0xbf];
    else if (lead === 0xed) shape = [3, 0x80, 0x9f];
    else if (lead >= 0xe1 && lead <= 0xef) shape = [3, 0x80, 0xbf];
    else if (lead === 0xf0) shape = [4, 0x90, 0xbf];
    else if (lead >= 0xf1 && lead <= 0xf3) shape = [4, 0x80, 0xbf];
    else if (lead === 0xf4) shape = [4, 0x80, 0x8f];
    if (shape === undefined) {
      return index;
    }
    const [length, low, high] = shape;
    for (let position = 1; position < length; position++) {
      const byte = bytes[index + position];
      const [min, max] = position === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) {
        return index + position < bytes.length ? index + position : index;
      }
    }
    index += length;
  }
  return undefined;
}

/** One parsed YAML document with what is needed to locate fields in it. */
export interface ParsedYaml {
  readonly document: Document;
  readonly lineCounter: LineCounter;
  /** The document as plain data. */
  readonly value: unknown;
}

/**
 * Parses configuration text as exactly one YAML document. Syntax errors, a second document, an
 * empty file and excessive alias expansion are problems, each located where the file allows.
 */
export function parseConfigYaml(text: string): ParsedYaml | { readonly problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const documents = Array.isArray(parsed) ? parsed : [];
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntaxProblems = documents.flatMap((document) =>
    document.errors.map((error) => ({
      field: "",
      message: `not valid YAML: ${error.message.split("\n")[0] ?? error.code}`,
      ...at(error.pos[0]),
    })),
  );
  if (syntaxProblems.length > 0) {
    return { problems: syntaxProblems };
  }
  const [document, second] = documents;
  if (second !== undefined) {
    return {
      problems: [
        {
          field: "",
          message: `holds ${documents.length} YAML documents (separated by '---'); a configuration is one document: merge them or split them into files`,
          ...at(second.range[0]),
        },
      ],
    };
  }
  if (document === undefined || document.contents === null) {
    return {
      problems: [{ field: "", message: "is empty; start from config/delivery.yaml, which lists every field" }],
    };
  }
  try {
    return { document, lineCounter, value: document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS }) as unknown };
  } catch (error) {
    // The yaml package throws a ReferenceError for excessive alias expansion.
    if (error instanceof ReferenceError) {
      return {
        problems: [
          {
            field: "",
            message: `expands YAML aliases too often (more than ${MAX_ALIAS_EXPANSIONS} expansions of one alias, as in a "billion laughs" document); write the values out or use fewer aliases`,
          },
        ],
      };
    }
    throw error;
  }
}
