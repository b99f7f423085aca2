// Accident statistics charts: accidents per month (this year and the same period of last year)
// and by grade. Data comes from a <script type="application/json"> block rendered by the server.
"use strict";
(function () {
  const source = document.getElementById("data-accident-chart");
  if (!source) {
    return;
  }
  const data = JSON.parse(source.textContent);
  const monthsEl = document.querySelector('[data-chart="accident-months"]');
  if (monthsEl) {
    const chart = echarts.init(monthsEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.this_year, data.labels.last_year] },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.this_year, type: "bar", data: data.this_year, itemStyle: { color: "#d63939" } },
        { name: data.labels.last_year, type: "bar", data: data.last_year, itemStyle: { color: "#adb5bd" } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  const gradesEl = document.querySelector('[data-chart="accident-grades"]');
  if (gradesEl) {
    const chart = echarts.init(gradesEl);
    chart.setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], data: data.grades }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
})();
