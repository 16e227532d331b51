// DeepClaw dashboard charts, drawn with uPlot (served from this origin as /assets/uPlot.iife.min.js).
// Each <figure data-chart="…" data-source="id"> reads its data from <script type="application/json" id="id">
// and draws into its .chart-canvas; the figure's caption and the table under it are the text
// alternative, and stay when JavaScript is off. Colours come from the CSS custom properties, so
// light and dark mode both read well; a change of scheme or width redraws.
'use strict';
(function () {
  if (!window.uPlot) return;

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }
  function palette() {
    var colours = [];
    for (var i = 1; i <= 6; i++) colours.push(css('--chart-' + i));
    return colours;
  }
  function axes(leftLabel, rightLabel) {
    var text = css('--text');
    var grid = css('--grid');
    var list = [
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } },
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, label: leftLabel, size: 78 },
    ];
    if (rightLabel) list.push({ side: 1, scale: 'right', stroke: text, grid: { show: false }, ticks: { stroke: grid }, label: rightLabel, size: 50 });
    return list;
  }
  var dollars = function (u, v) {
    return v == null ? '–' : '$' + v.toFixed(2);
  };
  var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 48] }) : undefined;

  var builders = {
    // Spend per day, stacked by model: each series is drawn as the running total up to it, the
    // tallest first, so every model shows as its own band; the legend shows each model's own value.
    spend: function (data, colours) {
      var running = data.x.map(function () { return 0; });
      var stacked = data.series.map(function (s) {
        running = running.map(function (total, i) { return total + (s.values[i] || 0); });
        return running.slice();
      });
      var order = data.series.map(function (s, i) { return i; }).reverse();
      return {
        data: [data.x].concat(order.map(function (i) { return stacked[i]; })),
        series: [{}].concat(order.map(function (i) {
          var own = data.series[i].values;
          return {
            label: data.series[i].label,
            stroke: colours[i % colours.length],
            fill: colours[i % colours.length],
            paths: bars,
            points: { show: false },
            value: function (u, v, si, idx) { return idx == null ? '–' : '$' + (own[idx] || 0).toFixed(2); },
          };
        })),
        axes: axes('USD'),
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max, 0.01) * 1.1]; } } },
      };
    },
    hourly: function (data, colours) {
      return {
        data: [data.x, data.tokens, data.errors],
        series: [
          {},
          { label: 'tokens', stroke: colours[0], width: 2, fill: colours[0] + '22', points: { show: false } },
          { label: 'errors', stroke: colours[4], fill: colours[4], scale: 'right', paths: bars, points: { show: false } },
        ],
        axes: axes('tokens', 'errors'),
        scales: { x: { time: true }, right: { range: function (u, min, max) { return [0, Math.max(max, 1) * 3]; } } },
      };
    },
    daily: function (data, colours) {
      return {
        data: [data.x, data.values],
        series: [{}, { label: 'spend', stroke: colours[0], fill: colours[0], paths: bars, points: { show: false }, value: dollars }],
        axes: axes('USD'),
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max, 0.01) * 1.1]; } } },
      };
    },
  };

  var charts = [];
  function draw() {
    charts.forEach(function (c) { c.plot.destroy(); });
    charts = [];
    var figures = document.querySelectorAll('figure[data-chart]');
    for (var i = 0; i < figures.length; i++) {
      var figure = figures[i];
      var build = builders[figure.getAttribute('data-chart')];
      var source = document.getElementById(figure.getAttribute('data-source'));
      var target = figure.querySelector('.chart-canvas');
      if (!build || !source || !target) continue;
      var spec = build(JSON.parse(source.textContent), palette());
      var width = Math.max(280, target.clientWidth);
      var plot = new uPlot(
        { width: width, height: width < 500 ? 200 : 260, series: spec.series, axes: spec.axes, scales: spec.scales, legend: { live: true }, cursor: { points: { show: false } } },
        spec.data,
        target,
      );
      figure.setAttribute('data-points', String(spec.data[0].length));
      charts.push({ plot: plot, target: target });
    }
  }

  draw();
  var scheme = window.matchMedia('(prefers-color-scheme: dark)');
  if (scheme.addEventListener) scheme.addEventListener('change', draw);
  var resizing;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      charts.forEach(function (c) { c.plot.setSize({ width: Math.max(280, c.target.clientWidth), height: c.target.clientWidth < 500 ? 200 : 260 }); });
    }, 150);
  });
})();
