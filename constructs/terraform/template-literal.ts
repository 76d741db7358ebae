/**
 * Makes text safe to embed verbatim in a Terraform JSON string. Terraform reads `${` and `%{` in
 * every string as template syntax, so GitHub's `${{ github.sha }}` or a shell's `%{http_code}`
 * would fail at plan time ("Missing key/value separator", "Invalid template control keyword";
 * https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences).
 * Doubling the first character makes them literal.
 * cdktf's `Fn.rawString` escapes only `${`, hence this function.
 */
export function terraformLiteral(text: string): string {
  // Replacement functions, not strings: in a replacement string "$$" means a single "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}
