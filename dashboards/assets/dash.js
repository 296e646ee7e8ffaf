// The dashboard's own behaviour, after app.js has drawn the charts:
// the pickers submit on change (the state lives in the URL, so the back
// button and shared links work), a click on a bar or a map region drills
// into that unit, and the choropleth map is drawn once its boundaries have
// been fetched from the server (/api/geo/LAYER, registered with
// echarts.registerMap). Names reach ECharts as data; the only HTML built
// here is the map tooltip, and it is encoded.
(function () {
  'use strict';

  var fmt = window.rasoat.fmt, isNum = window.rasoat.isNum; // app.js, loaded first
  var formats = {
    pct: function (v) { return isNum(v) ? fmt(v, 2) + '%' : '—'; },
    pp: function (v) { return isNum(v) ? fmt(v, 2) + ' điểm %' : '—'; }
  };
  function esc(s) { return echarts.format.encodeHTML(String(s)); }

  // Pickers: a change submits; a coarser choice drops the finer ones it
  // invalidates (a new year may not have the old standard).
  var form = document.getElementById('dash-form');
  if (form) {
    var sels = form.querySelectorAll('select');
    for (var i = 0; i < sels.length; i++) {
      sels[i].addEventListener('change', function (ev) {
        var resets = (ev.target.getAttribute('data-resets') || '').split(' ');
        for (var j = 0; j < resets.length; j++) {
          if (!resets[j]) { continue; }
          var el = form.querySelector('[name="' + resets[j] + '"]');
          if (el) { el.disabled = true; }
        }
        form.submit();
      });
    }
  }

  function drillTo(el, code) {
    var base = el.getAttribute('data-drill');
    if (base && code) { window.location.href = base + encodeURIComponent(code); }
  }

  // Bars: each data item carries its unit code.
  var bars = document.querySelectorAll('[data-chart][data-drill]');
  for (var b = 0; b < bars.length; b++) {
    (function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (!chart) { return; }
      chart.on('click', function (p) { drillTo(el, p.data && p.data.code); });
    }(bars[b]));
  }

  // The choropleth.
  var maps = document.querySelectorAll('[data-map]');
  for (var m = 0; m < maps.length; m++) {
    (function (el) {
      var layer = el.getAttribute('data-map');
      var src = document.getElementById(el.getAttribute('data-map-option'));
      var f = formats[el.getAttribute('data-unit')] || formats.pct;
      var opt;
      try { opt = JSON.parse(src.textContent); } catch (e) { el.textContent = 'Không vẽ được bản đồ; xem bảng số liệu bên dưới.'; return; }
      fetch('/api/geo/' + encodeURIComponent(layer), { credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (geo) {
          echarts.registerMap(layer, geo);
          opt.tooltip.formatter = function (p) {
            var d = p.data;
            if (!d) { return esc(p.name) + ': không có số liệu'; }
            return esc(d.unitName) + '<br>' + esc(f(d.value));
          };
          opt.visualMap.formatter = function (v) { return f(v); };
          var chart = echarts.init(el, null, { renderer: 'canvas' });
          chart.setOption(opt);
          chart.on('click', function (p) { if (p.data) { drillTo(el, p.data.name); } });
          el.setAttribute('data-ready', '1');
          window.addEventListener('resize', function () { chart.resize(); });
        })
        .catch(function () { el.textContent = 'Không tải được bản đồ; xem bảng số liệu bên dưới.'; });
    }(maps[m]));
  }
}());
