// Draws the inspector pages' charts from the JSON options the server
// embedded. Like app.js, but each chart says its unit (data-unit: pct, pp or
// count) and numbers are shown in the Vietnamese format (1.234,5). Names
// reach ECharts as data only: drawn as canvas text, HTML-encoded in tooltips.
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
    each(opt.xAxis, function (a) {
      a.axisLabel = a.axisLabel || {};
      if (a.type === 'value') { a.axisLabel.formatter = axisNum; }
    });
    each(opt.yAxis, function (a) {
      a.axisLabel = a.axisLabel || {};
      if (a.type === 'value') {
        a.axisLabel.formatter = axisNum;
      } else {
        a.axisLabel.width = 180;
        a.axisLabel.overflow = 'truncate';
      }
    });
    each(opt.series, function (s) {
      if (s.label && s.label.show) {
        s.label.formatter = function (p) { return f(valueOf(p)); };
      }
    });
    return opt;
  }

  function draw(el) {
    var src = document.getElementById(el.getAttribute('data-ichart'));
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

  var els = document.querySelectorAll('[data-ichart]');
  for (var i = 0; i < els.length; i++) { draw(els[i]); }

  // A close form asks for the corrected figures only when the outcome is
  // "corrected"; without JavaScript the fields simply stay visible.
  var outcome = document.getElementById('outcome');
  var figs = document.getElementById('corrected-figures');
  if (outcome && figs) {
    var sync = function () { figs.hidden = outcome.value !== 'corrected'; };
    outcome.addEventListener('change', sync);
    sync();
  }
}());
