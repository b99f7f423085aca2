// Monitoring pages: the trend of one point with its thresholds, and the map of enterprises
// coloured by alarm state. Data come from a JSON endpoint or <script type="application/json">.
"use strict";
(function () {
  const THRESHOLD_COLORS = {
    low_low: "#d63939", low: "#f59f00", high: "#f59f00", high_high: "#d63939",
    alarm_at: "#f59f00", power_off_at: "#d63939", restore_at: "#2fb344",
  };

  const trendEl = document.querySelector('[data-chart="point-trend"]');
  if (trendEl) {
    const chart = echarts.init(trendEl);
    fetch(trendEl.dataset.url, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        const labels = data.labels;
        const marks = Object.entries(data.thresholds).map(([name, value]) => ({
          name: labels[name] || name,
          yAxis: value,
          lineStyle: { color: THRESHOLD_COLORS[name] || "#999", type: "dashed" },
          label: { formatter: `${labels[name] || name} ${value}`, position: "insideEndTop" },
        }));
        let series;
        if (data.kind === "raw") {
          series = [{
            name: labels.value, type: "line", showSymbol: false, data: data.points,
            markLine: { symbol: "none", data: marks },
          }];
        } else {
          series = [
            { name: labels.max, type: "line", showSymbol: false, data: data.points.map((p) => [p[0], p[3]]), lineStyle: { color: "#d63939" } },
            { name: labels.avg, type: "line", showSymbol: false, data: data.points.map((p) => [p[0], p[2]]), markLine: { symbol: "none", data: marks } },
            { name: labels.min, type: "line", showSymbol: false, data: data.points.map((p) => [p[0], p[1]]), lineStyle: { color: "#2fb344" } },
          ];
        }
        const values = Object.values(data.thresholds);
        chart.setOption({
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 60, right: 90, top: 30, bottom: 60 },
          xAxis: { type: "time" },
          yAxis: {
            type: "value", name: data.unit, scale: true,
            max: (v) => Math.max(v.max, ...values) * 1.05,
          },
          dataZoom: [{ type: "inside" }, { type: "slider" }],
          series: series,
        });
      });
    window.addEventListener("resize", () => chart.resize());
  }

  const mapEl = document.querySelector('[data-chart="monitoring-map"]');
  if (mapEl) {
    const states = JSON.parse(document.getElementById("data-monitoring-states").textContent);
    const labels = JSON.parse(document.getElementById("data-monitoring-labels").textContent);
    const colors = { alarm: "#d63939", handling: "#f59f00", offline: "#868e96", normal: "#2fb344" };
    fetch(mapEl.dataset.geojson)
      .then((response) => response.json())
      .then((geojson) => {
        echarts.registerMap("china-provinces", geojson);
        const chart = echarts.init(mapEl);
        const located = states.filter((s) => s.lon !== null && s.lat !== null);
        chart.setOption({
          tooltip: {
            trigger: "item",
            formatter: (p) => p.data && p.data.info ? `${p.data.info.name}<br>${labels[p.data.info.state]}` : p.name,
          },
          legend: { left: 10, bottom: 10, orient: "vertical", data: Object.keys(colors).map((k) => labels[k]) },
          geo: { map: "china-provinces", roam: true, nameProperty: "code", itemStyle: { areaColor: "#f1f5f9", borderColor: "#adb5bd" } },
          series: Object.keys(colors).map((state) => ({
            name: labels[state],
            type: "scatter",
            coordinateSystem: "geo",
            symbolSize: state === "normal" ? 6 : 10,
            itemStyle: { color: colors[state] },
            data: located.filter((s) => s.state === state).map((s) => ({ name: s.name, value: [s.lon, s.lat], info: s })),
          })),
        });
        window.addEventListener("resize", () => chart.resize());
      });
  }
})();
