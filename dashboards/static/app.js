// Nianbao dashboards: draw every <div class="chart" data-option="…"> with
// ECharts. The options arrive as JSON in an attribute, so the server never
// writes data into a script. Tables under each chart carry the same numbers
// for readers without JavaScript.
(function () {
  "use strict";
  var charts = [];
  window.nianbao = { charts: charts };

  function draw() {
    var boxes = document.querySelectorAll(".chart[data-option]");
    if (!window.echarts) {
      boxes.forEach(function (el) {
        el.classList.add("chart-missing");
        el.textContent = "图表脚本未能加载（服务器缺少 /assets/vendor/echarts.min.js，请运行 scripts/setup.sh）。下表列出同样的数字。";
      });
      return;
    }
    boxes.forEach(function (el) {
      var option = JSON.parse(el.getAttribute("data-option"));
      var unit = el.getAttribute("data-unit");
      if (unit) {
        option.tooltip = option.tooltip || {};
        option.tooltip.valueFormatter = function (v) {
          return v === null || v === undefined || v === "-" ? "无（分母为0）" : v + unit;
        };
      }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      charts.push(chart);
    });
    var resize = function () { charts.forEach(function (c) { c.resize(); }); };
    window.addEventListener("resize", resize);
    window.addEventListener("beforeprint", resize);
    window.addEventListener("afterprint", resize);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
