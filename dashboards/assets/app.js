// Draws the charts whose options the server embedded as JSON, on every
// page. The options are data; the only code here is ours: Vietnamese number
// formatters (1.234,5) that JSON cannot carry. A chart element names its
// option block in data-chart and its unit in data-unit (pct, the default;
// pp, percentage points; count, households). Unit names reach ECharts as
// data only: the canvas draws them as text and the tooltip HTML-encodes them.
(function () {
  'use strict';

  function fmt(v, digits) {
    var s = Math.abs(v).toFixed(digits);
    var parts = s.split('.');
    var out = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    if (parts.length > 1) { out += ',' + parts[1]; }
    return (v < 0 && Number(s) !== 0 ? '-' : '') + out;
  }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  var formats = {
    pct: function (v) { return isNum(v) ? fmt(v, 2) + '%' : '—'; },
    pp: function (v) { return isNum(v) ? fmt(v, 2) : '—'; },
    count: function (v) { return isNum(v) ? fmt(v, 0) : '—'; }
  };
  // dash.js formats with the same function: one Vietnamese number format.
  window.rasoat = {fmt: fmt, isNum: isNum};
  function axisNum(v) {
    if (!isNum(v)) { return String(v); }
    return Math.round(v) === v ? fmt(v, 0) : fmt(v, 1);
  }
  function valueOf(p) {
    var v = p && p.value;
    if (v && typeof v === 'object' && 'value' in v) { v = v.value; }
    return v;
  }

  function each(list, fn) {
    if (!list) { return; }
    if (!Array.isArray(list)) { list = [list]; }
    for (var i = 0; i < list.length; i++) { fn(list[i]); }
  }

  function localise(opt, unit) {
    var f = formats[unit] || formats.pct;
    opt.tooltip = opt.tooltip || {};
    opt.tooltip.valueFormatter = f;
    var valueX = false;
    each(opt.xAxis, function (a) {
      if (a.type === 'value') { valueX = true; a.axisLabel = a.axisLabel || {}; a.axisLabel.formatter = axisNum; }
    });
    each(opt.yAxis, function (a) {
      a.axisLabel = a.axisLabel || {};
      if (a.type === 'value') {
        a.axisLabel.formatter = axisNum;
      } else {
        // Long commune names: cut, the table has them in full.
        a.axisLabel.width = 160;
        a.axisLabel.overflow = 'truncate';
      }
    });
    each(opt.series, function (s) {
      if (s.label && s.label.show) {
        s.label.formatter = function (p) { return f(valueOf(p)); };
      }
      if (valueX && s.markLine && s.markLine.label && typeof s.markLine.label.formatter === 'string') {
        var text = s.markLine.label.formatter;
        s.markLine.label.formatter = function (p) { return text + ' ' + f(valueOf(p)); };
      }
    });
    return opt;
  }

  function draw(el) {
    var src = document.getElementById(el.getAttribute('data-chart'));
    if (!src) { return; }
    var opt;
    try {
      opt = JSON.parse(src.textContent);
    } catch (e) {
      el.textContent = 'Không vẽ được biểu đồ; xem bảng số liệu bên dưới.';
      return;
    }
    var h = parseInt(el.getAttribute('data-height'), 10);
    if (h > 0) { el.style.height = h + 'px'; }
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(localise(opt, el.getAttribute('data-unit')));
    el.setAttribute('data-ready', '1');
    window.addEventListener('resize', function () { chart.resize(); });
  }

  var els = document.querySelectorAll('[data-chart]');
  for (var i = 0; i < els.length; i++) { draw(els[i]); }
}());
