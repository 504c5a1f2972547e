// The page's only stylesheet, inline so the report is one file that opens anywhere, offline.
// Print: charts and excerpts are not split across pages, and colors are kept.

export const pageStyle = `
:root { --pass: #1a7f37; --fail: #cf222e; --error: #8250df; --skip: #6e7781; --ink: #1f2328; --muted: #59636e;
  --line: #d1d9e0; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Noto Sans", "Noto Sans CJK KR", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 60px; }
h1 { font-size: 24px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0; display: inline; overflow-wrap: anywhere; }
h4 { font-size: 13px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
.muted { color: var(--muted); } .small { font-size: 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 12px 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; white-space: nowrap; min-width: 44px; text-align: center; padding: 1px 8px; border-radius: 10px; color: #fff;
  font-weight: 600; font-size: 12px; text-transform: uppercase; vertical-align: 2px; margin-right: 6px; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); }
.badge.error { background: var(--error); } .badge.skip { background: var(--skip); }
.score { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 22px; margin: 14px 0 8px; }
.score .big { font-size: 28px; font-weight: 700; }
.counts span { margin-right: 14px; white-space: nowrap; }
.bar { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: var(--soft); margin: 6px 0 4px; }
.bar .pass { background: var(--pass); } .bar .fail { background: var(--fail); }
.bar .error { background: var(--error); } .bar .skip { background: #c5ccd3; }
.attention { border: 1px solid var(--fail); border-left-width: 5px; border-radius: 6px; padding: 8px 14px; margin: 16px 0; }
.attention.clear { border-color: var(--pass); }
.attention ol { margin: 6px 0; padding-left: 22px; } .attention li { margin: 8px 0; }
.attention .why { overflow-wrap: anywhere; } .attention .fixline { color: #7a4a00; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
thead th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.overview td:first-child, .overview th:first-child { width: 1%; white-space: nowrap; } .overview a { color: inherit; }
.check { border: 1px solid var(--line); border-left: 5px solid var(--skip); border-radius: 6px; padding: 12px 16px;
  margin: 16px 0; }
.check.pass { border-left-color: var(--pass); } .check.fail { border-left-color: var(--fail); }
.check.error { border-left-color: var(--error); }
.check header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.check .id { color: var(--muted); } .check .meta { color: var(--muted); font-size: 12px; margin-left: auto; }
.reason { margin: 8px 0 4px; overflow-wrap: anywhere; }
code.code { font-size: 0.85em; padding: 0 4px; border-radius: 3px; background: #f1eef6; color: #5b4b7a; white-space: nowrap; }
.fix { margin: 4px 0; padding: 6px 10px; background: #fff8c5; border-radius: 4px; overflow-wrap: anywhere; }
figure { margin: 14px 0; break-inside: avoid; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.excerpt { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; margin: 8px 0; break-inside: avoid; }
.excerpt-head { overflow-wrap: anywhere; } .excerpt .url { color: var(--muted); }
.method { font-weight: 600; font-family: ui-monospace, monospace; font-size: 12px; }
.status { font-weight: 700; padding: 0 6px; border-radius: 4px; background: var(--soft); }
.status.s2 { color: var(--pass); } .status.s4 { color: var(--fail); } .status.s5 { color: #fff; background: var(--fail); }
pre { background: var(--soft); padding: 8px 10px; border-radius: 4px; overflow: auto; max-height: 360px;
  white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin: 6px 0; } summary { cursor: pointer; color: var(--muted); }
.headers th { width: 30%; font-weight: 500; color: var(--muted); font-family: ui-monospace, monospace; font-size: 12px; }
.headers td { font-family: ui-monospace, monospace; font-size: 12px; }
ul.notes { margin: 4px 0; padding-left: 20px; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
@media print {
  body { font-size: 11px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  .check, .attention { break-inside: auto; }
  pre { max-height: none; }
  h2, .check header { break-after: avoid; }
}
`;

/** No script, no fetch, no external file: the second line of defense behind escaping every text. */
const contentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** The start of every labdrill page up to the opened <main>; `title` must already be escaped. */
export function pageHead(title: string, style: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body><main>',
  ].join('\n');
}
