/* The page's words, in its language: tr(key, values) looks a text up by its key in the dictionary the
 * page carries (its "ae-texts" JSON script element, made from the gettext catalogue by
 * ae_explainer.deliver.explore), and fills its {placeholders}. A number among the values is written
 * as prose writes it in the page's language (1,797 in English, 1.797 in German); a string goes in as
 * it is, so a formula's numbers keep their point. No text is translated here.
 */
/* exported tr, prose, wrapText */

let TEXTS = null;  // read once, at the first tr()

function tr(key, values) {
  if (TEXTS === null) TEXTS = JSON.parse(document.getElementById("ae-texts").textContent);
  const text = TEXTS[key];
  if (text === undefined) throw new Error("the page has no text " + key);
  return text.replace(/\{(\w+)\}/g, (all, name) => {
    const v = values && values[name];
    if (v === undefined) throw new Error("text " + key + " wants a value for {" + name + "}");
    return typeof v === "number" ? prose(v) : String(v);
  });
}

function prose(v, options) {  // v as prose writes it in the page's language (toLocaleString's options)
  return v.toLocaleString(document.documentElement.lang || "en", options);
}

const CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef";
const PIECES = new RegExp("[" + CJK + "]|[^\\s" + CJK + "]+|\\s+", "g");

function wrapText(ctx, text, width) {  // text in lines no wider than width: at spaces, or between CJK
  const lines = [];
  let line = "";
  for (const piece of text.match(PIECES) || []) {
    const next = line + piece;
    if (line.trim() && !/^\s+$/.test(piece) && ctx.measureText(next.trimEnd()).width > width) {
      lines.push(line.trimEnd());
      line = piece;
    } else {
      line = next;
    }
  }
  if (line.trim()) lines.push(line.trim());
  return lines;
}
