// Home dashboard charts: enterprises by sector (bar) and by province (map).
// Data comes from <script type="application/json"> blocks rendered by the server.
"use strict";
(function () {
  function data(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : [];
  }

  const sectorEl = document.querySelector('[data-chart="sector"]');
  if (sectorEl) {
    const rows = data("data-sector");
    const chart = echarts.init(sectorEl);
    chart.setOption({
      grid: { left: 80, right: 20, top: 10, bottom: 30 },
      tooltip: {},
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map((r) => r.name), inverse: true },
      series: [{ type: "bar", data: rows.map((r) => r.value), itemStyle: { color: "#206bc4" }, label: { show: true, position: "right" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  const mapEl = document.querySelector('[data-chart="province-map"]');
  if (mapEl) {
    const rows = data("data-province");
    fetch(mapEl.dataset.geojson)
      .then((response) => response.json())
      .then((geojson) => {
        echarts.registerMap("china-provinces", geojson);
        const chart = echarts.init(mapEl);
        const max = Math.max(1, ...rows.map((r) => r.value));
        chart.setOption({
          tooltip: { trigger: "item", formatter: (p) => `${p.data ? p.data.label : p.name}: ${p.value || 0}` },
          visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: true, inRange: { color: ["#e8f1fb", "#206bc4"] } },
          series: [{
            type: "map",
            map: "china-provinces",
            nameProperty: "code",
            roam: true,
            data: rows.map((r) => ({ name: r.code, value: r.value, label: r.name })),
          }],
        });
        window.addEventListener("resize", () => chart.resize());
      });
  }
})();

// Auditor console: failed logins per day.
(function () {
  "use strict";
  const el = document.querySelector('[data-chart="failed-logins"]');
  if (!el) return;
  const rows = JSON.parse(document.getElementById("data-failed-logins").textContent);
  const chart = echarts.init(el);
  chart.setOption({
    grid: { left: 40, right: 20, top: 10, bottom: 30 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: rows.map((r) => r.day.slice(5)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: rows.map((r) => r.value), itemStyle: { color: "#d63939" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
