/** A piece of a Terraform template string: literal text, `${ expression }` or `%{ directive }`. */
export type TemplatePart =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "interpolation" | "directive"; readonly expression: string };

/**
 * Splits a string of the synthesized JSON the way Terraform reads it: `$${` and `%%{` are escapes
 * for the literal `${` and `%{`; `${...}` and `%{...}` are template sequences. Quoted strings
 * inside an expression may contain braces, so they are skipped while looking for the end.
 */
export function templateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let index = 0;
  while (index < text.length) {
    if (text.startsWith("$${", index) || text.startsWith("%%{", index)) {
      literal += text.slice(index + 1, index + 3);
      index += 3;
      continue;
    }
    if (text.startsWith("${", index) || text.startsWith("%{", index)) {
      const end = closingBrace(text, index + 2);
      if (literal !== "") {
        parts.push({ kind: "literal", text: literal });
        literal = "";
      }
      const kind = text[index] === "$" ? "interpolation" : "directive";
      // An unterminated sequence is a Terraform error; it is certainly not literal text.
      parts.push({ kind, expression: text.slice(index + 2, end === -1 ? text.length : end).trim() });
      index = end === -1 ? text.length : end + 1;
      continue;
    }
    literal += text[index];
    index += 1;
  }
  if (literal !== "") {
    parts.push({ kind: "literal", text: literal });
  }
  return parts;
}

/** The text Terraform produces from a string without template sequences; undefined when it has any. */
export function literalText(text: string): string | undefined {
  const parts = templateParts(text);
  if (parts.some((part) => part.kind !== "literal")) {
    return undefined;
  }
  return parts.map((part) => (part.kind === "literal" ? part.text : "")).join("");
}

/** Whether the string holds any `${...}` or `%{...}` sequence, i.e. is computed by Terraform. */
export function hasExpression(text: string): boolean {
  return templateParts(text).some((part) => part.kind !== "literal");
}

/** The expression when the whole string is one interpolation (`${var.token}`), else undefined. */
export function singleInterpolation(text: string): string | undefined {
  const parts = templateParts(text);
  const [only] = parts;
  return parts.length === 1 && only?.kind === "interpolation" ? only.expression : undefined;
}

/** The expressions of every interpolation and directive in a string. */
export function expressionsIn(text: string): string[] {
  return templateParts(text).flatMap((part) => (part.kind === "literal" ? [] : [part.expression]));
}

/** The Terraform variables an expression reads: `var.kubernetes_token` -> `kubernetes_token`. */
export function variablesIn(expression: string): string[] {
  return [...expression.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((match) => match[1] ?? "");
}

function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (char === '"') {
      index = closingQuote(text, index + 1);
      if (index === -1) {
        return -1;
      }
    } else if (char === "{") {
      depth += 1;
    } else if (char === "}") {
      if (depth === 0) {
        return index;
      }
      depth -= 1;
    }
  }
  return -1;
}

function closingQuote(text: string, start: number): number {
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (char === "\\") {
      index += 1;
    } else if (char === '"') {
      return index;
    } else if (text.startsWith("${", index) || text.startsWith("%{", index)) {
      const end = closingBrace(text, index + 2);
      if (end === -1) {
        return -1;
      }
      index = end;
    }
  }
  return -1;
}
