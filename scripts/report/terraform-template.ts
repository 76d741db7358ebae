/** A `${ ... }` interpolation or `%{ ... }` directive of a Terraform template string. */
export interface TemplateSequence {
  readonly kind: "interpolation" | "directive";
  /** The text between the braces: a Terraform expression (or directive) as Terraform reads it. */
  readonly expression: string;
  /** Where the sequence starts (at `$` or `%`) and ends (after `}`) in the template. */
  readonly start: number;
  readonly end: number;
}

/**
 * The interpolations and directives Terraform evaluates in a string of the JSON syntax. Escaped
 * sequences (`$${`, `%%{`, which is how file contents are kept literal) are not evaluated and are
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
      const end = closingBrace(template, index + 2);
      found.push({
        kind: template[index] === "$" ? "interpolation" : "directive",
        expression: template.slice(index + 2, end),
        start: index,
        end: Math.min(end + 1, template.length),
      });
      index = end + 1;
      continue;
    }
    index += 1;
  }
  return found;
}

/** The index of the `}` closing the expression that starts at `start` (or the end of the text). */
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

/** Undoes `terraformLiteral`: the text a template without sequences stands for. */
export function literalText(template: string): string {
  return template.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}

/** Whether Terraform evaluates anything in the string. */
export function hasTemplateSequences(template: string): boolean {
  return templateSequences(template).length > 0;
}
