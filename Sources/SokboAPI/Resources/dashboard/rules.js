// The rules editor: GET /api/rules as YAML; PUT sends the whole file; the server validates it all or
// nothing. A refusal (`line N: …`) is shown at its line and the rules in force stay as they were.
import { t } from "./i18n.js";
import { call, HTTPError } from "./api.js";

let text, gutter, status, errorBox;

export function mountRules() {
  text = document.getElementById("rules-text");
  gutter = document.getElementById("rules-gutter");
  status = document.getElementById("rules-status");
  errorBox = document.getElementById("rules-error");
  text.addEventListener("input", () => drawGutter(null));
  text.addEventListener("scroll", () => { gutter.scrollTop = text.scrollTop; });
  document.getElementById("rules-reload").addEventListener("click", loadRules);
  document.getElementById("rules-save").addEventListener("click", saveRules);
}

function drawGutter(badLine) {
  const count = text.value.split("\n").length;
  const lines = [];
  for (let n = 1; n <= count; n++) {
    const span = document.createElement("span");
    span.textContent = n + "\n";
    if (n === badLine) { span.className = "bad"; span.dataset.testid = "bad-line"; }
    lines.push(span);
  }
  gutter.replaceChildren(...lines);
  gutter.scrollTop = text.scrollTop;
}

export async function loadRules() {
  const response = await call("GET", "/api/rules", { accept: "text/yaml" });
  text.value = await response.text();
  errorBox.textContent = "";
  status.textContent = "";
  delete text.dataset.badLine;
  drawGutter(null);
}

async function saveRules() {
  status.textContent = "…";
  errorBox.textContent = "";
  try {
    const response = await call("PUT", "/api/rules", { body: text.value, contentType: "text/yaml; charset=utf-8", accept: "text/yaml" });
    text.value = await response.text();
    delete text.dataset.badLine;
    drawGutter(null);
    status.textContent = t("rulesApplied");
    status.dataset.result = "applied";
  } catch (error) {
    if (!(error instanceof HTTPError)) throw error;
    const line = Number(/^line (\d+):/.exec(error.message)?.[1]) || null;
    status.textContent = t("rulesRefused");
    status.dataset.result = "refused";
    errorBox.textContent = error.message;
    if (line) {
      text.dataset.badLine = String(line);
      drawGutter(line);
      selectLine(line);
    } else drawGutter(null);
  }
}

/// Puts the caret on a line and scrolls it into view.
function selectLine(line) {
  const lines = text.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  text.focus();
  text.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  text.scrollTop = Math.max(0, (line - 5) * 18);
}
