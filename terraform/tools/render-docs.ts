import { expressionOf, type TerraformDir } from "./load-terraform-dir.js";

export const DOCS_BEGIN = "<!-- BEGIN_TF_DOCS -->";
export const DOCS_END = "<!-- END_TF_DOCS -->";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function code(text: string): string {
  // A backtick inside inline code would end it; type expressions and defaults do not contain one.
  return `\`${cell(text).replace(/\s+/g, " ").replace(/`/g, "'")}\``;
}

/**
 * The inputs and outputs tables of a module's README, in the layout terraform-docs uses (written here
 * because terraform-docs is a Go binary that cannot be installed from the npm registry this repo uses).
 */
export function renderDocs(tf: TerraformDir): string {
  const lines: string[] = [DOCS_BEGIN, "## Inputs", ""];
  const vars = Object.entries(tf.variables).sort(([a], [b]) => a.localeCompare(b));
  if (vars.length === 0) lines.push("No inputs.");
  else {
    lines.push(
      "| Name | Description | Type | Default | Required |",
      "|------|-------------|------|---------|:--------:|",
    );
    for (const [name, v] of vars) {
      const required = !("default" in v);
      const type = expressionOf(v.type) ?? "any";
      const def = required ? "n/a" : code(v.default === null ? "null" : JSON.stringify(v.default));
      const sensitive = v.sensitive === true ? " (sensitive)" : "";
      lines.push(
        `| \`${name}\` | ${cell(String(v.description ?? ""))}${sensitive} | ${code(type)} | ${def} | ${required ? "yes" : "no"} |`,
      );
    }
  }
  lines.push("", "## Outputs", "");
  const outs = Object.entries(tf.outputs).sort(([a], [b]) => a.localeCompare(b));
  if (outs.length === 0) lines.push("No outputs.");
  else {
    lines.push("| Name | Description | Sensitive |", "|------|-------------|:---------:|");
    for (const [name, o] of outs)
      lines.push(
        `| \`${name}\` | ${cell(String(o.description ?? ""))} | ${o.sensitive === true ? "yes" : "no"} |`,
      );
  }
  lines.push(DOCS_END);
  return lines.join("\n");
}

/** `readme` with the text between the markers replaced by `docs`; throws when the markers are missing. */
export function replaceDocs(readme: string, docs: string): string {
  const start = readme.indexOf(DOCS_BEGIN);
  const end = readme.indexOf(DOCS_END);
  if (start < 0 || end < start) throw new Error(`README has no ${DOCS_BEGIN} … ${DOCS_END} markers`);
  return readme.slice(0, start) + docs + readme.slice(end + DOCS_END.length);
}

/** The docs section of a README (markers included), or undefined when the markers are missing. */
export function docsSection(readme: string): string | undefined {
  const start = readme.indexOf(DOCS_BEGIN);
  const end = readme.indexOf(DOCS_END);
  return start < 0 || end < start ? undefined : readme.slice(start, end + DOCS_END.length);
}

/**
 * A docs section with table layout ignored (cell padding, separator width), so that a table realigned by
 * the formatter (`biome format` pads the columns) compares equal to the generated one.
 */
export function normalizeDocs(section: string): string {
  return section
    .split("\n")
    .map((line) => {
      if (!line.startsWith("|")) return line.trim();
      const cells = line
        .slice(1, line.endsWith("|") ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
      return cells.every((c) => /^:?-+:?$/.test(c))
        ? cells.map((c) => c.replace(/-+/, "-")).join("|")
        : cells.join(" | ");
    })
    .filter((line) => line !== "")
    .join("\n");
}
