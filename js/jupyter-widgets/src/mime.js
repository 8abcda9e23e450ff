// @ts-check
// Which of a display's mimetypes an Output shows: the one JupyterLab's rendermime would pick.

/** Best first: JupyterLab's rendermime default ranks (json-extension 0, html 50, markdown 60,
 * latex 70, svg 80, bitmap images 90, plain text 120). JavaScript (110) is never run here. */
export const MIME_ORDER = [
  "application/json", "text/html", "text/markdown", "text/latex", "image/svg+xml",
  "image/bmp", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain",
];

/** The mimetype of a display's `data` to render, or undefined.
 * @param {Record<string, unknown>} data */
export function preferredMime(data) {
  return MIME_ORDER.find((mime) => data[mime] !== undefined);
}
