// The KPI page's charts, drawn with Chart.js from the JSON the page carries (#kpi-data).
// Loaded from our origin, so the Content-Security-Policy allows it. Without JavaScript, every
// chart's numbers are in the table under it.
"use strict";

(() => {
  const PALETTE = [
    "#1c7ed6", "#2f9e44", "#e8590c", "#c2255c", "#7048e8",
    "#0c8599", "#f08c00", "#5c940d", "#868e96", "#a61e4d",
  ];
  const TARGET = "#495057";

  function duration(minutes) {
    const hours = Math.floor(minutes / 60);
    const rest = Math.round(minutes % 60);
    if (!hours) return `${rest} min`;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }

  function formatter(unit) {
    const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
    switch (unit) {
      case "percent": return (v) => `${number.format(v)}%`;
      case "minutes": return (v) => duration(v);
      default: return (v) => number.format(v);
    }
  }

  function dataset(series, index, chart) {
    const colour = series.target ? TARGET : PALETTE[index % PALETTE.length];
    const kind = series.kind || chart.type;
    const set = {
      label: series.label,
      data: series.data,
      type: kind,
      borderColor: colour,
      backgroundColor: kind === "bar" ? `${colour}cc` : colour,
      yAxisID: series.axis === "y2" ? "y2" : "y",
      spanGaps: false,
      unit: series.unit,
    };
    if (kind === "line") {
      // Monotone: a curve between two weeks never overshoots them (no invented dips).
      Object.assign(set, {
        cubicInterpolationMode: "monotone", pointRadius: 2, borderWidth: 2, fill: false,
      });
    }
    if (series.target) {
      Object.assign(set, { borderDash: [6, 4], pointRadius: 0, borderWidth: 2, stack: "target" });
    } else if (kind === "line" && chart.stacked) {
      set.stack = `line-${index}`; // a line beside stacked bars is not stacked on them
    }
    // Lines drawn over the bars.
    set.order = kind === "line" ? 0 : 1;
    return set;
  }

  function config(chart, still) {
    const series = chart.series.map((s, i) => dataset(s, i, chart));
    const tick = formatter(chart.unit);
    const scales = {
      x: { stacked: chart.stacked, grid: { display: false } },
      y: { stacked: chart.stacked, beginAtZero: true, ticks: { callback: tick, precision: 0 } },
    };
    if (chart.unit === "percent" || chart.unit === "score") scales.y.suggestedMax = 100;
    if (series.some((s) => s.yAxisID === "y2")) {
      const right = chart.series.find((s) => s.axis === "y2");
      scales.y2 = {
        position: "right",
        beginAtZero: true,
        grid: { drawOnChartArea: false },
        ticks: { callback: formatter(right.unit) },
      };
    }
    return {
      type: chart.type,
      data: { labels: chart.labels, datasets: series },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        scales,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: (item) => {
                const value = item.raw;
                if (value === null || value === undefined) return `${item.dataset.label}: —`;
                return `${item.dataset.label}: ${formatter(item.dataset.unit)(value)}`;
              },
            },
          },
        },
      },
    };
  }

  function draw() {
    const source = document.getElementById("kpi-data");
    if (!source || typeof window.Chart === "undefined") return;
    const charts = JSON.parse(source.textContent);
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    document.querySelectorAll("canvas[data-kpi-chart]").forEach((canvas) => {
      const chart = charts[canvas.dataset.kpiChart];
      if (!chart) return;
      new window.Chart(canvas, config(chart, still));
      canvas.dataset.drawn = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
