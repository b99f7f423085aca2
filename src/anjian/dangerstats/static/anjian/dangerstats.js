// Hidden danger statistics charts: the monthly trend (found, of which rectified, major) and found /
// rectification rate by region. Data comes from a <script type="application/json"> block.
"use strict";
(function () {
  const source = document.getElementById("data-danger-chart");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const charts = [];
  const trendEl = document.querySelector('[data-chart="danger-trend"]');
  if (trendEl) {
    const chart = echarts.init(trendEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [data.labels.found, data.labels.rectified, data.labels.major] },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.found, type: "bar", data: data.found, itemStyle: { color: "#f59f00" } },
        { name: data.labels.rectified, type: "bar", data: data.rectified, itemStyle: { color: "#2fb344" } },
        { name: data.labels.major, type: "line", data: data.major, itemStyle: { color: "#d63939" } },
      ],
    });
    charts.push(chart);
  }
  const regionsEl = document.querySelector('[data-chart="danger-regions"]');
  if (regionsEl) {
    const chart = echarts.init(regionsEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 90, right: 50, top: 20, bottom: 30 },
      xAxis: [{ type: "value", minInterval: 1 }],
      yAxis: { type: "category", data: data.regions.map((r) => r.name), inverse: true },
      series: [
        {
          name: data.labels.found,
          type: "bar",
          data: data.regions.map((r) => r.found),
          itemStyle: { color: "#f59f00" },
          label: {
            show: true,
            position: "right",
            formatter: (p) => {
              const rate = data.regions[p.dataIndex].rate;
              return rate === null ? "" : rate + "%";
            },
          },
        },
      ],
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
