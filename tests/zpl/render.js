#!/usr/bin/env node
// Zebrash (npm zpl-renderer-js, Go compiled to WASM; no network) as an independent ZPL renderer
// for Depot's label tests.
//   node render.js WIDTH_MM HEIGHT_MM [DPMM] < label.zpl > label.png
//       the first ^XA…^XZ format read on stdin, as a PNG on stdout (DPMM 8 = 203 dpi);
//   node render.js WIDTH_MM HEIGHT_MM DPMM OUTDIR < labels.zpl
//       every format, as OUTDIR/label-1.png, label-2.png, … (one start-up for many labels).
"use strict";

const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [width, height, dpmm, outDir] = process.argv.slice(2);
  const widthMm = Number(width);
  const heightMm = Number(height);
  const dotsPerMm = dpmm === undefined ? 8 : Number(dpmm);
  if (!(widthMm > 0 && heightMm > 0 && dotsPerMm > 0)) {
    process.stderr.write("usage: node render.js WIDTH_MM HEIGHT_MM [DPMM [OUTDIR]] < labels.zpl\n");
    process.exit(2);
  }
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const zpl = Buffer.concat(chunks).toString("utf8");
  const { api } = await require("zpl-renderer-js").ready;
  if (outDir === undefined) {
    const png = await api.zplToBase64Async(zpl, widthMm, heightMm, dotsPerMm);
    process.stdout.write(Buffer.from(png, "base64"));
    return;
  }
  const pngs = await api.zplToBase64MultipleAsync(zpl, widthMm, heightMm, dotsPerMm);
  fs.mkdirSync(outDir, { recursive: true });
  pngs.forEach((png, i) => {
    fs.writeFileSync(path.join(outDir, `label-${i + 1}.png`), Buffer.from(png, "base64"));
  });
  process.stdout.write(`${pngs.length}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`zpl render failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
