/**
 * Reading strings of the synthesized JSON the way Terraform does: every string is a template in
 * which `${ expression }` and `%{ directive }` are evaluated and `$${` / `%%{` stand for the
 * literal `${` / `%{` (what `terraformLiteral` writes). The guardrails, the reports and the tests
 * all read the output through these functions, so they agree on what Terraform will evaluate.
 */

/** A `${ ... }` interpolation or `%{ ... }` directive of a template string. */
export interface TemplateSequence {
  readonly kind: "interpolation" | "directive";
  /** The text between the braces: a Terraform expression (or directive) as Terraform reads it. */
  readonly expression: string;
  /** Where the sequence starts (at `$` or `%`) and ends (after `}`) in the template. */
  readonly start: number;
  readonly end: number;
  /** False when the closing brace is missing: Terraform rejects such a string. */
  readonly terminated: boolean;
}

/** A piece of a template string: literal text (escapes undone), or a sequence's expression. */
export type TemplatePart =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "interpolation" | "directive"; readonly expression: string };

/**
 * The interpolations and directives Terraform evaluates in a string. Escaped sequences are
 * skipped; quoted strings inside an expression, with their own nested templates, are followed so
 * that the closing brace found is the one Terraform would find.
 */
export function templateSequences(template: string): TemplateSequence[] {
  const found: TemplateSequence[] = [];
  let index = 0;
  while (index < template.length) {
    if (template.startsWith("$${", index) || template.startsWith("%%{", index)) {
      index += 3;
      continue;
    }
    if (template.startsWith("${", index) || template.startsWith("%{", index)) {
      const close = closingBrace(template, index + 2);
      const terminated = close < template.length;
      found.push({
        kind: template[index] === "$" ? "interpolation" : "directive",
        expression: template.slice(index + 2, close).trim(),
        start: index,
        end: terminated ? close + 1 : template.length,
        terminated,
      });
      index = close + 1;
      continue;
    }
    index += 1;
  }
  return found;
}

/** The string as literal pieces and sequences, in order. */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const sequence of templateSequences(template)) {
    if (sequence.start > last) {
      parts.push({ kind: "literal", text: unescapeTemplate(template.slice(last, sequence.start)) });
    }
    parts.push({ kind: sequence.kind, expression: sequence.expression });
    last = sequence.end;
  }
  if (last < template.length) {
    parts.push({ kind: "literal", text: unescapeTemplate(template.slice(last)) });
  }
  return parts;
}

/** The string with each sequence replaced by `replace(sequence)` and the escapes undone. */
export function substituteSequences(template: string, replace: (sequence: TemplateSequence) => string): string {
  let result = "";
  let last = 0;
  for (const sequence of templateSequences(template)) {
    result += unescapeTemplate(template.slice(last, sequence.start)) + replace(sequence);
    last = sequence.end;
  }
  return result + unescapeTemplate(template.slice(last));
}

/** Undoes `terraformLiteral`'s escapes (`$${` -> `${`, `%%{` -> `%{`) in text without sequences. */
export function unescapeTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}

/** The text Terraform produces from a string without sequences; undefined when it has any. */
export function literalText(template: string): string | undefined {
  return templateSequences(template).length === 0 ? unescapeTemplate(template) : undefined;
}

/** Whether Terraform evaluates anything in the string. */
export function hasExpression(template: string): boolean {
  return templateSequences(template).length > 0;
}

/** The expression when the whole string is one interpolation (`${var.token}`), else undefined. */
export function singleInterpolation(template: string): string | undefined {
  const parts = templateParts(template);
  const [only] = parts;
  return parts.length === 1 && only?.kind === "interpolation" ? only.expression : undefined;
}

/** The expressions of every interpolation and directive in a string. */
export function expressionsIn(template: string): string[] {
  return templateSequences(template).map((sequence) => sequence.expression);
}

/** The Terraform variables an expression reads: `var.kubernetes_token` -> `kubernetes_token`. */
export function variablesIn(expression: string): string[] {
  return [...expression.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((match) => match[1] ?? "");
}

/** The index of the `}` closing the expression that starts at `start`, or the text's length. */
function closingBrace(template: string, start: number): number {
  // What encloses the current position: an expression, a brace inside it, or a quoted string.
  const enclosing: ("expression" | "brace" | "string")[] = ["expression"];
  let index = start;
  while (index < template.length) {
    const inside = enclosing[enclosing.length - 1];
    const char = template[index];
    if (inside === "string") {
      if (char === "\\") {
        index += 2;
        continue;
      }
      if (template.startsWith("$${", index) || template.startsWith("%%{", index)) {
        index += 3;
        continue;
      }
      if (template.startsWith("${", index) || template.startsWith("%{", index)) {
        enclosing.push("expression");
        index += 2;
        continue;
      }
      if (char === '"') enclosing.pop();
    } else if (char === '"') {
      enclosing.push("string");
    } else if (char === "{") {
      enclosing.push("brace");
    } else if (char === "}") {
      enclosing.pop();
      if (enclosing.length === 0) return index;
    }
    index += 1;
  }
  return template.length;
}
