// Nianbao dashboards: draw every <div class="chart" data-option="…"> with
// ECharts. The options arrive as JSON in an attribute, so the server never
// writes data into a script. Tables under each chart carry the same numbers
// for readers without JavaScript.
(function () {
  "use strict";
  var charts = [];
  window.nianbao = { charts: charts };

  // On a phone a column chart of many categories is a smear: lay it on
  // its side, one bar per line, and make the box as tall as the bars.
  var narrow = function () { return window.matchMedia("(max-width: 700px)").matches; };
  function sideways(option, el) {
    var x = option.xAxis && option.xAxis[0], y = option.yAxis && option.yAxis[0];
    if (!narrow() || !x || !y || x.type !== "category" || !x.data || x.data.length <= 8) { return; }
    if ((option.series || []).some(function (s) { return s.type !== "bar"; })) { return; }
    var cat = Object.assign({}, x, { inverse: true, axisLabel: { interval: 0, rotate: 0 } });
    var val = Object.assign({}, y, { name: "" });
    option.yAxis = [cat];
    option.xAxis = [val];
    el.style.height = Math.max(300, x.data.length * 26 * Math.max(1, option.series.length > 3 ? 1.2 : 1) + 110) + "px";
    el.setAttribute("data-sideways", "1");
  }

  function draw() {
    var boxes = document.querySelectorAll(".chart[data-option]");
    if (!window.echarts) {
      boxes.forEach(function (el) {
        el.classList.add("chart-missing");
        el.textContent = "图表暂时无法显示。下表列出同样的数字。";
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
      sideways(option, el);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      // A map region opens its drill-down (the province's cities).
      var drill = el.getAttribute("data-drill");
      if (drill) {
        chart.on("click", function (p) {
          if (p.data && p.data.full) { window.location.href = drill + encodeURIComponent(p.data.full); }
        });
      }
      charts.push(chart);
    });
    var resize = function () { charts.forEach(function (c) { c.resize(); }); };
    // Browsers call beforeprint while the page still has its screen width:
    // draw for the A4 text width (186 mm ≈ 700 px) so a chart fills its box
    // on paper instead of shrinking into its top part.
    // A chart of a .two-up page (the county's) is half the text width and
    // 56 mm tall on paper (app.css): 340 × 212 px. The sizes are fixed
    // here because beforeprint still sees the screen's layout. The
    // toolbox (save as image) is a control: not on paper.
    // Only a legend on show changes type (a new type re-creates it, shown).
    var legendShown = function (c) {
      var l = c.getOption().legend;
      return !!(l && l[0] && l[0].show !== false);
    };
    var forPaper = function () {
      charts.forEach(function (c) {
        // A scrolling legend would print one page of its names and its
        // arrows: on paper every name, wrapped.
        // Wrapped, the legend takes two rows: the plot gives it room.
        c.setOption(legendShown(c) ? { toolbox: { show: false }, legend: { type: "plain", bottom: 0 }, grid: { bottom: 60 } } : { toolbox: { show: false } });
        if (c.getDom().closest(".two-up")) {
          c.resize({ width: 340, height: 212 });
        } else {
          c.resize({ width: Math.min(700, c.getDom().clientWidth) });
        }
      });
    };
    var forScreen = function () {
      charts.forEach(function (c) {
        c.setOption(legendShown(c) ? { toolbox: { show: true }, legend: { type: "scroll", bottom: 0 }, grid: { bottom: 40 } } : { toolbox: { show: true } });
      });
      resize();
    };
    window.addEventListener("resize", resize);
    window.addEventListener("beforeprint", forPaper);
    window.addEventListener("afterprint", forScreen);
    // Printing to PDF fires no beforeprint; the print media query changes.
    var printing = window.matchMedia("print");
    if (printing.addEventListener) {
      printing.addEventListener("change", function (e) { if (e.matches) { forPaper(); } else { forScreen(); } });
    }
  }

  // Sortable tables: a header button orders the rows by that column's
  // values (data-v); rows without a value and the median row stay last.
  function sortable() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      heads.forEach(function (th, col) {
        var btn = th.querySelector("button.sort");
        if (!btn) { return; }
        btn.addEventListener("click", function () {
          var desc = th.getAttribute("aria-sort") !== "descending";
          heads.forEach(function (h) { if (h.querySelector("button.sort")) { h.setAttribute("aria-sort", "none"); } });
          th.setAttribute("aria-sort", desc ? "descending" : "ascending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var fixed = rows.filter(function (r) { return r.classList.contains("sum"); });
          var value = function (r) {
            var v = r.cells[col].getAttribute("data-v");
            return v === null ? null : parseFloat(v);
          };
          rows = rows.filter(function (r) { return !r.classList.contains("sum"); });
          rows.sort(function (a, b) {
            var x = value(a), y = value(b);
            if (x === null || y === null) { return (x === null) - (y === null); }
            return desc ? y - x : x - y;
          });
          rows.concat(fixed).forEach(function (r) { body.appendChild(r); });
        });
      });
    });
  }

  // A cell's source, findings and corrections live in its title, which
  // phones and keyboards cannot reach: a tap or Enter shows them in a panel.
  function notes() {
    var panel = document.createElement("aside");
    panel.id = "cell-note";
    panel.hidden = true;
    panel.setAttribute("role", "status");
    var text = document.createElement("div");
    var close = document.createElement("button");
    close.type = "button";
    close.setAttribute("aria-label", "关闭");
    close.textContent = "×";
    close.addEventListener("click", function () { panel.hidden = true; });
    panel.appendChild(text);
    panel.appendChild(close);
    document.body.appendChild(panel);
    document.querySelectorAll("td[title]").forEach(function (td) {
      td.setAttribute("data-note", td.getAttribute("title"));
      td.tabIndex = 0;
      var show = function () { text.textContent = td.getAttribute("data-note"); panel.hidden = false; };
      td.addEventListener("click", show);
      td.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(); } });
    });
  }

  function start() { draw(); sortable(); notes(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
