// @ts-check
// A small Markdown to HTML converter for what users display in an ipywidgets Output
// (IPython.display.Markdown): headings, paragraphs, lists, fenced code, `code`, **strong**,
// *emphasis*, _emphasis_ and [links](url). The text may come from anyone (a page can set a widget's
// state), so: raw HTML is escaped, links go only to http(s), mailto, #, / and ./ URLs, and every
// step is a single forward scan (no backtracking pattern: those took seconds on 64 KB).

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[/** @type {keyof typeof ESCAPES} */ (c)]);
}

/** @param {string} text */
function unescapeHtml(text) {
  return text.replace(/&(amp|lt|gt|quot|#x27);/g, (_, name) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#x27": "'" })[/** @type {"amp"} */ (name)]);
}

const LINK_SCHEMES = /^(https?:|mailto:|#|\/|\.\/)/i;

/** Is `c` a word character (as \w)? @param {string | undefined} c */
function isWord(c) {
  return c !== undefined && /\w/.test(c);
}

/** Is `c` whitespace (or the text's edge, for a delimiter's outer side)? @param {string | undefined} c */
function isSpace(c) {
  return c !== undefined && /\s/.test(c);
}

/** `` `code` ``: the nearest closing backtick after at least one character. @param {string} text */
function codeSpans(text) {
  let out = "";
  let pos = 0;
  let open = text.indexOf("`");
  while (open !== -1) {
    if (text[open + 1] === "`") {
      open = text.indexOf("`", open + 1);
      continue;
    }
    const close = text.indexOf("`", open + 2);
    if (close === -1) break;
    out += `${text.slice(pos, open)}<code>${text.slice(open + 1, close)}</code>`;
    pos = close + 1;
    open = text.indexOf("`", pos);
  }
  return out + text.slice(pos);
}

/** `**strong**`: each opener takes the nearest `**` after at least one character. @param {string} text */
function strong(text) {
  let out = "";
  let pos = 0;
  for (;;) {
    const open = text.indexOf("**", pos);
    if (open === -1) break;
    const close = text.indexOf("**", open + 3);
    if (close === -1) break;
    out += `${text.slice(pos, open)}<strong>${text.slice(open + 2, close)}</strong>`;
    pos = close + 2;
  }
  return out + text.slice(pos);
}

/**
 * Emphasis with a one-character delimiter `d` (`*` or `_`): an opener has no word character (nor
 * `d`, for `*`) before it and no space after; a closer the reverse. Each opener takes the nearest
 * closer after one character of content; when an opener finds none, no later one can.
 * @param {string} text
 * @param {string} d
 */
function emphasis(text, d) {
  const edge = (/** @type {string | undefined} */ c) => isWord(c) || (d === "*" && c === "*");
  const opens = [];
  const closes = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== d) continue;
    if (!edge(text[i - 1]) && text[i + 1] !== undefined && !isSpace(text[i + 1])) opens.push(i);
    if (i > 0 && !isSpace(text[i - 1]) && !edge(text[i + 1])) closes.push(i);
  }
  let out = "";
  let pos = 0;
  let k = 0;
  for (const open of opens) {
    if (open < pos) continue;
    while (k < closes.length && closes[k] < open + 2) k++;
    if (k === closes.length) break;
    const close = closes[k];
    out += `${text.slice(pos, open)}<em>${text.slice(open + 1, close)}</em>`;
    pos = close + 1;
  }
  return out + text.slice(pos);
}

/** `[label](url)` with a URL free of spaces and `)`, in one pass; a URL of another scheme stays
 * text. @param {string} text */
function links(text) {
  let out = "";
  let pos = 0;
  let urlEnd = -1; // the last ')' or space found, reused while the next search starts before it
  let start = text.indexOf("[");
  while (start !== -1) {
    const close = text.indexOf("]", start + 1);
    if (close === -1) break;
    let end = -1;
    if (close > start + 1 && text[close + 1] === "(") {
      if (urlEnd !== Infinity && urlEnd < close + 2) {
        const found = text.slice(close + 2).search(/[)\s]/);
        urlEnd = found === -1 ? Infinity : close + 2 + found;
      }
      if (urlEnd !== Infinity && urlEnd > close + 2 && text[urlEnd] === ")") end = urlEnd;
    }
    if (end === -1) {
      start = text.indexOf("[", close + 1);
      continue;
    }
    const label = text.slice(start + 1, close);
    const url = text.slice(close + 2, end);
    const link = `<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`;
    out += text.slice(pos, start) + (LINK_SCHEMES.test(unescapeHtml(url)) ? link : text.slice(start, end + 1));
    pos = end + 1;
    start = text.indexOf("[", pos);
  }
  return out + text.slice(pos);
}

/** Inline Markdown of one paragraph, heading or list item. @param {string} text */
function inline(text) {
  return links(emphasis(emphasis(strong(codeSpans(escapeHtml(text))), "*"), "_"));
}

/**
 * Markdown to HTML, any raw HTML in it escaped.
 * @param {string} source
 * @returns {string}
 */
export function markdownToHtml(source) {
  /** @type {string[]} */
  const out = [];
  /** @type {string[]} */
  const para = [];
  /** @type {string[]} */
  const code = [];
  /** @type {string | null} */
  let listKind = null;
  let inCode = false;
  const endPara = () => {
    if (para.length) out.push(`<p>${inline(para.join(" "))}</p>`);
    para.length = 0;
  };
  const endList = () => {
    if (listKind) out.push(`</${listKind}>`);
    listKind = null;
  };
  const endCode = () => {
    out.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
    code.length = 0;
  };
  for (const line of source.split(/\r\n|\r|\n/)) {
    if (line.trim().startsWith("```")) {
      if (inCode) endCode();
      else {
        endPara();
        endList();
      }
      inCode = !inCode;
      continue;
    }
    if (inCode) {
      code.push(line);
      continue;
    }
    const heading = /^(#{1,6})\s+([\s\S]*)$/.exec(line);
    const item = /^\s*([-*+]|\d+\.)\s+([\s\S]*)$/.exec(line);
    if (heading) {
      endPara();
      endList();
      const level = heading[1].length;
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
    } else if (item) {
      endPara();
      const kind = /\d/.test(item[1][0]) ? "ol" : "ul";
      if (listKind !== kind) {
        endList();
        out.push(`<${kind}>`);
        listKind = kind;
      }
      out.push(`<li>${inline(item[2])}</li>`);
    } else if (!line.trim()) {
      endPara();
      endList();
    } else {
      endList();
      para.push(line.trim());
    }
  }
  if (inCode) endCode();
  endPara();
  endList();
  return out.join("\n");
}
